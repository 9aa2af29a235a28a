#include "html/html_charts.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace stressql::html {
namespace {

double fold(const std::vector<double>& v, size_t begin, size_t end, Fold how) {
  double sum = 0, worst = NAN;
  size_t n = 0;
  for (size_t i = begin; i < end; ++i) {
    if (std::isnan(v[i])) continue;
    sum += v[i];
    worst = std::isnan(worst) ? v[i] : std::max(worst, v[i]);
    ++n;
  }
  if (n == 0) return NAN;
  switch (how) {
    case Fold::kMean:
      return sum / static_cast<double>(n);
    case Fold::kMax:
      return worst;
    case Fold::kSum:
      return sum;
  }
  return NAN;
}

std::vector<double> folded(const std::vector<double>& v, size_t run, Fold how) {
  std::vector<double> out;
  out.reserve(v.size() / run + 1);
  for (size_t i = 0; i < v.size(); i += run) out.push_back(fold(v, i, std::min(v.size(), i + run), how));
  return out;
}

nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

nlohmann::json numbers(const std::vector<double>& v) {
  nlohmann::json out = nlohmann::json::array();
  for (double d : v) out.push_back(finite_or_null(d));
  return out;
}

const char* x_format_name(XFormat f) {
  switch (f) {
    case XFormat::kNumber:
      return "number";
    case XFormat::kPercentile:
      return "percentile";
    case XFormat::kCategory:
      return "category";
  }
  return "number";
}

}  // namespace

double percentile_x(double percent) { return 1.0 / (1.0 - percent / 100.0); }

int downsample(ChartSpec* chart, size_t max_points) {
  const size_t n = chart->x.size();
  if (n <= max_points) return 1;
  const size_t run = (n + max_points - 1) / max_points;
  std::vector<double> x;
  for (size_t i = 0; i < n; i += run) x.push_back(chart->x[i]);
  chart->x = std::move(x);
  for (ChartSeries& s : chart->series) {
    s.y = folded(s.y, run, s.fold);
    // Bars widen to the extremes of what they merge.
    if (!s.low.empty()) s.low = folded(s.low, run, Fold::kMean);
    if (!s.high.empty()) s.high = folded(s.high, run, Fold::kMax);
  }
  chart->points_per_row *= static_cast<int>(run);
  return static_cast<int>(run);
}

std::optional<std::pair<double, double>> y_range(const ChartSpec& c, bool right) {
  const bool log = c.y_log && !right;
  double lo = INFINITY, hi = -INFINITY;
  auto take = [&](double v) {
    if (!std::isfinite(v) || (log && v <= 0)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  };
  bool any_line = false;
  for (const ReferenceLine& l : c.lines) {
    if (l.vertical || l.right_axis != right) continue;
    any_line = true;
    if (l.in_range) take(l.value);
  }
  if (!any_line) return std::nullopt;
  for (const ChartSeries& s : c.series) {
    if (s.right_axis != right) continue;
    for (const std::vector<double>* v : {&s.y, &s.low, &s.high}) {
      for (double d : *v) take(d);
    }
  }
  if (lo > hi) return std::nullopt;
  if (log) {
    const double pad = std::pow(hi / lo, 0.05) * (hi == lo ? 2 : 1);
    return std::make_pair(lo / pad, hi * pad);
  }
  const double pad = hi > lo ? 0.05 * (hi - lo) : (lo != 0 ? 0.1 * std::fabs(lo) : 1);
  // Data that cannot be negative keeps its axis at or above 0.
  return std::make_pair(lo >= 0 ? std::max(0.0, lo - pad) : lo - pad, hi + pad);
}

nlohmann::json chart_json(const ChartSpec& c) {
  nlohmann::json series = nlohmann::json::array();
  bool bars = false;
  for (const ChartSeries& s : c.series) bars = bars || !s.low.empty();
  for (const ChartSeries& s : c.series) {
    nlohmann::json j = {{"name", s.name}, {"y", numbers(s.y)}, {"right", s.right_axis}};
    if (bars) {
      j["low"] = numbers(s.low.empty() ? s.y : s.low);
      j["high"] = numbers(s.high.empty() ? s.y : s.high);
    }
    series.push_back(std::move(j));
  }
  const auto range = y_range(c), range2 = y_range(c, true);
  nlohmann::json lines = nlohmann::json::array();
  for (const ReferenceLine& l : c.lines) {
    lines.push_back({{"vertical", l.vertical}, {"value", finite_or_null(l.value)}, {"label", l.label}, {"right", l.right_axis}});
  }
  return {{"id", c.id},
          {"title", c.title},
          {"x_label", c.x_label},
          {"y_label", c.y_label},
          {"y2_label", c.y2_label},
          {"x_log", c.x_log},
          {"y_log", c.y_log},
          {"x_format", x_format_name(c.x_format)},
          {"x_categories", c.x_categories},
          {"x", numbers(c.x)},
          {"bars", bars},
          {"series", series},
          {"lines", lines},
          {"y_range", range ? nlohmann::json::array({range->first, range->second}) : nlohmann::json()},
          {"y2_range", range2 ? nlohmann::json::array({range2->first, range2->second}) : nlohmann::json()},
          {"marked_x", numbers(c.marked_x)},
          {"dots", c.dots}};
}

}  // namespace stressql::html
