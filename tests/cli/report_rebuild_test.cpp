// `stressql report` rebuilds a run from its aggregated `request_stats` rows, reading no
// attempt row, into the very report (text and JSON) the run printed; results written before
// those rows existed (no `request_stats` rows) are rebuilt from the attempt rows, with the
// same result. The results go to a real influxd.
//
// The load's target is a FaultServer: a server that answers some writes 503 (retried) and
// some 400 (final failures), deterministically, is a fault a real server won't produce on
// demand, and the report must carry retries and failures through the rows.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/fault_test_util.h"
#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class ReportRebuildTest : public InfluxTest {
 protected:
  void SetUp() override {
    InfluxTest::SetUp();
    std::string error;
    ASSERT_TRUE(target_.start(0, &error)) << error;
  }
  void TearDown() override { target_.stop(); }

  // Writes: every 9th answered 503 (retried: --max-attempts 3), every 25th 400 for good.
  std::atomic<uint64_t> writes_{0};
  FaultServer target_{[this](const FaultRequest& req) {
    if (req.target.rfind("/write", 0) != 0) return answer_queries_or(req, reply(204));
    const uint64_t n = ++writes_;
    if (n % 9 == 0) return reply(503, R"({"error":"busy"})");
    if (n % 25 == 0) return reply(400, R"({"error":"unable to parse 'x': bad timestamp"})");
    return reply(204);
  }};

  struct Run {
    std::string test_id, text;
    json report;
  };
  // A rated INSERT (with retries and failures) and a QUERY beside it.
  Run run(const std::string& name) {
    const std::string script = dir_.write(name + ".iql", R"(SET Database [rebuilt]

SET WriteRate [80 req/s]

SET BatchSize [10]

GO INSERT load
cpu,host=h-[int inc(0) 10]
value=[int inc(0) 0]
3000 1s

SET QueryRate [20 req/s]

GO QUERY load
SELECT last(value) FROM cpu WHERE %t
DO 40

WAIT
)");
    const std::string json_path = dir_.path() + "/" + name + ".json";
    ProcessResult r = stressql({"run", "--addresses", target_.address(), "--results", "http://" + server_->address(),
                                "--max-attempts", "3", "--server-metrics", "none", "--json", json_path, script},
                               seconds(120));
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the 400s fail the INSERT
    Run out{report_value(r.out, "Test ID:"), r.out, validated_report(json_path)};
    EXPECT_EQ(out.test_id.size(), 16u) << r.out;
    return out;
  }

  // `stressql report ID --json`: its text and JSON.
  Run rebuild(const std::string& test_id, const std::string& name) {
    const std::string json_path = dir_.path() + "/" + name + ".json";
    ProcessResult r = stressql({"report", test_id, "--results", "http://" + server_->address(), "--json", json_path},
                               seconds(120));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;  // rebuilt: the run's failures are in it, not in the status
    return Run{test_id, r.out, validated_report(json_path)};
  }

  int64_t rows(const std::string& measurement, const std::string& test_id) {
    HttpReply q = server_->query("SELECT count(*) FROM \"" + measurement + "\" WHERE test_id = '" + test_id + "'",
                                 "_stressTest");
    EXPECT_EQ(q.status, 200) << q.body;
    const json j = json::parse(q.body);
    if (!j["results"][0].contains("series")) return 0;
    int64_t most = 0;  // count(*): one column per field; the largest is the row count
    const json& values = j["results"][0]["series"][0]["values"][0];
    for (size_t i = 1; i < values.size(); ++i) {
      if (values[i].is_number()) most = std::max(most, values[i].get<int64_t>());
    }
    return most;
  }

  void drop(const std::string& measurement, const std::string& test_id) {
    HttpReply q = server_->query("DELETE FROM \"" + measurement + "\" WHERE test_id = '" + test_id + "'", "_stressTest");
    ASSERT_EQ(q.status, 200) << q.body;
    ASSERT_EQ(rows(measurement, test_id), 0) << measurement;
  }
};

std::string without_results_line(std::string s) {
  const size_t at = s.find("Results:");
  return at == std::string::npos ? s : s.erase(at, s.find('\n', at) + 1 - at);
}

// The live and the rebuilt report agree on every statement and on the totals.
void expect_same_report(const json& live, const json& rebuilt) {
  ASSERT_EQ(rebuilt["statements"].size(), live["statements"].size());
  for (size_t i = 0; i < live["statements"].size(); ++i) {
    EXPECT_EQ(rebuilt["statements"][i], live["statements"][i]) << "statement " << i;
  }
  EXPECT_EQ(rebuilt["totals"], live["totals"]);
}

TEST_F(ReportRebuildTest, TheRequestStatsRowsAloneRebuildTheLiveReport) {
  const Run live = run("live");
  // What the report must carry: retries, final failures, a rate, a second statement.
  const json& insert = live.report["statements"][3];  // after three SETs
  ASSERT_EQ(insert["kind"], "insert") << live.text;
  EXPECT_GT(insert["retries"]["requests_retried"].get<int64_t>(), 0) << live.text;
  EXPECT_GT(insert["requests"]["failed"].get<int64_t>(), 0) << live.text;
  EXPECT_GT(insert["rate"]["lag_ns"]["count"].get<int64_t>(), 0) << insert["rate"];
  // A few aggregated rows per second of the run, against one row per attempt.
  const int64_t attempts = rows("write", live.test_id) + rows("query", live.test_id);
  const int64_t aggregated = rows("request_stats", live.test_id);
  EXPECT_GE(aggregated, 2);  // one per statement at least (its seconds close after the run here)
  EXPECT_LT(aggregated * 5, attempts);

  // Without a single attempt row the report is the same, text and JSON.
  drop("write", live.test_id);
  drop("query", live.test_id);
  const Run rebuilt = rebuild(live.test_id, "rebuilt");
  expect_same_report(live.report, rebuilt.report);
  EXPECT_EQ(without_results_line(rebuilt.text), without_results_line(live.text));
}

// Attempt rows carry their request's due time as their timestamp, made unique per
// statement by 1 ns steps (results/results_rows.cpp: rows of one series must not overwrite
// each other), so rebuilt from them alone a send can be a few ns later than it was, and the
// achieved rate can differ past its ninth digit (seen once: 80.000152316 against
// 80.000152337). It must agree to a millionth; then the rest of the report must be equal.
json with_live_achieved_rates(json rebuilt, const json& live) {
  for (size_t i = 0; i < live["statements"].size() && i < rebuilt["statements"].size(); ++i) {
    json& r = rebuilt["statements"][i];
    const json& l = live["statements"][i];
    if (!r.contains("rate") || !l.contains("rate")) continue;
    const double got = r["rate"]["achieved"], want = l["rate"]["achieved"];
    EXPECT_NEAR(got, want, 1e-6 * std::abs(want)) << "statement " << i;
    r["rate"]["achieved"] = l["rate"]["achieved"];
  }
  return rebuilt;
}

TEST_F(ReportRebuildTest, ResultsWithoutRequestStatsRowsAreRebuiltFromTheAttemptRows) {
  const Run live = run("old");
  // As results written before the `request_stats` rows existed.
  drop("request_stats", live.test_id);
  const Run rebuilt = rebuild(live.test_id, "from-attempts");
  expect_same_report(live.report, with_live_achieved_rates(rebuilt.report, live.report));
  EXPECT_EQ(without_results_line(rebuilt.text), without_results_line(live.text));
}

}  // namespace
}  // namespace stressql::testing
