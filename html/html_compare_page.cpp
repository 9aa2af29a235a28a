// The compare page (html/html_report.h): per statement one chart of its metrics, new in %
// of base on a log axis (a ratio: halving and doubling lie equally far from 100, and one
// +40000 % change does not flatten the others) with the confidence interval of the ratio,
// the regression limit as lines and the regressions marked; beside it the text output's
// rows, the regressions first.

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "judge/compare_output.h"
#include "judge/compare_reader.h"
#include "judge/unjudged.h"
#include "html/html_report.h"

namespace stressql::html {
namespace {

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& item : list) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// "1 run, test ID 0123…" or "5 repeats, test IDs a, b, c, d, e".
std::string side_text(const std::vector<std::string>& test_ids) {
  std::vector<std::string> shown;
  for (const std::string& id : test_ids) shown.push_back(id.empty() ? "(none)" : id);
  const std::string ids = joined(shown);
  const size_t n = test_ids.size();
  if (n == 0) return "runs not in the document";
  return std::to_string(n) + (n == 1 ? " run, test ID " : " repeats, test IDs ") + ids;
}

std::string percent_text(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", p);
  return buf;
}

std::string rule_text(const judge::CompareOptions& options) {
  std::vector<std::string> names;
  for (stats::Metric m : options.deciding) names.push_back(metric_name(m));
  const std::string metrics = joined(names);
  return "fails (exit status 3) when " + (metrics.empty() ? std::string("no metric") : metrics) +
         " is significantly worse (its " + percent_text(100 * options.confidence) +
         " interval of the change excludes 0) by more than " + percent_text(options.max_regression_percent) +
         ", or when none of them could be judged";
}

// A metric's name short enough for a category axis of a dozen metrics.
std::string axis_name(stats::Metric m) {
  switch (m) {
    case stats::Metric::kPointsPerSec: return "points/s";
    case stats::Metric::kRequestsPerSec: return "requests/s";
    case stats::Metric::kErrorRate: return "error %";
    case stats::Metric::kCpuPerMpts: return "CPU/Mpts";
    case stats::Metric::kServerCpuPerMpts: return "server CPU/Mpts";
    case stats::Metric::kServerRssMax: return "server RSS";
    default: return metric_name(m);
  }
}

// The statements in the order of their first row.
std::vector<std::string> statements(const judge::Comparison& c) {
  std::vector<std::string> names;
  for (const judge::MetricComparison& r : c.rows) {
    if (std::find(names.begin(), names.end(), r.statement) == names.end()) names.push_back(r.statement);
  }
  return names;
}

// One statement's metrics on a category axis, in % of base on a log axis: base is 100, new
// 100·(1 + change) with the ratio's interval as its bar. A base of 0 has no relative change:
// 0 → 0 is drawn at 100, anything else only in the table, as is a change judged by its
// difference that reaches −100 % (nothing to draw on a log axis).
ChartSpec statement_chart(const judge::Comparison& c, const std::string& statement, size_t index,
                          const judge::CompareOptions& options, std::vector<std::string>* undrawn) {
  ChartSpec chart;
  chart.id = "compare-" + std::to_string(index);
  chart.title = statement + ": new in % of base";
  chart.x_label = "metric";
  chart.y_label = "% of base (log scale)";
  chart.y_log = true;
  chart.x_format = XFormat::kCategory;
  chart.dots = true;
  ChartSeries base{"base", {}, {}, {}, Fold::kMean, false}, next{"new", {}, {}, {}, Fold::kMean, false};
  for (const judge::MetricComparison& r : c.rows) {
    if (r.statement != statement) continue;
    const double x = static_cast<double>(chart.x.size());
    chart.x.push_back(x);
    chart.x_categories.push_back(axis_name(r.metric));
    const bool zero_to_zero = r.base && r.next && *r.base == 0 && *r.next == 0;
    double y = r.change ? 100 * (1 + *r.change) : zero_to_zero ? 100 : NAN;
    if (!(y > 0)) y = NAN;
    if (std::isnan(y)) undrawn->push_back(stats::metric_name(r.metric));
    base.y.push_back(std::isnan(y) ? NAN : 100);
    next.y.push_back(y);
    const bool bar = r.change_low && r.change_high && r.verdict != judge::Verdict::kNotTested;
    next.low.push_back(bar ? 100 * (1 + *r.change_low) : y);
    next.high.push_back(bar ? 100 * (1 + *r.change_high) : y);
    if (r.regression) chart.marked_x.push_back(x);
  }
  chart.series = {std::move(base), std::move(next)};
  const double limit = options.max_regression_percent;
  chart.lines = {{false, 100 + limit, "+" + percent_text(limit)}, {false, 100 - limit, "-" + percent_text(limit)}};
  return chart;
}

}  // namespace

HtmlPage compare_page(const nlohmann::json& doc) {
  judge::CompareOptions options;
  const judge::Comparison c = comparison_from_json(doc, &options);
  HtmlPage page;
  page.kind = "compare";
  page.title = "stressql compare " + judge::compare_title(c);
  page.header = {{"Base", c.base_label + ": " + side_text(c.base_test_ids)},
                 {"New", c.next_label + ": " + side_text(c.next_test_ids)},
                 {"Rule", rule_text(options)},
                 {"Result", judge::compare_summary(c, options)}};
  if (!c.judged()) {
    for (const std::string& w : judge::why_not_judged(c)) page.header.emplace_back("Why", w);
    for (const std::string& h : judge::how_to_judge(c)) page.header.emplace_back("To judge", h);
  }
  for (const std::string& w : c.warnings) page.header.emplace_back("Warning", w);
  for (const std::string& n : c.notes) page.header.emplace_back("Note", n);

  HtmlTable regressions{judge::compare_header(), {}, {}};
  for (const judge::MetricComparison& r : c.rows) {
    if (r.regression) regressions.rows.push_back(compare_row(r)), regressions.marked.push_back(true);
  }
  const size_t count = regressions.rows.size();
  page.sections.push_back({"Regressions",
                           count == 0 ? (c.judged() ? "None: " : "None, and no verdict: ") + compare_summary(c, options)
                                      : std::to_string(count) + (count == 1 ? " regression" : " regressions") +
                                            " beyond " + percent_text(options.max_regression_percent),
                           {}, {}, std::move(regressions)});

  const std::vector<std::string> names = statements(c);
  for (size_t i = 0; i < names.size(); ++i) {
    HtmlSection s;
    s.title = names[i];
    std::vector<std::string> undrawn, unbounded;
    s.charts.push_back(statement_chart(c, names[i], i, options, &undrawn));
    s.table.header = judge::compare_header();
    for (const judge::MetricComparison& r : c.rows) {
      if (r.statement != names[i]) continue;
      s.table.rows.push_back(compare_row(r));
      s.table.marked.push_back(r.regression);
      if (!r.bounded && r.verdict == judge::Verdict::kNotTested) unbounded.push_back(stats::metric_name(r.metric));
    }
    s.note = "Dots: base (100 %) and new in % of base on a log axis (a halving as far below 100 as a doubling "
             "above), the bar the " + percent_text(100 * options.confidence) +
             " interval of the ratio; dashed: the regression limit; red: a regression.";
    if (!unbounded.empty()) {
      s.note += " No interval (not tested, see Verdict) for " + joined(unbounded) + ".";
    }
    if (!undrawn.empty()) s.note += " Not drawn (no relative change: a base of 0, or n/a): " + joined(undrawn) + ".";
    page.sections.push_back(std::move(s));
  }
  return page;
}

}  // namespace stressql::html
