// A thread other than the control thread dies of an exception (docs/guarantees.md, "Never an
// abort"): the run stops as Ctrl-C stops it, the report, the JSON and the results rows are
// written, the spool is kept, and stressql exits 2 naming the thread and the error.
//
// The reactor's fault is a real one: a memory limit on the child (prlimit --as) under which
// a huge batch's send buffer cannot be allocated on the reactor. The results sender and the
// upload workers allocate nothing that size, and no real server makes them throw on demand,
// so their tests use the documented test-only STRESSQL_FAULT_INJECT=<thread name>
// (base/thread_guard.h), which throws in that thread before its body.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

// The spool files (stressql-results-*.lp) in `dir`.
std::vector<std::string> spool_files_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename();
    if (name.rfind("stressql-results-", 0) == 0) names.push_back(name);
  }
  return names;
}

// Lines of `text` that start with `measurement` followed by a comma (rows of it).
int rows_of(const std::string& text, const std::string& measurement) {
  int n = 0;
  size_t at = 0;
  while (at < text.size()) {
    size_t eol = text.find('\n', at);
    if (eol == std::string::npos) eol = text.size();
    if (text.compare(at, measurement.size() + 1, measurement + ",") == 0) ++n;
    at = eol + 1;
  }
  return n;
}

class ThreadFaultTest : public InfluxTest {
 protected:
  void SetUp() override {
    InfluxTest::SetUp();
    ASSERT_EQ(server_->query("CREATE DATABASE load").status, 200);
  }
  ProcessResult run(std::vector<std::string> args, const std::vector<std::string>& env = {},
                    const std::vector<std::string>& prefix = {}) {
    args.insert(args.begin(), STRESSQL_BINARY);
    args.insert(args.begin(), prefix.begin(), prefix.end());
    SpawnOptions spawn;
    spawn.cwd = cwd_.path();
    spawn.env = env;
    return run_process(args, std::chrono::seconds(120), "", spawn);
  }
  std::vector<std::string> run_args(const std::string& script) {
    return {"run", "--addresses", server_->address(), "--server-metrics", "none",
            "--results", "http://" + server_->address(), "--json", cwd_.path() + "/r.json", script};
  }
  ScriptDir cwd_;
};

TEST_F(ThreadFaultTest, AReactorOutOfMemoryStopsTheRunWithAReport) {
  if (sanitized_binary()) GTEST_SKIP() << "a memory limit cannot be set on a sanitized binary";
  // 2000 points, then a batch of 20 million points (a send buffer of hundreds of MB, which
  // a 400 MiB address space cannot hold), then a statement that must not start.
  const std::string script = dir_.write(
      "oom.iql",
      "SET Database [load]\n\nSET BatchSize [100]\n\nINSERT small\ncpu,host=h-[int inc(0) 10]\n"
      "value=[int inc(0) 0]\n2000 1s\n\nSET BatchSize [20000000]\n\nINSERT huge\n"
      "cpu,host=h-[int inc(0) 10]\nvalue=[int inc(0) 0]\n40000000 1s\n\nINSERT after\n"
      "mem,host=h-[int inc(0) 10]\nvalue=[int inc(0) 0]\n100 1s\n");
  ProcessResult r = run(run_args(script), {}, {"prlimit", "--as=" + std::to_string(400 << 20), "--"});
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("stressql: stopped by an internal error: the reactor "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" thread failed: std::bad_alloc"), std::string::npos) << r.err;
  // The report of what ran: the first statement whole, the huge one failed with the fault,
  // the last one never started.
  EXPECT_NE(report_value(r.out, "Internal Error:").find("thread failed: std::bad_alloc"), std::string::npos) << r.out;
  EXPECT_EQ(report_value(r.out, "Result:").rfind("STOPPED BY AN INTERNAL ERROR", 0), 0u) << r.out;
  EXPECT_NE(report_value(r.out, "  Error:").find("thread failed: std::bad_alloc"), std::string::npos) << r.out;
  EXPECT_NE(report_value(r.out, "  Not run:").find("thread failed: std::bad_alloc"), std::string::npos) << r.out;
  EXPECT_EQ(server_->count_points("load", "cpu", "value"), 2000) << "what was accepted stays";
  EXPECT_EQ(server_->count_points("load", "mem", "value"), 0) << "the next statement never started";
  // The JSON, with the fault; and the results rows, in the server.
  const nlohmann::json j = validated_report(cwd_.path() + "/r.json");
  EXPECT_NE(j.value("internal_error", "").find("std::bad_alloc"), std::string::npos) << j.dump();
  EXPECT_FALSE(j["ok"].get<bool>());
  EXPECT_EQ(j["statements"][4]["error"], j["internal_error"]);
  EXPECT_EQ(server_->count_points("_stressTest", "write", "status_code"), 20) << "one row per request";
  EXPECT_EQ(server_->count_points("_stressTest", "run", "statements"), 1);
  EXPECT_TRUE(spool_files_in(cwd_.path()).empty()) << "every row was posted";
}

// The memory limit above cannot run under the sanitizers: the same path with the injected
// fault, so ASan and TSan watch a dead reactor's shares being ended while the other runs.
TEST_F(ThreadFaultTest, ADeadReactorNeverLeavesTheRunWaiting) {
  const std::string script = dir_.write(
      "r.iql", "SET Database [load]\n\nSET BatchSize [10]\n\nSET WriteConcurrency [4]\n\nINSERT first\n"
               "cpu,host=h-[int inc(0) 10]\nvalue=[int inc(0) 0]\n2000 1s\n\nINSERT second\n"
               "mem,host=h-[int inc(0) 10]\nvalue=[int inc(0) 0]\n100 1s\n");
  std::vector<std::string> args = run_args(script);
  args.insert(args.begin() + 1, {"--reactors", "2"});
  ProcessResult r = run(args, {"STRESSQL_FAULT_INJECT=reactor 0"});
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("stressql: stopped by an internal error: the reactor 0 thread failed: fault injected"),
            std::string::npos)
      << r.err;
  const nlohmann::json j = validated_report(cwd_.path() + "/r.json");
  EXPECT_NE(j.value("internal_error", "").find("the reactor 0 thread failed"), std::string::npos) << j.dump();
  // Every point is accounted for: what reactor 1 got through, the rest not sent.
  const auto& t = j["totals"];
  EXPECT_EQ(t["points_requested"].get<int>(),
            t["points_accepted"].get<int>() + t["points_failed"].get<int>() + t["points_not_sent"].get<int>())
      << t.dump();
  // (-1: no point at all, when the fault stopped the run before the first statement)
  EXPECT_EQ(std::max<int64_t>(server_->count_points("load", "cpu", "value"), 0), t["points_accepted"].get<int>());
  EXPECT_NE(report_value(r.out, "  Not run:").find("the reactor 0 thread failed"), std::string::npos) << r.out;
  EXPECT_EQ(server_->count_points("_stressTest", "run", "statements"), 1) << "the rows are posted";
  // The run row keeps the fault: the report rebuilt from the rows says it too.
  ProcessResult rebuilt = stressql({"report", report_value(r.out, "Test ID:"), "--results", "http://" + server_->address()});
  EXPECT_NE(report_value(rebuilt.out, "Internal Error:").find("the reactor 0 thread failed"), std::string::npos)
      << rebuilt.out << rebuilt.err;
  EXPECT_EQ(report_value(rebuilt.out, "Result:").rfind("STOPPED BY AN INTERNAL ERROR", 0), 0u) << rebuilt.out;
}

TEST_F(ThreadFaultTest, ADeadResultsSenderKeepsEveryRowInTheFile) {
  const std::string script = dir_.write(
      "s.iql", "SET Database [load]\n\nSET BatchSize [100]\n\nINSERT small\n"
               "cpu,host=h-[int inc(0) 10]\nvalue=[int inc(0) 0]\n2000 1s\n");
  ProcessResult r = run(run_args(script), {"STRESSQL_FAULT_INJECT=results sender"});
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("stressql: stopped by an internal error: the results sender thread failed: "
                       "fault injected by STRESSQL_FAULT_INJECT=results sender"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(report_value(r.out, "Result:").rfind("STOPPED BY AN INTERNAL ERROR", 0), 0u) << r.out;
  const std::string test_id = report_value(r.out, "Test ID:");
  const std::string file = "stressql-results-" + test_id + ".lp";
  ASSERT_EQ(spool_files_in(cwd_.path()), std::vector<std::string>{file}) << r.out;
  EXPECT_NE(report_value(r.out, "Results:").find("was stopped by an internal error (the results sender thread failed"),
            std::string::npos)
      << r.out;
  EXPECT_NE(report_value(r.out, "Results:").find(file), std::string::npos) << r.out;
  // Every row the run made is in the file: one per request sent (the fault may stop the
  // run before or during the INSERT), its statements' rows and the run's.
  const std::string kept = read_file(cwd_.path() + "/" + file);
  const nlohmann::json j = validated_report(cwd_.path() + "/r.json");
  const int requests = j["totals"]["requests_ok"].get<int>() + j["totals"]["requests_failed"].get<int>();
  EXPECT_EQ(rows_of(kept, "write"), requests) << kept.substr(0, 2000);
  EXPECT_EQ(rows_of(kept, "run"), 1);
  EXPECT_EQ(rows_of(kept, "statement"), 3);
  EXPECT_LE(server_->count_points("_stressTest", "run", "statements"), 0)
      << "the sender posted nothing (-1: it did not even create the database)";
}

TEST_F(ThreadFaultTest, ADeadUploadWorkerLeavesItsRowsInTheFile) {
  const std::string script = dir_.write(
      "u.iql", "SET Database [load]\n\nSET BatchSize [100]\n\nINSERT small\n"
               "cpu,host=h-[int inc(0) 10]\nvalue=[int inc(0) 0]\n2000 1s\n");
  ProcessResult r = run(run_args(script), {"STRESSQL_FAULT_INJECT=results upload"});
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("the results upload thread failed: fault injected"), std::string::npos) << r.err;
  EXPECT_EQ(server_->count_points("load", "cpu", "value"), 2000) << "the load ran before the upload";
  const std::string test_id = report_value(r.out, "Test ID:");
  ASSERT_EQ(spool_files_in(cwd_.path()), std::vector<std::string>{"stressql-results-" + test_id + ".lp"});
  const std::string kept = read_file(cwd_.path() + "/stressql-results-" + test_id + ".lp");
  EXPECT_EQ(rows_of(kept, "write"), 20);
  EXPECT_EQ(rows_of(kept, "run"), 1);
  EXPECT_EQ(server_->count_points("_stressTest", "write", "status_code"), 0);
}

}  // namespace
}  // namespace stressql::testing
