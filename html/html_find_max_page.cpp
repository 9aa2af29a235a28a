// The find-max page (html/html_report.h): one chart of the steps by target rate, each SLO
// as a line on its own axis (latency in ms on the left, error rate % on the right) and the
// knee marked, and the steps as a table with the terminal's columns
// (cli/find_max_output.cpp step_header).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "html/html_report.h"
#include "report/json_fields.h"
#include "judge/threshold.h"

namespace stressql::html {
namespace {

using nlohmann::json;

constexpr double kNsPerMs = 1e6;  // the chart shows latency in milliseconds

double num(const json& j, const char* key, double missing) { return report::json_number(j, key).value_or(missing); }
std::string text(const json& j, const char* key) { return report::json_text(j, key); }
const json& part(const json& j, const char* key) {
  static const json kEmpty = json::object();
  auto it = j.find(key);
  return it != j.end() && (it->is_object() || it->is_array()) ? *it : kEmpty;
}

// "300 req/s", as the text output writes a rate.
std::string rate(double v, const std::string& unit) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return unit.empty() ? buf : std::string(buf) + " " + unit;
}

// A latency (ns) or an error rate (%) as the text output prints it ("n/a" when absent).
std::string shown(stats::Metric m, const json& counted, const char* key) {
  auto it = counted.find(key);
  if (it == counted.end() || !it->is_number()) return "n/a";
  // A step without a successful request has no latency: its histogram reads 0.
  if (m != stats::Metric::kErrorRate && num(counted, "requests_ok", 0) == 0) return "n/a";
  return format_metric(m, it->get<double>());
}

bool is_latency(stats::Metric m) {
  return m == stats::Metric::kAvg || m == stats::Metric::kP50 || m == stats::Metric::kP95 || m == stats::Metric::kP99 ||
         m == stats::Metric::kP999 || m == stats::Metric::kMax;
}

std::string verdict(const json& doc, const std::string& unit) {
  const json& r = part(doc, "result");
  if (report::json_flag(r, "found")) {
    return rate(num(r, "rate", 0), unit) + (report::json_flag(r, "max_reached") ? " (--max reached)" : "");
  }
  if (report::json_flag(r, "interrupted")) return "unknown: interrupted";
  if (report::json_flag(r, "first_failed")) return "none: even the first step failed";
  return "unknown";
}

// Steps in order of target rate (then step number): Dygraph needs x in order, and a rate
// tried twice (a confirmation) keeps both its points.
std::vector<const json*> by_rate(const json& steps) {
  std::vector<const json*> list;
  for (const json& s : steps) list.push_back(&s);
  std::stable_sort(list.begin(), list.end(), [](const json* a, const json* b) {
    return num(*a, "target", 0) < num(*b, "target", 0);
  });
  return list;
}

ChartSpec steps_chart(const json& doc, const std::string& unit) {
  ChartSpec chart;
  chart.id = "find-max";
  chart.title = "Latency and errors by target rate";
  chart.x_label = "target rate (" + (unit.empty() ? std::string("per second") : unit) + ")";
  chart.y_label = "latency (ms)";
  chart.y2_label = "error rate (%)";
  ChartSeries p50{"p50", {}, {}, {}, Fold::kMean, false}, p99{"p99", {}, {}, {}, Fold::kMax, false};
  ChartSeries errors{"error rate", {}, {}, {}, Fold::kMax, true};
  for (const json* s : by_rate(part(doc, "steps"))) {
    const json& c = part(*s, "counted");
    const bool any_ok = num(c, "requests_ok", 0) > 0;
    chart.x.push_back(num(*s, "target", 0));
    p50.y.push_back(any_ok ? num(c, "p50_ns", NAN) / kNsPerMs : NAN);
    p99.y.push_back(any_ok ? num(c, "p99_ns", NAN) / kNsPerMs : NAN);
    errors.y.push_back(num(c, "error_rate_percent", NAN));
  }
  chart.series = {std::move(p50), std::move(p99), std::move(errors)};
  for (const json& slo : part(doc, "slos")) {
    judge::Threshold t;
    if (!slo.is_string() || !judge::parse_threshold(slo.get<std::string>(), false, &t)) continue;
    // The latency axis follows the data (sub-millisecond p99s are not flattened by a 50 ms
    // SLO), a latency SLO beyond it is marked at the edge; the error-rate axis holds its SLO.
    if (is_latency(t.metric)) chart.lines.push_back({false, t.value / kNsPerMs, "SLO " + t.text, false, false});
    if (t.metric == stats::Metric::kErrorRate) chart.lines.push_back({false, t.value, "SLO " + t.text, true, true});
  }
  const json& r = part(doc, "result");
  if (report::json_flag(r, "found")) {
    chart.marked_x.push_back(num(r, "rate", 0));
    chart.lines.push_back({true, num(r, "rate", 0), "max sustainable " + rate(num(r, "rate", 0), unit)});
  }
  return chart;
}

// The steps in the order they ran, with the columns of `find-max`'s table; failed steps
// marked.
HtmlTable step_table(const json& doc, const std::string& unit) {
  HtmlTable t{{"Step", "Phase", "Target", "Achieved", "p50", "p99", "Errors", "Late", "Result"}, {}, {}};
  for (const json& s : part(doc, "steps")) {
    const json& c = part(s, "counted");
    const bool pass = report::json_flag(s, "pass");
    t.rows.push_back({rate(num(s, "step", 0), ""), text(s, "phase"), rate(num(s, "target", 0), unit),
                      rate(std::round(num(s, "achieved", 0)), unit), shown(stats::Metric::kP50, c, "p50_ns"),
                      shown(stats::Metric::kP99, c, "p99_ns"), shown(stats::Metric::kErrorRate, c, "error_rate_percent"),
                      rate(num(c, "sent_late", 0), ""), pass ? "PASS" : "FAIL " + text(s, "why")});
    t.marked.push_back(!pass);
  }
  return t;
}

}  // namespace

HtmlPage find_max_page(const json& doc) {
  const std::string unit = text(doc, "unit");
  const json& settings = part(doc, "settings");
  std::string slos;
  for (const json& s : part(doc, "slos")) slos += (slos.empty() ? "" : ", ") + (s.is_string() ? s.get<std::string>() : "");
  HtmlPage page;
  page.kind = "find-max";
  page.title = "stressql find-max " + text(doc, "test_id");
  page.header = {{"Script", text(settings, "script")},
                 {"Statement", "INSERT " + text(settings, "statement")},
                 {"Test ID", text(doc, "test_id")},
                 {"SLO", slos},
                 {"Search", "from " + rate(num(doc, "start", 0), unit) + " up to " + rate(num(doc, "max", 0), unit) +
                                ", resolution " + rate(100 * num(doc, "resolution", 0), "") + "%"},
                 {"Max sustainable rate", verdict(doc, unit)},
                 {"stressql", text(doc, "version")}};
  HtmlSection steps{"Steps",
                    "p50 and p99 from due time of the counted part of each step (after warm-up); each SLO "
                    "on its metric's axis",
                    {}, {steps_chart(doc, unit)}, step_table(doc, unit)};
  for (ChartSpec& c : steps.charts) downsample(&c, kMaxPointsPerSeries);
  page.sections.push_back(std::move(steps));
  return page;
}

}  // namespace stressql::html
