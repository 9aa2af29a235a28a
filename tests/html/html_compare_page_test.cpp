// The compare page without a browser: from a compare JSON document of a known shape (as
// compare_json writes it), the header says what was compared and by which rule, the
// regressions are listed and marked, each statement has one chart of its metrics in % of
// base with the interval of the change as bars, and a side without an interval says so.
// The page in a real browser: tests/cli/compare_html_test.cpp.
#include <gtest/gtest.h>

#include <cmath>

#include "judge/compare_output.h"
#include "judge/compare_reader.h"
#include "html/html_report.h"

using namespace stressql::judge;
namespace stressql::html {
namespace {

using nlohmann::json;

json row(const std::string& statement, const std::string& metric, double base, double next, bool bounded,
         const std::string& verdict, bool regression) {
  const double change = (next - base) / base;
  return {{"statement", statement},
          {"metric", metric},
          {"deciding", metric != "p95"},
          {"base", base},
          {"new", next},
          {"change", base == 0 ? json(nullptr) : json(change)},
          {"change_low", bounded && base != 0 ? json(change - 0.02) : json(nullptr)},
          {"change_high", bounded && base != 0 ? json(change + 0.02) : json(nullptr)},
          {"scale", bounded && base != 0 ? "ratio" : "difference"},
          {"shift", next - base},
          {"shift_low", bounded ? json(next - base - 0.02 * base) : json(nullptr)},
          {"shift_high", bounded ? json(next - base + 0.02 * base) : json(nullptr)},
          {"verdict", verdict},
          {"regression", regression},
          {"basis", bounded ? "10 vs 10 one-second intervals" : ""},
          {"note", bounded ? "" : "one value per run (compared over repeats only)"}};
}

json document() {
  return {{"schema", "stressql-compare"},
          {"schema_version", 1},
          {"base", "base.json"},
          {"new", "new.json"},
          {"base_test_ids", {"00112233aabbccdd"}},
          {"new_test_ids", {"1111", "2222", "3333", "4444"}},
          {"confidence", 0.95},
          {"max_regression_percent", 5},
          {"metrics", {"points_per_sec", "p99", "error_rate"}},
          {"regression", true},
          {"judged", true},
          {"result", "regression"},
          {"not_judged", json::array()},
          {"why_not_judged", json::array()},
          {"how_to_judge", json::array()},
          {"warnings", json::array()},
          {"notes", {"q2: only in NEW, not compared"}},
          {"rows",
           {row("cpu", "points_per_sec", 1000, 700, true, "worse", true),
            row("cpu", "p95", 5e6, 6e6, false, "not tested", false),
            row("cpu", "p99", 5e6, 5.05e6, true, "no significant change", false),
            row("cpu", "error_rate", 0, 0, true, "no significant change", false),
            row("q", "p99", 8e6, 4e6, true, "better", false)}}};
}

std::string header(const HtmlPage& page, const std::string& label) {
  for (const auto& [l, v] : page.header) {
    if (l == label) return v;
  }
  return "";
}

TEST(HtmlComparePageTest, HeaderRegressionsAndAChartPerStatement) {
  const HtmlPage page = compare_page(document());
  EXPECT_EQ(page.kind, "compare");
  EXPECT_EQ(page.title, "stressql compare BASE base.json → NEW new.json");
  EXPECT_EQ(header(page, "Base"), "base.json: 1 run, test ID 00112233aabbccdd");
  EXPECT_EQ(header(page, "New"), "new.json: 4 repeats, test IDs 1111, 2222, 3333, 4444");
  EXPECT_EQ(header(page, "Rule"),
            "fails (exit status 3) when points_per_sec, p99, error_rate is significantly worse (its 95% "
            "interval of the change excludes 0) by more than 5%, or when none of them could be judged");
  EXPECT_EQ(header(page, "Result"), "REGRESSION beyond 5%: cpu points_per_sec -30.0%");
  EXPECT_EQ(header(page, "Note"), "q2: only in NEW, not compared");

  ASSERT_EQ(page.sections.size(), 3u) << "regressions, cpu, q";
  const HtmlSection& regressions = page.sections[0];
  EXPECT_EQ(regressions.note, "1 regression beyond 5%");
  ASSERT_EQ(regressions.table.rows.size(), 1u);
  EXPECT_EQ(regressions.table.header, compare_header());
  // The text output's cells: base, new, change, interval, gate, verdict.
  EXPECT_EQ(regressions.table.rows[0],
            (std::vector<std::string>{"cpu", "points_per_sec", "1000", "700", "-30.0%", "[-32.0%, -28.0%]", "FAIL",
                                      "worse"}));
  EXPECT_EQ(regressions.table.marked, std::vector<bool>{true});

  const HtmlSection& cpu = page.sections[1];
  EXPECT_EQ(cpu.title, "cpu");
  ASSERT_EQ(cpu.charts.size(), 1u);
  const ChartSpec& c = cpu.charts[0];
  EXPECT_EQ(c.id, "compare-0");
  EXPECT_EQ(c.x_format, XFormat::kCategory);
  EXPECT_TRUE(c.y_log) << "ratios: a log axis";
  EXPECT_EQ(c.y_label, "% of base (log scale)");
  EXPECT_EQ(c.x_categories, (std::vector<std::string>{"points/s", "p95", "p99", "error %"}));
  EXPECT_EQ(c.x, (std::vector<double>{0, 1, 2, 3}));
  ASSERT_EQ(c.series.size(), 2u);
  EXPECT_EQ(c.series[0].name, "base");
  EXPECT_EQ(c.series[0].y, (std::vector<double>{100, 100, 100, 100}));
  EXPECT_EQ(c.series[1].name, "new");
  EXPECT_DOUBLE_EQ(c.series[1].y[0], 70);
  EXPECT_DOUBLE_EQ(c.series[1].low[0], 68);
  EXPECT_DOUBLE_EQ(c.series[1].high[0], 72);
  EXPECT_DOUBLE_EQ(c.series[1].y[1], 120) << "not tested: the runs' values, no bar";
  EXPECT_EQ(c.series[1].low[1], c.series[1].y[1]);
  EXPECT_EQ(c.series[1].y[3], 100) << "0 → 0 is no change";
  EXPECT_EQ(c.marked_x, std::vector<double>{0});
  ASSERT_EQ(c.lines.size(), 2u);
  EXPECT_DOUBLE_EQ(c.lines[0].value, 105);
  EXPECT_DOUBLE_EQ(c.lines[1].value, 95);
  EXPECT_EQ(cpu.table.rows.size(), 4u);
  EXPECT_EQ(cpu.table.marked, (std::vector<bool>{true, false, false, false}));
  EXPECT_NE(cpu.note.find("No interval (not tested, see Verdict) for p95."), std::string::npos) << cpu.note;
  EXPECT_EQ(cpu.table.rows[1][7], "not tested: one value per run (compared over repeats only)");

  EXPECT_EQ(page.sections[2].charts.at(0).id, "compare-1");
  EXPECT_TRUE(page.sections[2].charts[0].marked_x.empty());

  const std::string html = render_page(page, {"/*lib*/", "/*css*/"});
  EXPECT_NE(html.find("data-kind=\"compare\""), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"marked\"><td>cpu</td><td>points_per_sec</td>"), std::string::npos);
  EXPECT_NE(html.find("\"dots\":true"), std::string::npos);
}

TEST(HtmlComparePageTest, ABaseOfZeroIsNotDrawnAndNoRegressionSaysSo) {
  json doc = document();
  doc["rows"] = {row("cpu", "error_rate", 0, 2, true, "worse", false)};
  doc["regression"] = false;
  const HtmlPage page = compare_page(doc);
  EXPECT_EQ(page.sections[0].note,
            "None: OK: no significant regression beyond 5% in error_rate; not judged: points_per_sec,p99");
  EXPECT_TRUE(page.sections[0].table.rows.empty());
  const ChartSpec& c = page.sections[1].charts.at(0);
  EXPECT_TRUE(std::isnan(c.series[1].y[0]));
  EXPECT_NE(page.sections[1].note.find("Not drawn (no relative change: a base of 0, or n/a): error_rate."),
            std::string::npos)
      << page.sections[1].note;
}

// Nothing judged: the header says so, why, and what would make it judgeable.
TEST(HtmlComparePageTest, NothingJudgedSaysWhyAndWhatWouldJudgeIt) {
  json doc = document();
  doc["rows"] = {row("cpu", "p95", 5e6, 6e6, false, "not tested", false)};
  doc["rows"][0]["deciding"] = true;
  doc["metrics"] = {"p95"};
  doc["regression"] = false;
  const HtmlPage page = compare_page(doc);
  EXPECT_EQ(header(page, "Result"), "FAIL: nothing could be judged in p95");
  EXPECT_EQ(header(page, "Why"), "cpu p95: one value per run (compared over repeats only)");
  EXPECT_NE(header(page, "To judge").find("--repeat 4"), std::string::npos) << header(page, "To judge");
  EXPECT_EQ(page.sections[0].note, "None, and no verdict: FAIL: nothing could be judged in p95");
}

TEST(HtmlComparePageTest, TheJsonReadsBackAsTheComparisonItWasWrittenFrom) {
  CompareOptions options;
  const Comparison c = comparison_from_json(document(), &options);
  EXPECT_EQ(compare_json(c, options), document());
}

}  // namespace
}  // namespace stressql::html
