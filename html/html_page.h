#pragma once
// One self-contained HTML page of charts and numbers (`--html FILE`): the chart library
// (Debian's libjs-dygraphs) and the data are inlined, and a Content-Security-Policy forbids
// every request, so the file opens offline and nothing leaves it. The page's script draws
// every ChartSpec, then sets `data-ready` on <body>; it logs nothing to the console.
//
// Page kinds (html/html_report.h) fill an HtmlPage; this file only lays it out.

#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "html/html_charts.h"

namespace stressql::html {

// Debian's libjs-dygraphs; STRESSQL_CHART_LIBRARY (read by the CLI) may name another folder.
inline constexpr char kChartLibraryDir[] = "/usr/share/javascript/dygraphs";

struct ChartLibrary {
  std::string js;   // dygraph.min.js, without its source-map comment
  std::string css;  // dygraph.min.css, likewise
};

// Reads dygraph.min.js and dygraph.min.css from `dir`. An error names the missing file and
// the package that provides it.
base::Status load_chart_library(const std::string& dir, ChartLibrary* out);

using Numbers = std::vector<std::pair<std::string, std::string>>;  // label, value

// A table of columns (compare's rows), under a section's numbers and charts, full width.
struct HtmlTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> marked;  // empty, or per row: shown as a problem (red), e.g. a regression
};

struct HtmlSection {
  std::string title;
  std::string note;         // a line of plain text under the title, may be empty
  Numbers numbers;          // shown beside the charts (the text report's lines)
  std::vector<ChartSpec> charts;  // a chart without points is shown as "no data", not drawn
  HtmlTable table = {};     // left out when it has no rows (defaulted: sections may omit it)
};

struct HtmlPage {
  std::string kind;   // "run", "find-max", "compare": <body data-kind>
  std::string title;
  Numbers header;
  std::vector<HtmlSection> sections;
};

// The whole page. Charts with no x values are left out of the drawing (and of the count a
// test reads from `window.stressqlCharts`).
std::string render_page(const HtmlPage& page, const ChartLibrary& library);

// Text made safe for HTML element content and attribute values; ill-formed UTF-8 becomes
// U+FFFD (the page is declared UTF-8).
std::string html_escape(const std::string& text);

}  // namespace stressql::html
