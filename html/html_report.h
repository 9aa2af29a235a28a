#pragma once
// The page kinds of `--html FILE`. A page kind is a function from the JSON document a
// command already writes for `--json` to an HtmlPage of sections, numbers and ChartSpecs;
// html/html_page.h lays it out and inlines the chart library, html_charts.h holds the
// chart vocabulary (series, log axes, a second y axis, error bars, reference lines, marked
// points, downsampling).
//
// Adding a page kind (find-max, compare):
//   1. Here: `HtmlPage NAME_page(const nlohmann::json& doc)` building its charts from the
//      command's JSON document only (so a page can be rebuilt from a saved JSON), in a file
//      of its own (html/html_NAME_page.cpp) — e.g. find-max: x = target rate per step,
//      series p99 and error rate (right axis), a ReferenceLine per SLO, marked_x at the
//      knee; compare: XFormat::kCategory over the metrics, base and new with low/high as
//      confidence intervals, regressions as marked_x. Give each chart a stable id.
//   2. The command: load_chart_library() BEFORE it runs anything (exit 2 on error, so no
//      run is wasted), then write_html_file(path, NAME_page(doc), library) at the end.
//   3. A browser test in tests/cli (compare_html_test.cpp, html_page_browser_test.cpp): load
//      the page in headless Chromium (scripts/headless-page) and compare its charts' point
//      counts with the JSON.

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "base/status.h"
#include "html/html_page.h"

namespace stressql::html {

// Past this many points a series is folded (downsample()): a 24-hour run's page stays
// well under 2 MB and draws in well under a second.
inline constexpr size_t kMaxPointsPerSeries = 3000;

// `run` and `report TEST_ID`: a run's JSON report (report/json_report.h) as a page. Per
// INSERT and QUERY four charts (ids s<index>-throughput, -latency, -spectrum, -failures);
// the other statements are listed with their report lines.
HtmlPage run_page(const nlohmann::json& report);

// `find-max`: its JSON document (cli/find_max_output.h) as a page. One chart, id "find-max":
// x = target rate per step (in rate order), p50 and p99 in ms, error rate % on the right
// axis, a line per latency SLO and the knee marked; the steps as the text output lists them.
HtmlPage find_max_page(const nlohmann::json& doc);

// `compare`: its JSON document (judge/compare_output.h compare_json, read back by judge/compare_reader.h) as a page. The
// header says what was compared (sides, runs, test IDs, the rule); a "Regressions" section
// lists them; then per statement one chart, id "compare-<i>" (i: statement order): x = its
// metrics (categories), series base (100) and new in % of base with the change's interval
// as bars, the limit as lines, the regressions marked; beside it the text output's rows.
HtmlPage compare_page(const nlohmann::json& doc);

// Writes render_page(page, library) to `path`.
base::Status write_html_file(const std::string& path, const HtmlPage& page, const ChartLibrary& library);

// Under an open-loop rate, the target in requests per second during second `second` of the
// statement (its middle: the mean over a second of a ramp), from the numbers of the JSON
// report's `rate` (from, to, ramp_ns, units_per_request); NaN when they are missing.
double target_requests_per_second(const nlohmann::json& rate, int64_t second);

}  // namespace stressql::html
