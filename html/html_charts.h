#pragma once
// The chart layer of the HTML reports: what a chart shows (series over one x axis, linear or
// log axes, a second y axis, error bars, reference lines, marked points), as plain data that
// any page kind fills and html/html_page.cpp draws. Nothing here knows a run, a step or
// a comparison, so the find-max and compare pages reuse it as the run page does.

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace stressql::html {

// How downsample() folds the points it merges into one.
enum class Fold {
  kMean,  // rates, medians: the mean of the merged points
  kMax,   // tails and maxima: the worst merged point, so a spike stays visible
  kSum,   // counts
};

struct ChartSeries {
  std::string name;
  std::vector<double> y;          // one per x; NaN: no value (a gap in the line)
  std::vector<double> low, high;  // empty, or one per x: an error bar (e.g. a 95 % interval)
  Fold fold = Fold::kMean;
  bool right_axis = false;        // drawn against the second y axis (y2_label)
};

// A horizontal (y = value) or vertical (x = value) line across the plot, e.g. an SLO.
struct ReferenceLine {
  bool vertical = false;
  double value = 0;
  std::string label;
  bool right_axis = false;  // horizontal: a value of the second y axis (y2_label)
  // Horizontal: whether its axis's range includes it (y_range()). False: the data alone set
  // the range, and a line beyond it is drawn at the plot's edge, marked off scale, so a
  // 50 ms SLO does not flatten sub-millisecond latencies onto 0.
  bool in_range = true;
};

// How the x values read.
enum class XFormat {
  kNumber,      // plain numbers (seconds, a rate)
  kPercentile,  // x = 1 / (1 − p/100), labelled "99.9%": use with x_log for a spectrum
  kCategory,    // x = 0, 1, 2 … index into x_categories (compare's metrics)
};

struct ChartSpec {
  std::string id;  // unique in the page: the element's id, what tests look a chart up by
  std::string title;
  std::string x_label, y_label, y2_label;
  bool x_log = false, y_log = false;
  XFormat x_format = XFormat::kNumber;
  std::vector<std::string> x_categories;
  std::vector<double> x;
  std::vector<ChartSeries> series;
  std::vector<ReferenceLine> lines;
  std::vector<double> marked_x;  // x values to mark with a dot on every series (a knee)
  int points_per_row = 1;        // > 1 after downsample(): x values each point stands for
  bool dots = false;             // a dot per point with its bar as a whisker, no line (categories)
};

// x for a percentile p (0 ≤ p < 100) on a kPercentile axis.
double percentile_x(double percent);

// Folds runs of consecutive points so that no series has more than `max_points`; each
// merged point takes the first x of its run. Returns the run length (1: unchanged).
// REQUIRES: max_points ≥ 1; every series has x.size() values (and low/high if any).
int downsample(ChartSpec* chart, size_t max_points);

// A y axis's range (the left one, or with `right` the second) when the chart has horizontal
// reference lines on it: every finite value of that axis's series (bars included) and every
// such line that is `in_range`, padded by 5 % (on a log axis, of the decades; values <= 0
// left out). nullopt without such lines: the library's own range. So an SLO far above the
// data is still drawn, not left off the chart, unless it asks to be marked at the edge.
std::optional<std::pair<double, double>> y_range(const ChartSpec& chart, bool right = false);

// The spec as the page's script reads it (html/html_page.cpp), y_range() of both axes
// included; NaN becomes null.
nlohmann::json chart_json(const ChartSpec& chart);

}  // namespace stressql::html
