// --repeat's summary: each statement's metrics measured per repeat, then median, min, max
// and spread, in text and JSON; a repeat without a value (nothing succeeded) counts nowhere.
#include "report/repeat_summary.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace stressql::report {
namespace {

stats::StatementReport insert(const std::string& name, uint64_t points, int64_t latency_ns) {
  stats::StatementReport r;
  r.kind = stats::StatementKind::kInsert;
  r.name = name;
  r.ran = true;
  r.duration_ns = 1'000'000'000;
  r.stats.requests_ok = points / 100;
  r.stats.points_accepted = points;
  for (uint64_t i = 0; i < points / 100; ++i) r.stats.latency.record(latency_ns);
  return r;
}

TEST(RepeatSummary, MedianAndSpreadPerStatementAndMetric) {
  std::vector<RepeatRun> runs;
  for (uint64_t points : {1000, 1200, 800}) {
    std::vector<stats::StatementReport> statements;
    stats::StatementReport set;
    set.kind = stats::StatementKind::kSet;  // no metrics: not summarised
    statements.push_back(std::move(set));
    statements.push_back(insert("cpu", points, 2'000'000));
    runs.push_back(measure_repeat("id" + std::to_string(points), statements, 0));
  }
  ASSERT_EQ(runs[0].values.size(), 5u);  // points_per_sec, requests_per_sec, p50, p99, error_rate
  const nlohmann::json j = repeat_summary_json(runs);
  ASSERT_EQ(j.size(), 5u);
  EXPECT_EQ(j[0]["statement"], "cpu");
  EXPECT_EQ(j[0]["metric"], "points_per_sec");
  EXPECT_EQ(j[0]["values"], nlohmann::json({1000.0, 1200.0, 800.0}));
  EXPECT_EQ(j[0]["median"], 1000.0);
  EXPECT_EQ(j[0]["min"], 800.0);
  EXPECT_EQ(j[0]["max"], 1200.0);
  EXPECT_DOUBLE_EQ(j[0]["spread"].get<double>(), 0.2);
  EXPECT_EQ(j[4]["metric"], "error_rate");
  EXPECT_EQ(j[4]["median"], 0.0);
  const std::string text = render_repeat_summary(runs);
  EXPECT_NE(text.find("Repeats:                               3 (test IDs id1000 id1200 id800)\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  cpu        points_per_sec    1000    800  1200  ±20.0%\n"), std::string::npos) << text;
}

TEST(RepeatSummary, ARepeatWithoutAValueCountsNowhere) {
  std::vector<RepeatRun> runs;
  runs.push_back(measure_repeat("a", {}, 0));
  std::vector<stats::StatementReport> ok;
  ok.push_back(insert("cpu", 1000, 1'000'000));
  runs.insert(runs.begin(), measure_repeat("b", ok, 0));
  std::vector<stats::StatementReport> none;
  none.push_back(insert("cpu", 0, 0));
  runs.push_back(measure_repeat("c", none, 0));
  const nlohmann::json j = repeat_summary_json(runs);
  EXPECT_EQ(j[3]["metric"], "p99");
  EXPECT_EQ(j[3]["values"][1], nullptr);  // repeat "a" had no statements
  EXPECT_EQ(j[3]["values"][2], nullptr);  // repeat "c": no successful request
  EXPECT_NEAR(j[3]["median"].get<double>(), 1e6, 1e3);
}

}  // namespace
}  // namespace stressql::report
