// One-second intervals end to end: a paced INSERT and QUERY against a real influxd, with
// --json and results rows. The intervals in the JSON add up exactly to the statement
// totals, the `interval` rows in _stressTest add up to the same, and `stressql report`
// rebuilds the very same intervals from those rows.
#include <nlohmann/json.hpp>

#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

using nlohmann::json;

struct Sums {
  uint64_t requests = 0, points = 0, failures = 0, retries = 0, intervals = 0;
};

Sums sum_intervals(const json& statement) {
  Sums s;
  int64_t expected_second = 0;
  for (const json& k : statement["intervals"]) {
    EXPECT_EQ(k["second"].get<int64_t>(), expected_second++) << "contiguous from second 0";
    s.requests += k["requests"].get<uint64_t>();
    s.points += k["points_accepted"].get<uint64_t>();
    s.failures += k["failures"].get<uint64_t>();
    s.retries += k["retries"].get<uint64_t>();
    ++s.intervals;
    for (const char* from : {"latency_from_due_ns", "latency_from_send_ns"}) {
      const json& l = k[from];
      EXPECT_LE(l["p50"].get<int64_t>(), l["p99"].get<int64_t>()) << k;
      EXPECT_LE(l["p99"].get<int64_t>(), l["max"].get<int64_t>()) << k;
      if (k["requests"].get<uint64_t>() > k["failures"].get<uint64_t>()) {
        EXPECT_GT(l["max"].get<int64_t>(), 0) << k;  // a successful request took some time
      }
    }
  }
  return s;
}

TEST(IntervalsTest, JsonRowsAndRebuiltReportAgreeWithTheStatementTotals) {
  std::string error;
  std::unique_ptr<InfluxServer> server = InfluxServer::start(&error);
  ASSERT_TRUE(server) << error;
  ScriptDir dir;
  // 20 requests of 100 points, one connection, 200 ms apart: about four seconds of load.
  std::string script = dir.write("intervals.iql", R"(CREATE DATABASE iv

SET Database [iv]

SET BatchSize [100]

SET WriteConcurrency [1]

SET WriteInterval [200ms]

SET QueryInterval [300ms]

GO INSERT paced
cpu,host=h-[int inc(0) 10]
value=[int inc(0) 0]
2000 1s

GO QUERY paced
SELECT last(value) FROM cpu WHERE %t
DO 10

WAIT
)");
  const std::string json_path = dir.path() + "/live.json";
  const std::string results = "http://" + server->address();
  ProcessResult r = stressql({"run", "--addresses", server->address(), "--results", results,
                              "--json", json_path, script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string test_id = report_value(r.out, "Test ID:");
  ASSERT_EQ(test_id.size(), 16u) << r.out;
  json live = validated_report(json_path);
  ASSERT_EQ(live["schema_version"], 6);

  for (const char* kind : {"insert", "query"}) {
    SCOPED_TRACE(kind);
    const json* st = nullptr;
    for (const json& s : live["statements"]) {
      if (s["kind"] == kind) st = &s;
    }
    ASSERT_NE(st, nullptr);
    const Sums in_json = sum_intervals(*st);
    const json& req = (*st)["requests"];
    EXPECT_EQ(in_json.requests, req["ok"].get<uint64_t>() + req["failed"].get<uint64_t>());
    EXPECT_EQ(in_json.failures, req["failed"].get<uint64_t>());
    EXPECT_EQ(in_json.retries, req["retries"].get<uint64_t>());
    EXPECT_EQ((*st)["interval_late_samples"], 0);
    if (std::string(kind) == "insert") {
      EXPECT_EQ(req["ok"], 20);
      EXPECT_EQ(in_json.points, (*st)["points"]["accepted"].get<uint64_t>());
      EXPECT_EQ(in_json.points, 2000u);
      EXPECT_GE(in_json.intervals, 3u) << "19 pauses of 200 ms span at least three seconds";
    } else {
      EXPECT_EQ(req["ok"], 10);
    }
  }

  // The `interval` rows in _stressTest add up to the same, per statement (the INSERT and
  // the QUERY share a name, not an id).
  for (const json& st : live["statements"]) {
    if (!st.contains("intervals")) continue;
    SCOPED_TRACE(st["name"].get<std::string>() + " " + st["kind"].get<std::string>());
    HttpReply q = server->query(
        "SELECT sum(requests), sum(points_accepted), sum(failures), sum(retries), count(requests) "
        "FROM \"interval\" WHERE test_id = '" + test_id + "' AND statement_id = '" +
            st["id"].get<std::string>() + "'",
        "_stressTest");
    ASSERT_EQ(q.status, 200) << q.body;
    json j = json::parse(q.body);
    ASSERT_TRUE(j["results"][0].contains("series")) << q.body;
    const json& v = j["results"][0]["series"][0]["values"][0];
    const Sums in_json = sum_intervals(st);
    EXPECT_EQ(v[1].get<uint64_t>(), in_json.requests);
    EXPECT_EQ(v[2].get<uint64_t>(), in_json.points);
    EXPECT_EQ(v[3].get<uint64_t>(), in_json.failures);
    EXPECT_EQ(v[4].get<uint64_t>(), in_json.retries);
    EXPECT_EQ(v[5].get<uint64_t>(), in_json.intervals);
  }

  // `stressql report --json` rebuilds the same intervals from those rows.
  const std::string rebuilt_path = dir.path() + "/rebuilt.json";
  ProcessResult rebuilt = stressql({"report", test_id, "--results", results, "--json", rebuilt_path});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  json again = validated_report(rebuilt_path);
  ASSERT_EQ(again["statements"].size(), live["statements"].size());
  for (size_t i = 0; i < live["statements"].size(); ++i) {
    const json& a = live["statements"][i];
    const json& b = again["statements"][i];
    EXPECT_EQ(a.contains("intervals"), b.contains("intervals")) << i;
    if (!a.contains("intervals")) continue;
    EXPECT_EQ(b["intervals"], a["intervals"]) << i;
    EXPECT_EQ(b["interval_late_samples"], a["interval_late_samples"]) << i;
    EXPECT_EQ(b["requests"], a["requests"]) << i;
  }
}

}  // namespace
}  // namespace stressql::testing
