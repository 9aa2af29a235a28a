// `stressql compare` end to end: short runs against nginx sinks, compared from their JSON
// reports. Two runs of one rated script: no regression. A server throttled to half the
// requests a second (nginx limit_req, like a server at capacity) under a closed loop: a
// points_per_sec regression, exit 3, and JUnit XML that parses (python3's xml module).
// Bad input: a missing file, a corrupt report, a bad flag: exit 2 with a clear message.
//
// The same-script runs decide on throughput and errors only: two runs minutes apart on a
// shared machine really do differ in latency, so a latency verdict there would assert that
// the machine was quiet, not that compare is right (compare's false-alarm rate is measured
// on seeded data in tests/stats/compare_stats_test.cpp).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/run_test_util.h"
#include "tests/support/nginx_sink.h"

namespace stressql::testing {
namespace {

using std::chrono::seconds;

class CompareCommandTest : public ::testing::Test {
 protected:
  // Runs `script` against `sink` and returns the path of its JSON report.
  std::string run(const NginxSink& sink, const std::string& script, const std::string& name) {
    const std::string json = dir_.path() + "/" + name;
    ProcessResult r = stressql({"run", "--addresses", sink.address(), "--results", "none", "--json", json, script},
                               seconds(60));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return json;
  }
  nlohmann::json row(const nlohmann::json& doc, const std::string& metric) {
    for (const auto& r : doc["rows"]) {
      if (r["metric"] == metric) return r;
    }
    return nullptr;
  }
  ScriptDir dir_;
};

TEST_F(CompareCommandTest, SameRatedScriptTwiceIsNoRegression) {
  std::string error;
  auto sink = NginxSink::start({}, &error);
  ASSERT_TRUE(sink) << error;
  // 20 requests a second for 4 s.
  const std::string script = dir_.write("rated.iql",
                                        "SET BatchSize [10]\n\nSET WriteRate [200 pts/s]\n\n"
                                        "INSERT cpu\ncpu,host=server-[int inc(0) 10]\nvalue=[float rand(100) 0]\n800 1s\n");
  const std::string a = run(*sink, script, "a.json"), b = run(*sink, script, "b.json");
  const std::string out_json = dir_.path() + "/compare.json";
  ProcessResult r = stressql({"compare", a, b, "--metrics", "points_per_sec,requests_per_sec,error_rate", "--json",
                              out_json},
                             seconds(30));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // The pass names what it judged and what it did not.
  EXPECT_NE(r.out.find("Result: OK: no significant regression beyond 5% in error_rate; not judged: "
                       "points_per_sec,requests_per_sec"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.err.find("different scripts"), std::string::npos) << r.err;
  const auto doc = nlohmann::json::parse(read_file(out_json));
  EXPECT_FALSE(doc["regression"].get<bool>());
  // Under a rate the per-second counts are the schedule's: said, not judged.
  EXPECT_EQ(row(doc, "points_per_sec")["verdict"], "not tested");
  EXPECT_NE(row(doc, "points_per_sec")["note"].get<std::string>().find("rated"), std::string::npos);
  // No failure in any second of either run: no change, over the full seconds.
  EXPECT_EQ(row(doc, "error_rate")["verdict"], "no significant change");
  EXPECT_EQ(row(doc, "error_rate")["basis"], "4 vs 4 one-second intervals");  // due 0 to 3.95 s
  EXPECT_EQ(row(doc, "error_rate")["base"], 0.0);
  // p99 is shown (with its interval) though it does not decide here.
  EXPECT_FALSE(row(doc, "p99")["deciding"].get<bool>());
  EXPECT_NE(row(doc, "p99")["verdict"], "not tested");

  // Deciding on points_per_sec alone judges nothing: not a pass, and it says what would judge.
  ProcessResult nothing = stressql({"compare", a, b, "--metrics", "points_per_sec"}, seconds(30));
  EXPECT_EQ(nothing.exit_code, 3) << nothing.out << nothing.err;
  EXPECT_NE(nothing.out.find("Result: FAIL: nothing could be judged in points_per_sec\n"
                             "Why: cpu points_per_sec: rated: per-second counts follow the schedule"),
            std::string::npos)
      << nothing.out;
  EXPECT_NE(nothing.out.find("To judge: run each side with --repeat 4 or more"), std::string::npos) << nothing.out;
  EXPECT_EQ(nothing.out.find("OK"), std::string::npos) << nothing.out;
}

TEST_F(CompareCommandTest, AThrottledServerIsAThroughputRegression) {
  std::string error;
  auto fast = NginxSink::start({.write_requests_per_sec = 40}, &error);
  ASSERT_TRUE(fast) << error;
  auto slow = NginxSink::start({.write_requests_per_sec = 20}, &error);
  ASSERT_TRUE(slow) << error;
  // A closed loop of 160 requests: 4 s at 40 requests a second, 8 s at 20.
  const std::string script = dir_.write("closed.iql",
                                        "SET BatchSize [10]\n\nSET WriteConcurrency [4]\n\n"
                                        "INSERT cpu\ncpu,host=server-[int inc(0) 10]\nvalue=[float rand(100) 0]\n1600 1s\n");
  const std::string base = run(*fast, script, "base.json");
  const std::string again = run(*fast, script, "again.json");
  const std::string next = run(*slow, script, "new.json");

  // The same server twice: the throughput holds.
  ProcessResult same = stressql({"compare", base, again, "--metrics", "points_per_sec,requests_per_sec,error_rate"},
                                seconds(30));
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;

  const std::string junit = dir_.path() + "/compare.xml";
  const std::string out_json = dir_.path() + "/compare.json";
  ProcessResult r = stressql({"compare", base, next, "--junit", junit, "--json", out_json}, seconds(30));
  ASSERT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("Result: REGRESSION beyond 5%: cpu points_per_sec -"), std::string::npos) << r.out;
  const auto doc = nlohmann::json::parse(read_file(out_json));
  const auto points = row(doc, "points_per_sec");
  EXPECT_EQ(points["verdict"], "worse");
  EXPECT_TRUE(points["regression"].get<bool>());
  // 40 (20) requests of 10 points a second; the first second also holds the first requests
  // of the 4 connections.
  EXPECT_NEAR(points["base"].get<double>(), 400, 20);
  EXPECT_NEAR(points["new"].get<double>(), 200, 10);
  EXPECT_NEAR(points["change"].get<double>(), -0.5, 0.05);
  EXPECT_LT(points["change_high"].get<double>(), -0.05);

  // JUnit: well-formed, one case per metric, the regression a failure with its numbers.
  ProcessResult xml = run_process(
      {"python3", "-c",
       "import sys, xml.etree.ElementTree as ET\n"
       "root = ET.parse(sys.argv[1]).getroot()\n"
       "cases = root.findall('./testsuite/testcase')\n"
       "fails = [c.get('name') + ': ' + c.find('failure').text for c in cases if c.find('failure') is not None]\n"
       "print(root.tag, len(cases), root.get('failures'))\n"
       "print('\\n'.join(fails))\n",
       junit},
      seconds(30));
  ASSERT_EQ(xml.exit_code, 0) << xml.err << read_file(junit);
  int regressions = 0;
  for (const auto& x : doc["rows"]) regressions += x["regression"].get<bool>();
  ASSERT_EQ(doc["rows"].size(), 12u);  // every metric of an INSERT
  EXPECT_EQ(xml.out.substr(0, xml.out.find('\n')), "testsuites 12 " + std::to_string(regressions)) << xml.out;
  EXPECT_NE(xml.out.find("\npoints_per_sec: base "), std::string::npos) << xml.out;
  EXPECT_NE(xml.out.find(", change -"), std::string::npos) << xml.out;
}

TEST_F(CompareCommandTest, BadInputIsAClearUsageError) {
  const std::string good = dir_.write("good.json", R"({"schema": "stressql-report", "statements": []})");
  const std::string corrupt = dir_.write("corrupt.json", R"({"schema": "stressql-report", "statem)");
  ProcessResult missing = stressql({"compare", dir_.path() + "/nosuch.json", good}, seconds(30));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("BASE '" + dir_.path() + "/nosuch.json': no such file"), std::string::npos) << missing.err;
  ProcessResult broken = stressql({"compare", good, corrupt}, seconds(30));
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("NEW '" + corrupt + "': not valid JSON"), std::string::npos) << broken.err;
  const std::string other = dir_.write("other.json", R"({"results": []})");
  ProcessResult foreign = stressql({"compare", good, other}, seconds(30));
  EXPECT_EQ(foreign.exit_code, 2);
  EXPECT_NE(foreign.err.find("not a stressql JSON report"), std::string::npos) << foreign.err;
  ProcessResult metric = stressql({"compare", good, good, "--metrics", "p99,speed"}, seconds(30));
  EXPECT_EQ(metric.exit_code, 2);
  EXPECT_NE(metric.err.find("--metrics: unknown metric 'speed'"), std::string::npos) << metric.err;
  ProcessResult limit = stressql({"compare", good, good, "--max-regression", "lots"}, seconds(30));
  EXPECT_EQ(limit.exit_code, 2);
  EXPECT_NE(limit.err.find("--max-regression: expected a percentage"), std::string::npos) << limit.err;
  // Nothing to compare is not a pass either.
  ProcessResult empty = stressql({"compare", good, good}, seconds(30));
  EXPECT_EQ(empty.exit_code, 3) << empty.out << empty.err;
  EXPECT_NE(empty.out.find("Result: FAIL: nothing could be judged"), std::string::npos) << empty.out;
  EXPECT_NE(empty.out.find("Why: no statement was compared"), std::string::npos) << empty.out;
}

// Any test ID that `run --test-id` accepts names a run on the results server (a sharded test
// needs such an ID); only a missing .json file or a name run would refuse is "no such file".
TEST_F(CompareCommandTest, AnyTestIdRunAcceptsIsReadFromTheResultsServer) {
  const std::string good = dir_.write("good.json", R"({"schema": "stressql-report", "statements": []})");
  // Nothing listens on port 1: the ID is looked up, and the lookup fails (exit 1, not 2).
  for (const std::string id : {"nightly-42", "v1.2_rc-3", "0123456789abcdef"}) {
    ProcessResult r = stressql({"compare", id, good, "--results", "http://127.0.0.1:1"}, seconds(30));
    EXPECT_EQ(r.exit_code, 1) << id << "\n" << r.out << r.err;
    EXPECT_EQ(r.err.find("no such file"), std::string::npos) << id << "\n" << r.err;
  }
  ProcessResult missing = stressql({"compare", "nightly.json", good, "--results", "http://127.0.0.1:1"}, seconds(30));
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("BASE 'nightly.json': no such file (expected a --json report or a test ID"),
            std::string::npos) << missing.err;
  ProcessResult odd = stressql({"compare", good, "no such id", "--results", "http://127.0.0.1:1"}, seconds(30));
  EXPECT_EQ(odd.exit_code, 2) << odd.err;
  EXPECT_NE(odd.err.find("NEW 'no such id': no such file"), std::string::npos) << odd.err;
}

}  // namespace
}  // namespace stressql::testing
