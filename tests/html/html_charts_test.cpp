// The chart layer's y range: an axis that holds every horizontal reference line, so an SLO
// far above the data is drawn on the chart, not off it; the library's own range otherwise.
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

TEST(HtmlChartsTest, TheFindMaxChartHoldsAnSloFarAboveItsSteps) {
  // p99 5 ms at every step, SLO 500 ms: the line is on the chart.
  nlohmann::json steps = nlohmann::json::array();
  for (int i = 1; i <= 3; ++i) {
    steps.push_back({{"step", i},
                     {"phase", "double"},
                     {"target", 100 * i},
                     {"counted", {{"requests_ok", 10}, {"p50_ns", 2e6}, {"p99_ns", 5e6}, {"error_rate_percent", 0}}}});
  }
  const HtmlPage page = find_max_page({{"slos", {"p99<=500ms"}}, {"steps", steps}, {"result", {{"found", false}}}});
  const auto range = y_range(page.sections.at(0).charts.at(0));
  ASSERT_TRUE(range);
  EXPECT_GE(range->second, 500);
}

}  // namespace
}  // namespace stressql::html
