// Open-loop rates end to end (SET WriteRate / QueryRate): the real binary against a real
// influxd. What is asserted: every point is counted back, the report says the target and
// what was achieved, `stressql report` rebuilds the same rate lines from _stressTest, and
// `check` shows the schedule. Achieved rates get tolerances any loaded machine meets at
// these low rates (tens of requests a second); how closely stressql keeps a rate is
// measured by bench/rate_accuracy.sh, not here.
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

using std::chrono::seconds;

class RateTest : public InfluxTest {};

double number_before(const std::string& text, const std::string& unit) {
  return std::strtod(text.substr(0, text.find(unit)).c_str(), nullptr);
}

std::string rate_lines(const std::string& report) {
  std::string out;
  for (const char* label : {"  Target Rate:", "  Achieved Rate:", "  Sent Late:", "  Timer Slack:", "  Resp Time from Send p50 / p99 / Max:"}) {
    size_t at = 0;
    while ((at = report.find(std::string("\n") + label, at)) != std::string::npos) {
      ++at;
      out += report.substr(at, report.find('\n', at) - at) + "\n";
    }
  }
  return out;
}

TEST_F(RateTest, RatedInsertAndQueryAgainstInfluxd) {
  std::string script = dir_.write("rated.iql", R"(CREATE DATABASE rated

SET Database [rated]

SET BatchSize [100]

SET WriteRate [2000 pts/s]

SET QueryRate [20 req/s]

SET WriteInterval [1s]

GO INSERT cpu
cpu,host=server-[int inc(0) 10]
value=[float rand(100) 0]
6000 1s

GO QUERY cpu
SELECT count(value) FROM cpu WHERE %t
DO 30

WAIT
)");
  ProcessResult check = stressql({"check", script}, seconds(30));
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("60 write requests at BatchSize 100, at 2000 pts/s for 3s"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("DO 30 (variables %t), at 20 req/s for 1.5s"), std::string::npos) << check.out;

  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results",
                              "http://" + server_->address(), script},
                             seconds(120));
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->count_points("rated", "cpu"), 6000);
  EXPECT_EQ(report_value(r.out, "  Target Rate:"), "2000 pts/s (100 points per request)");
  EXPECT_EQ(report_value(r.out, "  Points Accepted / Dropped / Failed:"), "6000 / 0 / 0");
  const double achieved = number_before(report_value(r.out, "  Achieved Rate:"), " pts/s");
  EXPECT_GT(achieved, 1600) << r.out;
  EXPECT_LT(achieved, 2400) << r.out;  // never ahead of the schedule by more than rounding
  EXPECT_NE(r.out.find("  Target Rate:                         20 req/s\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("WriteInterval 1s is ignored: the rate spaces the requests"), std::string::npos) << r.out;
  EXPECT_EQ(report_value(r.out, "  Successful Queries:"), "30") << r.out;

  // The one-second intervals in _stressTest add up to the statement totals: 60 writes of
  // 100 points, 30 queries (the INSERT and the QUERY share a name; each has its own rows).
  const std::string id = report_value(r.out, "Test ID:");
  HttpReply sums = server_->query(
      "SELECT sum(requests), sum(points_accepted), sum(failures) FROM \"interval\" WHERE test_id = '" +
          id + "' GROUP BY statement_id",
      "_stressTest");
  ASSERT_EQ(sums.status, 200) << sums.body;
  const nlohmann::json j = nlohmann::json::parse(sums.body);
  std::multiset<std::string> totals;
  for (const auto& series : j["results"][0]["series"]) {
    const auto& v = series["values"][0];
    totals.insert(std::to_string(v[1].get<int64_t>()) + "/" + std::to_string(v[2].get<int64_t>()) + "/" +
                  std::to_string(v[3].get<int64_t>()));
  }
  EXPECT_EQ(totals.count("60/6000/0"), 1u) << sums.body;
  EXPECT_EQ(totals.count("30/0/0"), 1u) << sums.body;

  // The rows in _stressTest carry what the rate lines need.
  ProcessResult rebuilt = stressql({"report", id, "--results", "http://" + server_->address()}, seconds(60));
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.out << rebuilt.err;
  EXPECT_EQ(rate_lines(rebuilt.out), rate_lines(r.out));
  EXPECT_NE(rate_lines(r.out).find("Target Rate"), std::string::npos);
  EXPECT_NE(rate_lines(r.out).find("Timer Slack:                         100µs"), std::string::npos) << r.out;
}

TEST_F(RateTest, TheScheduleHoldsRequestsBackAndCountsTheLateOnes) {
  // 12 requests at 4 req/s take ~2.75 s of schedule, however fast the server answers: the
  // last request cannot be sent before its due time. With one connection and the rate far
  // beyond what it can carry, requests go late and say so.
  std::string slow = dir_.write("slow.iql", "SET WriteRate [4 req/s]\n\nSET BatchSize [1]\n\nINSERT s\ns,t=a v=[int inc(0) 0]\n12 1s\n");
  ASSERT_EQ(server_->query("CREATE DATABASE rated").status, 200);
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none",
                              "--database", "rated", slow},
                             seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->count_points("rated", "s"), 12);
  const double achieved = number_before(report_value(r.out, "  Achieved Rate:"), " req/s");
  EXPECT_LE(achieved, 4.0 * 1.01) << r.out;  // not ahead of the schedule

  std::string fast = dir_.write("fast.iql",
                                "SET WriteRate [1M req/s]\n\nSET WriteConcurrency [1]\n\nSET BatchSize [1]\n\n"
                                "INSERT f\nf,t=a v=[int inc(0) 0]\n300 1s\n");
  r = stressql({"run", "--addresses", server_->address(), "--results", "none", "--database", "rated", fast},
               seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->count_points("rated", "f"), 300);
  EXPECT_NE(report_value(r.out, "  Warning:").find("more than 10000 answers a second"), std::string::npos) << r.out;
  // One connection cannot answer 300 requests in 0.3 ms: most of them go late, and the
  // report says so instead of claiming the target.
  const std::string late = report_value(r.out, "  Sent Late:");
  EXPECT_GT(std::atoll(late.c_str()), 100) << r.out;
}

// A ramp from 10 to 50 req/s over 4 s, then 50 req/s: the requests due in each second (the
// JSON's one-second intervals count attempts by due time) follow the integral of the line,
// 15, 25, 35, 45, then 50, whatever the machine's load, since due times are the schedule's.
TEST_F(RateTest, ARampsRequestsPerSecondFollowTheLine) {
  ASSERT_EQ(server_->query("CREATE DATABASE ramp").status, 200);
  std::string script = dir_.write(
      "ramp.iql",
      "SET Database [ramp]\n\nSET BatchSize [1]\n\nSET WriteConcurrency [4]\n\n"
      "SET WriteRate [10 req/s to 50 req/s over 4s]\n\nINSERT r\nr,t=a v=[int inc(0) 0]\n220 1s\n");
  const std::string json_path = dir_.path() + "/ramp.json";
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none", "--json",
                              json_path, script},
                             seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->count_points("ramp", "r"), 220);
  const nlohmann::json report = nlohmann::json::parse(read_file(json_path));
  const nlohmann::json* insert = nullptr;
  for (const auto& st : report["statements"]) {
    if (st["kind"] == "insert") insert = &st;
  }
  ASSERT_NE(insert, nullptr);
  const auto& iv = (*insert)["intervals"];
  ASSERT_GE(iv.size(), 6u) << iv;  // 120 requests in the ramp's 4 s, 100 more at 50 req/s
  const int expected[] = {15, 25, 35, 45, 50};
  for (size_t k = 0; k < 5; ++k) {
    const int got = iv[k]["requests"].get<int>();
    EXPECT_NEAR(got, expected[k], 2) << "second " << k << ": " << iv[k];
  }
}

}  // namespace
}  // namespace stressql::testing
