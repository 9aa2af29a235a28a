// Descriptor limits end to end, run under prlimit(1) against a real influxd: stressql raises
// its soft RLIMIT_NOFILE to the hard limit at start, and a script whose connections (GO
// statements add up until WAIT) cannot fit under the hard limit fails before it sends
// anything, naming both numbers and `ulimit -n`.
#include <gtest/gtest.h>

#include <string>

#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

class DescriptorLimitTest : public InfluxTest {
 protected:
  // `stressql run` of `script` with RLIMIT_NOFILE soft:hard.
  ProcessResult run_under(const std::string& limits, const std::string& script) {
    return run_process({"prlimit", "--nofile=" + limits, stressql_binary(), "run", "--addresses",
                        server_->address(), "--results", "none", script},
                       std::chrono::seconds(120));
  }
  std::string series_count(const std::string& db) {
    return server_->query("SELECT count(v) FROM m", db).body;
  }
};

// Two GO INSERTs of 150 connections each, then one of 200 on its own.
constexpr const char* kScript = R"(CREATE DATABASE limits

SET Database [limits]

SET BatchSize [10]

SET WriteConcurrency [150]

GO INSERT a
m,s=a,h=h-[int inc(0) 100000]
v=[int inc(0) 1]
1500 1ms

GO INSERT b
m,s=b,h=h-[int inc(0) 100000]
v=[int inc(0) 1]
1500 1ms

WAIT

SET WriteConcurrency [200]

INSERT c
m,s=c,h=h-[int inc(0) 100000]
v=[int inc(0) 1]
2000 1ms
)";

TEST_F(DescriptorLimitTest, TheSoftLimitIsRaisedToTheHardOne) {
  // 300 connections at once need 364 descriptors: above the soft limit, under the hard one.
  const std::string script = dir_.write("limits.iql", kScript);
  ProcessResult r = run_under("100:1024", script);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(series_count("limits").find("5000"), std::string::npos) << series_count("limits");
}

TEST_F(DescriptorLimitTest, TooManyConnectionsFailBeforeAnythingIsSent) {
  const std::string script = dir_.write("limits.iql", kScript);
  ProcessResult r = run_under("300:300", script);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("the script holds up to 300 connections at once, which need 364 file "
                       "descriptors"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("the limit is 300"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("`ulimit -n 364`"), std::string::npos) << r.err;
  // Not even the CREATE DATABASE went out.
  EXPECT_EQ(server_->query("SHOW DATABASES").body.find("limits"), std::string::npos)
      << server_->query("SHOW DATABASES").body;
}

TEST_F(DescriptorLimitTest, StatementsInTurnNeedOnlyTheLargest) {
  // The same 300 and 200 connections one statement after another fit under 300 descriptors.
  std::string script = kScript;
  for (size_t at; (at = script.find("GO INSERT")) != std::string::npos;) script.erase(at, 3);
  ProcessResult r = run_under("300:300", dir_.write("turns.iql", script));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(series_count("limits").find("5000"), std::string::npos) << series_count("limits");
}

}  // namespace
}  // namespace stressql::testing
