// `stressql run` paths that send no load: --dump, --dry-run, --no-exec, parse errors, and
// EXEC (which runs against the real server only for its neighbours).
#include <filesystem>

#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

TEST(DumpTest, SpecExampleIsByteExact) {
  ScriptDir dir;
  std::string script = dir.write("x.iql", R"(SET StartDate [2016-01-01]

SET Precision [s]

INSERT x
cpu,host=server-[int inc(0) 3],loc=[a|b]
value=[int inc(100) 0]
8 10s
)");
  std::string dump = dir.path() + "/bodies.lp";
  ProcessResult r = stressql({"run", "--dump", dump, script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_file(dump),
            "cpu,host=server-0,loc=a value=100i 1451606400\n"
            "cpu,host=server-0,loc=b value=100i 1451606400\n"
            "cpu,host=server-1,loc=a value=100i 1451606400\n"
            "cpu,host=server-1,loc=b value=100i 1451606400\n"
            "cpu,host=server-2,loc=a value=100i 1451606400\n"
            "cpu,host=server-2,loc=b value=100i 1451606400\n"
            "cpu,host=server-0,loc=a value=101i 1451606410\n"
            "cpu,host=server-0,loc=b value=101i 1451606410\n");
}

TEST(DumpTest, SameSeedSameBytesAndBatchesInOrder) {
  ScriptDir dir;
  std::string script = dir.write("r.iql", R"(SET BatchSize [7]

INSERT r
m,t=[str rand(4) 5]
f=[float rand(10) 0],s=[str rand(6) 3]
50 1s
)");
  std::string a = dir.path() + "/a.lp", b = dir.path() + "/b.lp", c = dir.path() + "/c.lp";
  ASSERT_EQ(stressql({"run", "--seed", "42", "--dump", a, script}).exit_code, 0);
  ASSERT_EQ(stressql({"run", "--seed", "42", "--dump", b, script}).exit_code, 0);
  ASSERT_EQ(stressql({"run", "--seed", "43", "--dump", c, script}).exit_code, 0);
  EXPECT_EQ(read_file(a), read_file(b));
  EXPECT_NE(read_file(a), read_file(c));
  std::string text = read_file(a);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 50);
}

TEST(DryRunTest, ReportsRenderedPointsAndSendsNothing) {
  ScriptDir dir;
  std::string script = dir.write("d.iql", R"(INSERT d
cpu,host=server-[int inc(0) 100]
value=[float rand(1) 0]
100000 1s
)");
  // No server anywhere: a dry run must not need one. Rendered on the reactors, however many.
  for (const char* reactors : {"1", "2", "3"}) {
    ProcessResult r =
        stressql({"run", "--dry-run", "--reactors", reactors, "--addresses", "127.0.0.1:1", script});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(report_value(r.out, "  Points Rendered (not sent):"), "100000") << r.out;
    EXPECT_EQ(report_value(r.out, "  Requests Rendered (not sent):"), "20") << r.out;
    EXPECT_EQ(report_value(r.out, "Engine:"),
              std::string(reactors) + (reactors == std::string("1") ? " reactor" : " reactors") +
                  ", rendering only (--dump/--dry-run: nothing sent)")
        << r.out;
    // Nothing was sent: the run's totals count what was rendered, and no request or point
    // is said to be requested, accepted or failed.
    EXPECT_EQ(report_value(r.out, "Points Rendered (not sent):"), "100000") << r.out;
    EXPECT_EQ(report_value(r.out, "Requests Rendered (not sent):"), "20") << r.out;
    EXPECT_NE(report_value(r.out, "stressql CPU:").find("CPU-s per million points rendered)"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find("Points Requested:"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Points Accepted / Dropped / Failed:"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Requests OK / Failed:"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Successful Write Reqs"), std::string::npos) << r.out;
  }
}

TEST(DryRunTest, JsonTotalsCountRenderedPoints) {
  ScriptDir dir;
  std::string script = dir.write("d.iql", R"(INSERT d
cpu,host=server-[int inc(0) 100]
value=[float rand(1) 0]
30000 1s
)");
  const std::string json_path = dir.path() + "/r.json";
  ProcessResult r = stressql({"run", "--dry-run", "--json", json_path, "--addresses", "127.0.0.1:1", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  nlohmann::json j = validated_report(json_path);
  EXPECT_EQ(j["totals"]["points_rendered"], 30000) << j["totals"];
  EXPECT_EQ(j["totals"]["requests_rendered"], 6) << j["totals"];
  EXPECT_EQ(j["totals"]["points_requested"], 0) << j["totals"];
  EXPECT_GT(j["cpu"]["per_million_points"].get<double>(), 0) << j["cpu"];
}

TEST(DryRunTest, QueriesAndInfluxQLAreNotSentAndExecNotRun) {
  ScriptDir dir;
  std::string marker = dir.path() + "/ran";
  std::string script = dir.write("q.iql", R"(CREATE DATABASE nothere

INSERT q
cpu,host=server-[int inc(0) 10]
value=[float rand(1) 0]
100 1s

QUERY q
SELECT count(value) FROM cpu
DO 3

EXEC touch ran
)");
  ProcessResult r = stressql({"run", "--dry-run", "--addresses", "127.0.0.1:1", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("[√] 'CREATE DATABASE nothere' -> not sent (--dump/--dry-run)"), std::string::npos)
      << r.out;
  EXPECT_EQ(report_value(r.out, "  Not run:"), "not sent (--dump/--dry-run)") << r.out;
  EXPECT_EQ(report_value(r.out, "  Points Rendered (not sent):"), "100") << r.out;
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(DumpTest, AFailedWriteFailsTheStatement) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  ScriptDir dir;
  std::string script = dir.write("f.iql", R"(INSERT f
cpu,host=server-[int inc(0) 10]
value=[float rand(1) 0]
100000 1s
)");
  ProcessResult r = stressql({"run", "--dump", "/dev/full", script});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(report_value(r.out, "  Error:").find("cannot write the dump file"), std::string::npos) << r.out;
  EXPECT_EQ(report_value(r.out, "Result:"), "FAILED (1 statement(s) failed)") << r.out;
}

TEST(NoExecTest, RefusesScriptsWithExecBeforeRunningAnything) {
  ScriptDir dir;
  std::string marker = dir.path() + "/ran";
  std::string script = dir.write("e.iql", "EXEC touch ran\n");
  ProcessResult r = stressql({"run", "--no-exec", "--results", "none", script});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("e.iql:1:1: error: EXEC is refused by --no-exec"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(ParseErrorTest, NothingIsSentWhenAnyBlockIsBroken) {
  std::string error;
  auto server = InfluxServer::start(&error);
  ASSERT_TRUE(server) << error;
  ScriptDir dir;
  std::string script = dir.write("broken.iql", "CREATE DATABASE shouldnotexist\n\nWAIT now\n");
  ProcessResult r = stressql({"run", "--addresses", server->address(), "--results", "none", script});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("broken.iql:3:"), std::string::npos) << r.err;
  HttpReply dbs = server->query("SHOW DATABASES");
  EXPECT_EQ(dbs.body.find("shouldnotexist"), std::string::npos) << dbs.body;
}

TEST(ExecTest, RunsInTheScriptDirectoryAndAFailureDoesNotStopTheScript) {
  std::string error;
  auto server = InfluxServer::start(&error);
  ASSERT_TRUE(server) << error;
  ScriptDir dir;
  std::string script = dir.write("x.iql", R"(EXEC touch made-here

EXEC exit 3

CREATE DATABASE afterexec
)");
  ProcessResult r = stressql({"run", "--addresses", server->address(), "--results", "none", script});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/made-here"));
  EXPECT_NE(r.out.find("[X] EXEC 'exit 3' -> exit 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[√] 'CREATE DATABASE afterexec'"), std::string::npos) << r.out;
  EXPECT_NE(server->query("SHOW DATABASES").body.find("afterexec"), std::string::npos);
}

}  // namespace
}  // namespace stressql::testing
