#include "html/html_page.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/utf8.h"
#include "report/json_text.h"

namespace stressql::html {
namespace {

// The page's own script: draws data.charts with Dygraph, then marks <body data-ready>.
// It writes nothing to the console; an exception reaches the console on its own (a test
// fails on it) and the marker never comes.
constexpr char kPageScript[] = R"JS(
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("stressql-data").textContent);
  var charts = data.charts, drawn = 0;
  window.stressqlCharts = [];
  function ready() { document.body.setAttribute("data-ready", String(charts.length)); }
  function pct(x) { return +(100 - 100 / x).toFixed(5) + "%"; }
  function num(v) {
    if (v === null || v === undefined) return "";
    var a = Math.abs(v);
    return a >= 1e6 || (a > 0 && a < 1e-3) ? v.toExponential(3) : String(+v.toPrecision(6));
  }
  function xAxis(spec) {
    var axis = { logscale: spec.x_log, valueFormatter: num, axisLabelFormatter: num };
    if (spec.x_format === "percentile") {
      axis.valueFormatter = pct;
      axis.axisLabelFormatter = pct;
      axis.ticker = function (min, max) {
        var t = [];
        for (var v = 2; v <= 1e6; v *= v === 2 ? 5 : 10) if (v >= min && v <= max) t.push({ v: v, label: pct(v) });
        return t;
      };
    } else if (spec.x_format === "category") {
      var name = function (x) { return spec.x_categories[Math.round(x)] || ""; };
      axis.valueFormatter = name;
      axis.axisLabelWidth = 80;
      axis.ticker = function () {
        return spec.x_categories.map(function (c, i) { return { v: i, label: c }; });
      };
    }
    return axis;
  }
  function rowsOf(spec) {
    return spec.x.map(function (x, i) {
      var row = [x];
      spec.series.forEach(function (s) {
        row.push(spec.bars ? [s.low[i], s.y[i], s.high[i]] : s.y[i]);
      });
      return row;
    });
  }
  // Draws the reference lines and the marks, and records where each line went in
  // entry.lines (label, axis, canvas y, and "top"/"bottom" when off scale) for tests.
  function underlay(spec, entry) {
    return function (ctx, area, g) {
      ctx.save();
      ctx.font = "11px sans-serif";
      entry.lines = [];
      spec.lines.forEach(function (l) {
        ctx.strokeStyle = ctx.fillStyle = "#c0392b";
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        if (l.vertical) {
          var x = g.toDomXCoord(l.value);
          ctx.moveTo(x, area.y); ctx.lineTo(x, area.y + area.h);
          ctx.stroke(); ctx.fillText(l.label, x + 4, area.y + 12);
          entry.lines.push({ label: l.label, vertical: true, x: x, edge: null });
          return;
        }
        var y = g.toDomYCoord(l.value, l.right ? 1 : 0), edge = null, label = l.label;
        // Off scale: drawn along the edge it lies beyond, and said so.
        if (y < area.y) { edge = "top"; y = area.y + 1; label += " \u2191 off scale"; }
        else if (y > area.y + area.h) { edge = "bottom"; y = area.y + area.h - 1; label += " \u2193 off scale"; }
        ctx.moveTo(area.x, y); ctx.lineTo(area.x + area.w, y);
        ctx.stroke();
        // Below a line at the top of the plot, so the label stays on it; a right-axis line's
        // label at the right.
        var tx = l.right ? area.x + area.w - 4 - ctx.measureText(label).width : area.x + 4;
        ctx.fillText(label, tx, y - 4 < area.y + 10 ? y + 12 : y - 4);
        entry.lines.push({ label: l.label, axis: l.right ? "y2" : "y", y: y, edge: edge });
      });
      ctx.setLineDash([]);
      ctx.strokeStyle = "#c0392b";
      ctx.lineWidth = 2;
      spec.marked_x.forEach(function (mx) {
        var i = spec.x.indexOf(mx);
        if (i < 0) return;
        if (spec.x_format === "category") {
          ctx.fillStyle = "rgba(192, 57, 43, 0.15)";
          ctx.fillRect(g.toDomXCoord(mx) - 18, area.y, 36, area.h);
        }
        spec.series.forEach(function (s) {
          if (s.y[i] === null || s.right) return;
          ctx.beginPath();
          ctx.arc(g.toDomXCoord(mx), g.toDomYCoord(s.y[i]), 7, 0, 2 * Math.PI);
          ctx.stroke();
        });
      });
      ctx.restore();
    };
  }
  // Dots: a dot per point and its bar as a whisker, the series side by side, no line.
  function dots(e) {
    var ctx = e.drawingContext, shift = (e.seriesIndex - (e.seriesCount - 1) / 2) * 8;
    ctx.strokeStyle = ctx.fillStyle = e.color;
    ctx.lineWidth = 1.5;
    e.points.forEach(function (p) {
      if (p.y === null || isNaN(p.y)) return;
      var x = p.canvasx + shift;
      if (!isNaN(p.y_top) && !isNaN(p.y_bottom)) {
        var top = e.plotArea.h * p.y_top + e.plotArea.y, bottom = e.plotArea.h * p.y_bottom + e.plotArea.y;
        ctx.beginPath();
        ctx.moveTo(x, top); ctx.lineTo(x, bottom);
        ctx.moveTo(x - 3, top); ctx.lineTo(x + 3, top);
        ctx.moveTo(x - 3, bottom); ctx.lineTo(x + 3, bottom);
        ctx.stroke();
      }
      ctx.beginPath();
      ctx.arc(x, p.canvasy, 3.5, 0, 2 * Math.PI);
      ctx.fill();
    });
  }
  function draw(spec) {
    var entry = { id: spec.id, graph: null, lines: [] }, series = {};
    spec.series.forEach(function (s) { if (s.right) series[s.name] = { axis: "y2" }; });
    var opts = {
      title: spec.title, xlabel: spec.x_label, ylabel: spec.y_label, y2label: spec.y2_label,
      labels: [spec.x_label].concat(spec.series.map(function (s) { return s.name; })),
      labelsDiv: document.getElementById(spec.id + "-legend"), legend: "always",
      labelsSeparateLines: false, customBars: spec.bars, series: series,
      drawPoints: spec.x.length <= 100, pointSize: 2, connectSeparatedPoints: false, animatedZooms: false,
      xRangePad: spec.x_format === "category" ? 45 : 0,
      axes: { x: xAxis(spec), y: { logscale: spec.y_log, valueFormatter: num, axisLabelFormatter: num,
                                   valueRange: spec.y_range },
              // Its own round ticks, not the left axis's positions in its units.
              y2: { valueFormatter: num, axisLabelFormatter: num, axisLabelWidth: 60, valueRange: spec.y2_range,
                    independentTicks: true, drawGrid: false } },
      underlayCallback: underlay(spec, entry),
      drawCallback: function (g, initial) { if (initial && ++drawn === charts.length) ready(); }
    };
    if (spec.dots) opts.plotter = dots;
    entry.graph = new Dygraph(document.getElementById(spec.id), rowsOf(spec), opts);
    window.stressqlCharts.push(entry);
  }
  charts.forEach(draw);
  if (charts.length === 0) ready();
})();
)JS";

constexpr char kStyle[] = R"CSS(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; margin: 0 0 .5em; }
h2 { font-size: 1.15em; margin: 1.5em 0 .3em; border-bottom: 1px solid #ddd; }
table.numbers { border-collapse: collapse; font-size: 12px; }
table.numbers td { padding: 1px 10px 1px 0; vertical-align: top; }
table.numbers td:first-child { color: #555; white-space: nowrap; }
.section { display: grid; grid-template-columns: 370px 1fr; gap: 1.5em; align-items: start; }
.section > :only-child { grid-column: 1 / -1; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 1em; }
.charts > :only-child { grid-column: 1 / -1; }
@media (max-width: 900px) { .section { grid-template-columns: 1fr; } }
.chart { width: 100%; height: 260px; }
.legend { font-size: 12px; min-height: 1.4em; }
.note { color: #555; margin: 0 0 .5em; }
.empty { color: #888; font-style: italic; }
.dygraph-title { font-size: 15px; }
table.grid { margin-top: .8em; border-collapse: collapse; font-size: 12px; }
table.grid th { text-align: left; border-bottom: 1px solid #ccc; }
table.grid th, table.grid td { padding: 2px 12px 2px 0; white-space: nowrap; }
table.grid td:last-child { white-space: normal; }
table.grid tr.marked td { color: #c0392b; background: #fdecea; font-weight: 600; }
)CSS";

// Inlined text must not end its <script>/<style> element early.
std::string inline_safe(std::string text, const std::string& tag) {
  const std::string end = "</" + tag;
  for (size_t at = text.find(end); at != std::string::npos; at = text.find(end, at + 2)) {
    text.replace(at, 2, "<\\/");
  }
  return text;
}

// Drops a `sourceMappingURL` comment: DevTools would ask for the map file.
std::string without_source_map(std::string text) {
  size_t at = text.rfind("sourceMappingURL=");
  if (at == std::string::npos) return text;
  size_t start = text.rfind('\n', at);
  start = start == std::string::npos ? 0 : start + 1;
  size_t end = text.find('\n', at);
  text.erase(start, end == std::string::npos ? std::string::npos : end - start);
  return text;
}

base::Status read_text(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  if (in) buf << in.rdbuf();
  if (!in || buf.str().empty()) {
    return base::Status::error("cannot read " + path +
                               " (the chart library of --html: Debian's libjs-dygraphs, which "
                               "scripts/setup installs)");
  }
  *out = without_source_map(buf.str());
  return base::Status::ok();
}

void numbers_table(const Numbers& rows, std::string* out) {
  *out += "<table class=\"numbers\">\n";
  for (const auto& [label, value] : rows) {
    *out += "<tr><td>" + html_escape(label) + "</td><td>" + html_escape(value) + "</td></tr>\n";
  }
  *out += "</table>\n";
}

void grid_table(const HtmlTable& table, std::string* out) {
  *out += "<table class=\"grid\">\n<tr>";
  for (const std::string& h : table.header) *out += "<th>" + html_escape(h) + "</th>";
  *out += "</tr>\n";
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const bool marked = i < table.marked.size() && table.marked[i];
    *out += marked ? "<tr class=\"marked\">" : "<tr>";
    for (const std::string& cell : table.rows[i]) *out += "<td>" + html_escape(cell) + "</td>";
    *out += "</tr>\n";
  }
  *out += "</table>\n";
}

}  // namespace

std::string html_escape(const std::string& raw) {
  const std::string text = base::utf8_sanitized(raw);  // the page is declared UTF-8
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

base::Status load_chart_library(const std::string& dir, ChartLibrary* out) {
  base::Status s = read_text(dir + "/dygraph.min.js", &out->js);
  if (!s) return s;
  return read_text(dir + "/dygraph.min.css", &out->css);
}

std::string render_page(const HtmlPage& page, const ChartLibrary& library) {
  std::string body;
  nlohmann::json charts = nlohmann::json::array();
  for (const HtmlSection& section : page.sections) {
    body += "<h2>" + html_escape(section.title) + "</h2>\n";
    if (!section.note.empty()) body += "<p class=\"note\">" + html_escape(section.note) + "</p>\n";
    body += "<div class=\"section\">\n";
    if (!section.numbers.empty()) numbers_table(section.numbers, &body);
    if (!section.charts.empty()) body += "<div class=\"charts\">\n";
    for (const ChartSpec& chart : section.charts) {
      const std::string id = html_escape(chart.id);
      if (chart.x.empty()) {
        body += "<div class=\"empty\" id=\"" + id + "\">" + html_escape(chart.title) + ": no data</div>\n";
        continue;
      }
      body += "<div><div class=\"chart\" id=\"" + id + "\"></div><div class=\"legend\" id=\"" + id +
              "-legend\"></div></div>\n";
      charts.push_back(chart_json(chart));
    }
    if (!section.charts.empty()) body += "</div>\n";
    body += "</div>\n";
    if (!section.table.rows.empty()) grid_table(section.table, &body);
  }
  // '<' only occurs inside JSON strings, where \u003c means the same.
  nlohmann::json data_doc = {{"kind", page.kind}, {"charts", charts}};
  report::sanitize_json_text(&data_doc);  // dump() throws on ill-formed UTF-8
  std::string data = data_doc.dump();
  std::string escaped;
  escaped.reserve(data.size());
  for (char c : data) c == '<' ? escaped += "\\u003c" : escaped += c;

  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n";
  html += "<title>" + html_escape(page.title) + "</title>\n";
  html += "<style>\n" + inline_safe(library.css, "style") + "\n" + kStyle + "</style>\n</head>\n";
  html += "<body data-kind=\"" + html_escape(page.kind) + "\">\n<h1>" + html_escape(page.title) + "</h1>\n";
  numbers_table(page.header, &html);
  html += body;
  html += "<script type=\"application/json\" id=\"stressql-data\">" + escaped + "</script>\n";
  html += "<script>\n" + inline_safe(library.js, "script") + "\n</script>\n";
  html += "<script>" + std::string(kPageScript) + "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace stressql::html
