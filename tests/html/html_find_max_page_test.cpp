// The find-max page without a browser: from a synthetic find-max JSON document (the shape
// cli::find_max_json writes), one chart with a point per step in rate order, each SLO as a
// line on its own axis, the knee marked, and the steps as a table with the text output's
// columns. The page in a real browser: tests/cli/find_max_test.cpp and
// tests/cli/html_page_browser_test.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "html/html_report.h"

namespace stressql::html {
namespace {

using nlohmann::json;

json step(int number, const char* phase, double target, double p99_ms, double error_percent, bool pass) {
  const double ok = error_percent >= 100 ? 0 : 100;
  return {{"step", number},
          {"phase", phase},
          {"target", target},
          {"achieved", target * (1 - error_percent / 100)},
          {"pass", pass},
          {"why", pass ? "" : "breaks p99<=200ms"},
          {"counted",
           {{"requests_ok", ok},
            {"requests_failed", 100 - ok},
            {"error_rate_percent", error_percent},
            {"sent_late", 0},
            {"p50_ns", p99_ms * 1e6 / 2},
            {"p99_ns", p99_ms * 1e6},
            {"max_ns", p99_ms * 2e6}}}};
}

// Doubling 100 → 800 (800 fails), bisecting 600 (fails) and 400, confirming 400.
json search() {
  json steps = json::array({step(1, "double", 100, 10, 0, true), step(2, "double", 200, 20, 0, true),
                            step(3, "double", 400, 80, 0, true), step(4, "double", 800, 900, 30, false),
                            step(5, "bisect", 600, 400, 2, false), step(6, "confirm", 400, 90, 0, true)});
  return {{"kind", "find-max"},
          {"test_id", "00112233aabbccdd"},
          {"version", "test"},
          {"unit", "req/s"},
          {"slos", {"p99<=200ms", "error_rate<=1%"}},
          {"start", 100},
          {"max", 1600},
          {"resolution", 0.1},
          {"settings", {{"script", "w.iql"}, {"statement", "w"}}},
          {"steps", steps},
          {"result", {{"found", true}, {"rate", 400}, {"max_reached", false}, {"interrupted", false}}}};
}

TEST(HtmlFindMaxPageTest, OneChartWithAPointPerStepTheSloLineAndTheKnee) {
  const HtmlPage page = find_max_page(search());
  EXPECT_EQ(page.kind, "find-max");
  ASSERT_EQ(page.sections.size(), 1u);
  const HtmlSection& s = page.sections[0];
  ASSERT_EQ(s.charts.size(), 1u);
  const ChartSpec& c = s.charts[0];
  EXPECT_EQ(c.id, "find-max");
  EXPECT_EQ(c.x, (std::vector<double>{100, 200, 400, 400, 600, 800})) << "rate order, the confirmation kept";
  ASSERT_EQ(c.series.size(), 3u);
  EXPECT_EQ(c.series[1].name, "p99");
  EXPECT_EQ(c.series[1].y, (std::vector<double>{10, 20, 80, 90, 400, 900}));
  EXPECT_EQ(c.series[0].y[5], 450) << "p50 in ms";
  EXPECT_TRUE(c.series[2].right_axis);
  EXPECT_EQ(c.series[2].y, (std::vector<double>{0, 0, 0, 0, 2, 30}));
  ASSERT_EQ(c.lines.size(), 3u) << "each SLO on its axis, and the knee";
  EXPECT_FALSE(c.lines[0].vertical);
  EXPECT_DOUBLE_EQ(c.lines[0].value, 200);
  EXPECT_EQ(c.lines[0].label, "SLO p99<=200ms");
  EXPECT_FALSE(c.lines[0].right_axis);
  EXPECT_FALSE(c.lines[0].in_range) << "the latency axis follows the data";
  EXPECT_DOUBLE_EQ(c.lines[1].value, 1);
  EXPECT_EQ(c.lines[1].label, "SLO error_rate<=1%");
  EXPECT_TRUE(c.lines[1].right_axis) << "on the error-rate axis";
  EXPECT_TRUE(c.lines[2].vertical);
  EXPECT_EQ(c.marked_x, std::vector<double>{400});

  // The terminal's table: its columns, a row per step in the order they ran, failures marked.
  EXPECT_TRUE(s.numbers.empty());
  EXPECT_EQ(s.table.header,
            (std::vector<std::string>{"Step", "Phase", "Target", "Achieved", "p50", "p99", "Errors", "Late", "Result"}));
  ASSERT_EQ(s.table.rows.size(), 6u);
  EXPECT_EQ(s.table.rows[3], (std::vector<std::string>{"4", "double", "800 req/s", "560 req/s", "450ms", "900ms", "30%",
                                                      "0", "FAIL breaks p99<=200ms"}));
  EXPECT_EQ(s.table.rows[5][0], "6");
  EXPECT_EQ(s.table.marked, (std::vector<bool>{false, false, false, true, true, false}));
  bool verdict = false;
  for (const auto& [label, value] : page.header) verdict |= label == "Max sustainable rate" && value == "400 req/s";
  EXPECT_TRUE(verdict);

  const std::string html = render_page(page, {"/*lib*/", "/*css*/"});
  EXPECT_NE(html.find("data-kind=\"find-max\""), std::string::npos);
  EXPECT_NE(html.find("id=\"find-max\""), std::string::npos);
}

TEST(HtmlFindMaxPageTest, InterruptedSearchWithoutASuccessDrawsGapsAndNoKnee) {
  json doc = search();
  doc["steps"] = json::array({step(1, "double", 100, 0, 100, false)});
  doc["result"] = {{"found", false}, {"rate", nullptr}, {"interrupted", true}};
  const HtmlPage page = find_max_page(doc);
  const ChartSpec& c = page.sections.at(0).charts.at(0);
  ASSERT_EQ(c.x.size(), 1u);
  EXPECT_TRUE(std::isnan(c.series[1].y[0])) << "no successful request: no latency";
  EXPECT_EQ(c.series[2].y[0], 100);
  EXPECT_TRUE(c.marked_x.empty());
  EXPECT_EQ(page.sections[0].table.rows.at(0),
            (std::vector<std::string>{"1", "double", "100 req/s", "0 req/s", "n/a", "n/a", "100%", "0",
                                      "FAIL breaks p99<=200ms"}));
}

}  // namespace
}  // namespace stressql::html
