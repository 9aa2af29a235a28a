// `run --threshold` end to end: expressions refused before anything is sent (exit 2), the
// PASS/FAIL lines at the end of the report, the JSON `thresholds`, the `threshold` rows in
// _stressTest, and the exit status (3 when only a threshold failed; 1 wins), against the
// nginx sink and a real influxd.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/run_test_util.h"
#include "tests/support/nginx_sink.h"

namespace stressql::testing {
namespace {

using std::chrono::seconds;

const char* kScript = R"(CREATE DATABASE gate

SET Database [gate]

SET BatchSize [100]

INSERT cpu
cpu,host=server-[int inc(0) 10]
value=[float rand(100) 0]
2000 1s

QUERY cpu
SELECT count(value) FROM cpu
DO 5
)";

class RunThresholdSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    sink_ = NginxSink::start({}, &error);
    ASSERT_TRUE(sink_) << error;
    script_ = dir_.write("gate.iql", kScript);
  }
  ProcessResult run(std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", "--addresses", sink_->address(), "--results", "none"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(script_);
    return stressql(args, seconds(60));
  }
  std::unique_ptr<NginxSink> sink_;
  ScriptDir dir_;
  std::string script_;
};

TEST_F(RunThresholdSinkTest, PassingThresholdsExitZero) {
  ProcessResult r = run({"--threshold", "errors==0", "--threshold", "cpu.points_per_sec>=1",
                         "--threshold", "p99 < 60s"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // errors==0 judges both the INSERT and the QUERY; the named one only the INSERT.
  EXPECT_NE(r.out.find("\nThresholds:\nPASS  errors==0  cpu  0\nPASS  errors==0  cpu  0\n"
                       "PASS  cpu.points_per_sec>=1  cpu  "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("PASS  p99 < 60s  cpu  "), std::string::npos) << r.out;
}

TEST_F(RunThresholdSinkTest, AFailingThresholdExitsThreeAndTheJsonSaysWhy) {
  const std::string json = dir_.path() + "/report.json";
  ProcessResult r = run({"--json", json, "--threshold", "points_per_sec>=1000M", "--threshold", "errors==0"});
  ASSERT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("Result:                                OK"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL  points_per_sec>=1000M  cpu  "), std::string::npos) << r.out;
  auto doc = nlohmann::json::parse(read_file(json));
  const auto& t = doc["thresholds"];
  ASSERT_EQ(t.size(), 3u) << t.dump();  // points: the INSERT; errors: INSERT and QUERY
  EXPECT_EQ(t[0]["threshold"], "points_per_sec>=1000M");
  EXPECT_EQ(t[0]["statement"], "cpu");
  EXPECT_EQ(t[0]["value"].get<double>(), 1e9);
  EXPECT_GT(t[0]["measured"].get<double>(), 0);
  EXPECT_EQ(t[0]["measured"].get<double>(), doc["statements"][3]["points_per_second"].get<double>());
  EXPECT_FALSE(t[0]["pass"].get<bool>());
  EXPECT_TRUE(t[1]["pass"].get<bool>());
  EXPECT_TRUE(t[2]["pass"].get<bool>());
  EXPECT_EQ(doc["options"]["script_sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(schema_errors(json), "");
}

TEST_F(RunThresholdSinkTest, BadExpressionsAreUsageErrors) {
  ProcessResult unit = run({"--threshold", "p99<=200"});
  EXPECT_EQ(unit.exit_code, 2);
  EXPECT_NE(unit.err.find("--threshold: threshold 'p99<=200', column 9: p99 needs a time unit"), std::string::npos)
      << unit.err;
  EXPECT_EQ(unit.out, "");
  ProcessResult name = run({"--threshold", "mem.p99<=200ms"});
  EXPECT_EQ(name.exit_code, 2);
  EXPECT_NE(name.err.find("the script has no INSERT or QUERY named 'mem' (it has: cpu)"), std::string::npos)
      << name.err;
  ProcessResult metric = run({"--threshold", "latency<1s"});
  EXPECT_EQ(metric.exit_code, 2);
  EXPECT_NE(metric.err.find("unknown metric 'latency'"), std::string::npos) << metric.err;
}

class RunThresholdInfluxTest : public InfluxTest {};

TEST_F(RunThresholdInfluxTest, NothingIsSentWhenAThresholdIsMalformed) {
  const std::string script = dir_.write("gate.iql", kScript);
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "http://" + server_->address(),
                              "--threshold", "errors<", script},
                             seconds(60));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  HttpReply dbs = server_->query("SHOW DATABASES");
  EXPECT_EQ(dbs.body.find("gate"), std::string::npos) << dbs.body;
  EXPECT_EQ(dbs.body.find("_stressTest"), std::string::npos) << dbs.body;
}

TEST_F(RunThresholdInfluxTest, FailingThresholdStoredAsRowsAndAFailedStatementWins) {
  const std::string script = dir_.write("gate.iql", kScript);
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "http://" + server_->address(),
                              "--threshold", "cpu.error_rate<=0%", "--threshold", "p50<1ns", script},
                             seconds(60));
  ASSERT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_EQ(server_->count_points("gate", "cpu"), 2000);
  EXPECT_NE(r.out.find("PASS  cpu.error_rate<=0%  cpu  0%"), std::string::npos) << r.out;
  const std::string test_id = report_value(r.out, "Test ID:");
  HttpReply rows = server_->query("SELECT count(\"pass\") FROM \"threshold\" WHERE test_id = '" + test_id +
                                      "' AND \"pass\" = false",
                                  "_stressTest");
  // p50<1ns fails for the INSERT and the QUERY; error_rate passes.
  EXPECT_NE(rows.body.find(",2]"), std::string::npos) << rows.body;
  HttpReply passed = server_->query("SELECT measured, \"value\" FROM \"threshold\" WHERE test_id = '" + test_id +
                                        "' AND \"pass\" = true",
                                    "_stressTest");
  EXPECT_NE(passed.body.find(",0,0]"), std::string::npos) << passed.body;

  // compare reads runs back by test ID too (here the run against itself: one short run a side
  // leaves nothing that can be judged, exit 3).
  ProcessResult same = stressql({"compare", test_id, test_id, "--results", "http://" + server_->address()},
                                seconds(60));
  EXPECT_EQ(same.exit_code, 3) << same.out << same.err;
  EXPECT_NE(same.out.find("nothing could be judged"), std::string::npos) << same.out;
  EXPECT_NE(same.out.find("Compare: BASE " + test_id + " → NEW " + test_id), std::string::npos) << same.out;
  EXPECT_NE(same.out.find("\ncpu        points_per_sec"), std::string::npos) << same.out;
  ProcessResult unknown = stressql({"compare", test_id, "00000000deadbeef", "--results",
                                    "http://" + server_->address()},
                                   seconds(60));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no results for test 00000000deadbeef"), std::string::npos) << unknown.err;

  // The database is missing: the INSERT fails (404), exit 1 whatever the thresholds say.
  const std::string broken = dir_.write("broken.iql", "SET Database [nosuch]\n\nINSERT cpu\ncpu,host=a\nvalue=1i\n10 1s\n");
  ProcessResult failed = stressql({"run", "--addresses", server_->address(), "--results", "none",
                                   "--threshold", "points_per_sec>=1000M", broken},
                                  seconds(60));
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  EXPECT_NE(failed.out.find("FAIL  points_per_sec>=1000M  cpu  0"), std::string::npos) << failed.out;
}

}  // namespace
}  // namespace stressql::testing
