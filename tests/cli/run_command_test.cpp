// `stressql run` end to end: the real binary against real InfluxDB servers started by the
// fixture on free loopback ports. Counts are read back from the server.
#include <signal.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <thread>

#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

class RunCommandTest : public InfluxTest {};

TEST_F(RunCommandTest, GoInsertsAndTemplatedQueryWriteExactlyTheRequestedPoints) {
  std::string script = dir_.write("run.iql", R"(CREATE DATABASE e2e

SET Database [e2e]

SET BatchSize [1000]

SET WriteConcurrency [3]

GO INSERT cpuload
cpu,host=server-[int inc(0) 50],loc=[us-west|us-east]
value=[float rand(100) 0],n=[int inc(0) 0]
23457 10s

GO INSERT memload
mem,host=server-[int inc(0) 10]
used=[int rand(1000) 0]
5001 1s

GO QUERY cpuload
SELECT count(value) FROM %m WHERE %t
DO 20

WAIT
)");
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->count_points("e2e", "cpu"), 23457) << r.out;
  EXPECT_EQ(server_->count_points("e2e", "mem"), 5001) << r.out;
  EXPECT_NE(r.out.find("Go Write Statement:                    cpuload"), std::string::npos) << r.out;
  EXPECT_EQ(report_value(r.out, "  Successful Queries:"), "20") << r.out;
  EXPECT_EQ(report_value(r.out, "Points Accepted / Dropped / Failed:"), "28458 / 0 / 0") << r.out;
  EXPECT_NE(r.out.find("Result:                                OK"), std::string::npos) << r.out;
}

TEST_F(RunCommandTest, MissingDatabaseIsAClear404FailureNotAHang) {
  std::string script = dir_.write("missing.iql", R"(SET Database [nosuchdb]

INSERT w
cpu,host=[a|b]
value=[int inc(0) 0]
100 1s
)");
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none", script},
                             std::chrono::seconds(60));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("http 404"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("database not found"), std::string::npos) << r.out;
  EXPECT_EQ(report_value(r.out, "  Points Accepted / Dropped / Failed:"), "0 / 0 / 100") << r.out;
  EXPECT_NE(r.out.find("Result:                                FAILED"), std::string::npos);
}

TEST_F(RunCommandTest, TemplatedQueryOfAnInsertThatGotNoPointFailsAtOnce) {
  // Every write fails (no such database), so no point will ever be there to query: the
  // query must say so when the INSERT ends, not wait out its 30 s (each ending has its own
  // message).
  std::string script = dir_.write("q.iql", R"(SET Database [nosuchdb]

GO INSERT w
cpu,host=[a|b]
value=[int inc(0) 0]
100 1s

GO QUERY w
SELECT * FROM %m WHERE %t
DO 5

WAIT
)");
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none", script});
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("INSERT w finished without an accepted point"), std::string::npos) << r.out;
  // Not the message of a query that waited out its time for a point.
  EXPECT_EQ(r.out.find("was accepted within"), std::string::npos) << r.out;
}

TEST_F(RunCommandTest, EngineLineSaysHowTheRequestsWentOut) {
  ASSERT_EQ(server_->query("CREATE DATABASE eng").status, 200);
  // 50 requests of 1000 points each (about 30 KB), on two reactors.
  std::string script = dir_.write("eng.iql", R"(SET Database [eng]

SET BatchSize [1000]

SET WriteConcurrency [4]

INSERT sends
cpu,host=h-[int inc(0) 100]
value=[int inc(0) 0]
50000 1s
)");
  ProcessResult plain = stressql({"run", "--addresses", server_->address(), "--results", "none",
                                  "--reactors", "2", script});
  ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  unsigned long long sends = 0, shortages = 9, overflows = 9, reconnects = 9;
  std::string line = report_value(plain.out, "Engine:");
  ASSERT_EQ(std::sscanf(line.c_str(), "2 reactors, %llu sends (plain), %llu receive-buffer shortages, %llu CQ overflows, %llu reconnects",
                        &sends, &shortages, &overflows, &reconnects), 4) << plain.out;
  EXPECT_EQ(reconnects, 0u) << "influxd keeps its connections open";
  EXPECT_GE(sends, 50u) << "one send per request at least (more when one is short)";
  EXPECT_EQ(shortages, 0u);
  EXPECT_EQ(overflows, 0u);

  // Over loopback the kernel copies zero-copy sends, says so, and the reactors go back to
  // plain sends: the report must say that rather than claim zero copy.
  ProcessResult zc = stressql({"run", "--addresses", server_->address(), "--results", "none",
                               "--reactors", "2", "--send-zc", script});
  ASSERT_EQ(zc.exit_code, 0) << zc.out << zc.err;
  EXPECT_EQ(server_->count_points("eng", "cpu"), 50000) << "the same points, written twice";
  line = report_value(zc.out, "Engine:");
  EXPECT_NE(line.find("(zero-copy asked; the kernel copied, so "), std::string::npos) << zc.out;
  EXPECT_NE(line.find(" went back to plain after "), std::string::npos) << zc.out;
}

TEST_F(RunCommandTest, IntervalShorterThanPrecisionIsWarnedAndShowsOnTheServer) {
  ASSERT_EQ(server_->query("CREATE DATABASE prec").status, 200);
  // 10 series, 10 points each, 100 ms apart, in whole seconds: every series gets ten points
  // at the same second and the server keeps one of them.
  std::string script = dir_.write("prec.iql", R"(SET Database [prec]

SET Precision [s]

SET StartDate [2020-01-01]

INSERT fine
cpu,host=h-[int inc(0) 10]
value=[int inc(0) 0]
100 1s

INSERT collapsing
mem,host=h-[int inc(0) 10]
value=[int inc(0) 0]
100 100ms
)");
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->count_points("prec", "cpu"), 100);
  EXPECT_EQ(server_->count_points("prec", "mem"), 10) << "why the warning matters";
  const std::string warning =
      "the interval 100ms is shorter than the precision (s): points of one series can share a "
      "timestamp, and the server keeps one point per series and timestamp";
  size_t fine = r.out.find("Write Statement:                       fine");
  size_t collapsing = r.out.find("Write Statement:                       collapsing");
  ASSERT_NE(fine, std::string::npos) << r.out;
  ASSERT_NE(collapsing, std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("  Warning:"), r.out.find("  Warning:", collapsing)) << "only the second\n" << r.out;
  EXPECT_EQ(report_value(r.out.substr(collapsing), "  Warning:"), warning) << r.out;
  EXPECT_NE(r.err.find("stressql: warning: insert collapsing: " + warning), std::string::npos) << r.err;
}

TEST_F(RunCommandTest, TwoAddressesEachReceiveExactlyHalf) {
  std::string error;
  auto second = InfluxServer::start(&error);
  ASSERT_TRUE(second) << error;
  for (InfluxServer* s : {server_.get(), second.get()}) {
    ASSERT_EQ(s->query("CREATE DATABASE pair").status, 200);
  }
  // 40 requests of 100 distinct points; request i goes to address i mod 2, so each server
  // gets exactly half, whatever their speed.
  std::string script = dir_.write("pair.iql", R"(SET Database [pair]

SET BatchSize [100]

SET WriteConcurrency [4]

INSERT spread
cpu,host=h-[int inc(0) 100]
value=[int inc(0) 0]
4000 1s
)");
  ProcessResult r = stressql({"run", "--addresses", server_->address() + "|" + second->address(),
                              "--results", "none", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->count_points("pair", "cpu"), 2000);
  EXPECT_EQ(second->count_points("pair", "cpu"), 2000);
}

TEST_F(RunCommandTest, SigintStopsTheRunAndStillPrintsTheReport) {
  ASSERT_EQ(server_->query("CREATE DATABASE stop").status, 200);
  // Far more than can be written in the test's time: the run must be stopped.
  std::string script = dir_.write("long.iql", R"(SET Database [stop]

SET BatchSize [1000]

SET WriteInterval [20ms]

SET WriteConcurrency [2]

GO INSERT forever
cpu,host=h-[int inc(0) 1000]
value=[int inc(0) 0]
100000000 1s

WAIT
)");
  Child child;
  std::string error;
  ASSERT_TRUE(child.start({STRESSQL_BINARY, "run", "--addresses", server_->address(), "--results",
                           "none", script},
                          &error))
      << error;
  // Wait until the server holds three batches: with two connections the third is sent only
  // after an answer came back, so the client has seen an acknowledgement and the stop
  // really is mid-run.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (server_->count_points("stop", "cpu") < 3000 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_GE(server_->count_points("stop", "cpu"), 3000);
  child.signal(SIGINT);
  // A bound on the wait only; bench/stop_latency.sh measures how fast the stop is.
  ASSERT_TRUE(child.wait(std::chrono::seconds(60))) << "still running 60 s after SIGINT";
  EXPECT_EQ(child.exit_code(), 1);
  std::string out = child.out();
  EXPECT_NE(out.find("Go Write Statement:                    forever"), std::string::npos) << out;
  EXPECT_NE(out.find("INTERRUPTED"), std::string::npos) << out;
  // Accepted points are on the server; requests cancelled in flight may or may not have
  // landed, and the report counts them as failed, never as accepted.
  int64_t on_server = server_->count_points("stop", "cpu");
  std::string counts = report_value(out, "  Points Accepted / Dropped / Failed:");
  long long accepted = -1, dropped = -1, failed = -1;
  ASSERT_EQ(std::sscanf(counts.c_str(), "%lld / %lld / %lld", &accepted, &dropped, &failed), 3) << out;
  EXPECT_GT(accepted, 0);
  EXPECT_LE(accepted, on_server);
  EXPECT_LE(on_server, accepted + failed);
}

TEST_F(RunCommandTest, ResultsRowsJsonAndReportCommandAgreeWithTheLiveReport) {
  std::string script = dir_.write("results.iql", R"(CREATE DATABASE res

SET Database [res]

SET BatchSize [500]

GO INSERT writes
cpu,host=h-[int inc(0) 20]
value=[float rand(10) 0]
5000 1s

GO QUERY writes
SELECT last(value) FROM cpu WHERE %t
DO 7

WAIT

EXEC true
)");
  std::string json_path = dir_.path() + "/report.json";
  std::string results = "http://" + server_->address();
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", results,
                              "--json", json_path, script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string test_id = report_value(r.out, "Test ID:");
  ASSERT_EQ(test_id.size(), 16u) << r.out;

  // One row per request in _stressTest (no retries happen against a healthy server).
  EXPECT_EQ(server_->count_points("_stressTest", "write", "status_code"), 10);
  // The 7 queries and the CREATE DATABASE passthrough, which is a query too.
  EXPECT_EQ(server_->count_points("_stressTest", "query", "status_code"), 8);
  EXPECT_EQ(server_->count_points("_stressTest", "statement", "index"), 7);

  // `stressql report` rebuilds the same report from those rows, the server blocks too
  // (influxd's /debug/vars was read: SET ServerMetrics is auto).
  const std::string rebuilt_path = dir_.path() + "/rebuilt.json";
  ProcessResult rebuilt = stressql({"report", test_id, "--results", results, "--json", rebuilt_path});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  auto without_results_line = [](std::string s) {
    size_t at = s.find("Results:");
    return at == std::string::npos ? s : s.erase(at, s.find('\n', at) + 1 - at);
  };
  EXPECT_NE(r.out.find("  Server " + server_->address() + " (/debug/vars):"), std::string::npos) << r.out;
  EXPECT_EQ(without_results_line(rebuilt.out), without_results_line(r.out));
  {
    const auto live = validated_report(json_path);
    const auto again = validated_report(rebuilt_path);
    ASSERT_EQ(again["statements"].size(), live["statements"].size());
    int blocks = 0;
    for (size_t i = 0; i < live["statements"].size(); ++i) {
      EXPECT_EQ(again["statements"][i].contains("server"), live["statements"][i].contains("server")) << i;
      if (!live["statements"][i].contains("server")) continue;
      EXPECT_EQ(again["statements"][i]["server"], live["statements"][i]["server"]) << i;
      ++blocks;
    }
    EXPECT_EQ(blocks, 3);  // the CREATE DATABASE passthrough's, the INSERT's and the QUERY's
  }

  // The JSON validates against the published schema and carries the same numbers.
  auto j = validated_report(json_path);
  EXPECT_EQ(j["test_id"], test_id);
  EXPECT_EQ(j["totals"]["points_accepted"], 5000);
  EXPECT_EQ(j["statements"][3]["points"]["accepted"], 5000);
  EXPECT_EQ(j["statements"][4]["requests"]["ok"], 7);
  EXPECT_EQ(j.dump().find("password"), std::string::npos);
}

}  // namespace
}  // namespace stressql::testing
