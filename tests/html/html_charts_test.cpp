// The chart layer's y range: an axis that holds every horizontal reference line, so an SLO
// far above the data is drawn on the chart, not off it (unless the line asks to be marked at
// the edge instead); each y axis by its own series and lines; the library's own range
// otherwise.
#include "html/html_charts.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "html/html_report.h"

namespace stressql::html {
namespace {

ChartSpec latency(std::vector<double> p99_ms) {
  ChartSpec c;
  c.id = "c";
  for (size_t i = 0; i < p99_ms.size(); ++i) c.x.push_back(static_cast<double>(i));
  c.series = {{"p99", std::move(p99_ms), {}, {}, Fold::kMax, false},
              {"error rate", std::vector<double>(c.x.size(), 90), {}, {}, Fold::kMax, true}};
  return c;
}

TEST(HtmlChartsTest, TheYAxisReachesALineFarAboveTheData) {
  ChartSpec c = latency({4, 5, NAN, 3});
  c.lines.push_back({false, 500, "SLO p99<=500ms"});
  c.lines.push_back({true, 2, "knee"});  // vertical: not a y value
  const auto range = y_range(c);
  ASSERT_TRUE(range);
  EXPECT_GE(range->second, 500);
  EXPECT_LE(range->second, 500 + 0.06 * 497) << "padded by about 5 %";
  EXPECT_EQ(range->first, 0) << "non-negative data keeps the axis at 0 or above";
  EXPECT_LE(range->first, 3);
  EXPECT_EQ(chart_json(c)["y_range"], nlohmann::json::array({range->first, range->second}));
}

TEST(HtmlChartsTest, ALineBelowTheDataAndBarsAndALogAxis) {
  ChartSpec c = latency({100, 120});
  c.series[0].low = {90, 80};
  c.series[0].high = {110, 300};
  c.lines.push_back({false, -50, "floor"});
  auto range = y_range(c);
  ASSERT_TRUE(range);
  EXPECT_LT(range->first, -50);
  EXPECT_GT(range->second, 300) << "the bars count, the right axis's 90 does not matter";

  c.y_log = true;
  c.lines = {{false, 1000, "SLO"}};
  range = y_range(c);
  ASSERT_TRUE(range);
  EXPECT_GT(range->first, 0) << "a log axis stays positive";
  EXPECT_LT(range->first, 80);
  EXPECT_GT(range->second, 1000);
}

TEST(HtmlChartsTest, WithoutHorizontalLinesTheLibraryChooses) {
  ChartSpec c = latency({4, 5});
  EXPECT_FALSE(y_range(c));
  c.lines.push_back({true, 1, "a vertical line"});
  EXPECT_FALSE(y_range(c));
  EXPECT_TRUE(chart_json(c)["y_range"].is_null());
}

TEST(HtmlChartsTest, EachAxisByItsOwnLinesAndALineOutOfRangeLeavesItToTheData) {
  ChartSpec c = latency({4, 5, 3});
  c.lines.push_back({false, 500, "SLO p99<=500ms", false, false});  // marked at the edge instead
  c.lines.push_back({false, 95, "SLO error_rate<=95%", true, true});
  const auto left = y_range(c);
  ASSERT_TRUE(left);
  EXPECT_LT(left->second, 5.2) << "the data's 5 ms, padded, not the SLO's 500";
  EXPECT_GE(left->second, 5);
  const auto right = y_range(c, true);
  ASSERT_TRUE(right);
  EXPECT_GE(right->second, 95) << "the error axis holds its SLO";
  EXPECT_LE(right->first, 90);
  const nlohmann::json j = chart_json(c);
  EXPECT_EQ(j["y2_range"], nlohmann::json::array({right->first, right->second}));
  EXPECT_EQ(j["lines"][1]["right"], true);
  // Without a line on the right axis, the library chooses there.
  c.lines.pop_back();
  EXPECT_FALSE(y_range(c, true));
}

TEST(HtmlChartsTest, TheFindMaxLatencyAxisFollowsItsStepsAndTheErrorAxisHoldsItsSlo) {
  // p99 5 ms at every step, SLO 500 ms: the axis follows the 5 ms, the SLO is marked at the
  // edge (html_page.cpp); the error-rate SLO is drawn on the error-rate axis.
  nlohmann::json steps = nlohmann::json::array();
  for (int i = 1; i <= 3; ++i) {
    steps.push_back({{"step", i},
                     {"phase", "double"},
                     {"target", 100 * i},
                     {"counted", {{"requests_ok", 10}, {"p50_ns", 2e6}, {"p99_ns", 5e6}, {"error_rate_percent", 0}}}});
  }
  const HtmlPage page =
      find_max_page({{"slos", {"p99<=500ms", "error_rate<=1%"}}, {"steps", steps}, {"result", {{"found", false}}}});
  const ChartSpec& chart = page.sections.at(0).charts.at(0);
  const auto range = y_range(chart);
  ASSERT_TRUE(range);
  EXPECT_LT(range->second, 6);
  const auto errors = y_range(chart, true);
  ASSERT_TRUE(errors);
  EXPECT_GE(errors->second, 1);
}

}  // namespace
}  // namespace stressql::html
