// When results rows are posted (--results-upload, issue 6) and what happens to them when
// posting goes wrong, end to end with the real binary.
//
// One FaultServer is both the target and the reporting server here: the tests assert the
// order in which the load's writes and the results writes arrive, which a real influxd does
// not expose, and a reporting server that fails in the middle of the upload or never
// answers. Rows in a real influxd's _stressTest are covered by run_command_test (the report
// rebuilt from them) and security_test.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/fault_test_util.h"
#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

bool is_results_write(const FaultRequest& req) {
  return req.target.rfind("/write", 0) == 0 && req.target.find("db=_stressTest") != std::string::npos;
}

// Arrival order of the writes: 'L' for the load's, 'R' for the results'; and the bodies of
// the results writes the server took.
class Recorder {
 public:
  // `results_reply` answers the results writes.
  explicit Recorder(std::function<FaultReply(const FaultRequest&)> results_reply)
      : server_([this, results_reply](const FaultRequest& req) {
          if (!is_results_write(req)) {
            if (req.target.rfind("/write", 0) == 0) {
              std::lock_guard<std::mutex> lock(mu_);
              interval_before_last_load_ = stored_.find("\ninterval,") != std::string::npos ||
                                           stored_.rfind("interval,", 0) == 0;
            }
            if (req.target.rfind("/write", 0) == 0) add('L', "");
            return answer_queries_or(req, reply(204));
          }
          results_writes_.fetch_add(1);
          FaultReply r = results_reply(req);
          if (r.bytes.find(" 204 ") != std::string::npos) add('R', req.body);
          return r;
        }) {}

  bool start(std::string* error) { return server_.start(0, error); }
  std::string address() const { return server_.address(); }
  size_t results_writes() const { return results_writes_.load(); }
  std::string order() {
    std::lock_guard<std::mutex> lock(mu_);
    return order_;
  }
  std::string stored_rows() {
    std::lock_guard<std::mutex> lock(mu_);
    return stored_;
  }
  // Whether an `interval` row had been stored when the last load write came.
  bool interval_before_last_load() {
    std::lock_guard<std::mutex> lock(mu_);
    return interval_before_last_load_;
  }
  void stop() { server_.stop(); }

 private:
  void add(char kind, const std::string& body) {
    std::lock_guard<std::mutex> lock(mu_);
    order_ += kind;
    stored_ += body;
  }
  std::mutex mu_;
  std::string order_;
  std::string stored_;
  bool interval_before_last_load_ = false;
  std::atomic<size_t> results_writes_{0};
  FaultServer server_;
};

struct Rows {
  int writes = 0, intervals = 0, request_stats = 0, server_sources = 0, statements = 0, runs = 0, other = 0;
  std::multiset<long long> request_indexes;  // of the `write` rows
};

Rows count_rows(const std::string& text) {
  Rows r;
  std::istringstream in(text);
  for (std::string row; std::getline(in, row);) {
    if (row.rfind("write,", 0) == 0) {
      ++r.writes;
      size_t at = row.find("request_index=");
      if (at != std::string::npos) r.request_indexes.insert(std::stoll(row.substr(at + 14)));
    } else if (row.rfind("interval,", 0) == 0) {
      ++r.intervals;
    } else if (row.rfind("request_stats,", 0) == 0) {
      ++r.request_stats;
    } else if (row.rfind("server_source,", 0) == 0) {  // the sink's metrics: failed readings
      ++r.server_sources;
    } else if (row.rfind("statement,", 0) == 0) {
      ++r.statements;
    } else if (row.rfind("run,", 0) == 0) {
      ++r.runs;
    } else {
      ++r.other;
    }
  }
  return r;
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename());
  return names;
}

class ResultsUploadTest : public ::testing::Test {
 protected:
  // `stressql run SCRIPT` with `server` as target and reporting server, in cwd_;
  // `upload`: the --results-upload value, or null for the default.
  std::vector<std::string> run_args(const Recorder& server, const std::string& script,
                                    const char* upload = nullptr) {
    std::vector<std::string> args = {STRESSQL_BINARY, "run", "--addresses", server.address(),
                                     "--results", "http://" + server.address()};
    if (upload != nullptr) args.insert(args.end(), {"--results-upload", upload});
    args.push_back(script);
    return args;
  }
  ProcessResult run(const Recorder& server, const std::string& script, const char* upload = nullptr,
                    std::chrono::seconds limit = seconds(60), std::vector<std::string> extra = {}) {
    std::vector<std::string> args = run_args(server, script, upload);
    args.insert(args.end() - 1, extra.begin(), extra.end());
    return run_process(args, limit, "", SpawnOptions{cwd_.path(), {}});
  }

  ScriptDir dir_;
  ScriptDir cwd_;  // the run's working directory: where the rows wait
};

TEST_F(ResultsUploadTest, AfterTheRunByDefaultEveryRowOnceAndNoFileLeft) {
  Recorder server([](const FaultRequest&) { return reply(204); });
  std::string error;
  ASSERT_TRUE(server.start(&error)) << error;
  // 40 requests, 50 ms apart: two seconds of load.
  std::string script = dir_.write("after.iql", insert_script("up", 40, 1, 1, "50ms"));
  ProcessResult r = run(server, script);
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string order = server.order();
  EXPECT_EQ(std::count(order.begin(), order.end(), 'L'), 40) << order;
  ASSERT_NE(order.find('R'), std::string::npos) << order;
  EXPECT_GT(order.find('R'), order.rfind('L')) << "no results row may reach the server while the "
                                                  "load runs\n" << order;
  Rows rows = count_rows(server.stored_rows());
  EXPECT_EQ(rows.writes, 40);
  EXPECT_EQ(rows.request_indexes.size(), 40u);
  EXPECT_EQ(rows.statements, 5);  // four SETs and the INSERT
  EXPECT_EQ(rows.runs, 1);
  EXPECT_EQ(rows.other, 0);
  EXPECT_GE(rows.intervals, 2);  // the load's seconds, by due time (how many depends on pace)
  EXPECT_GE(rows.request_stats, 1);  // the INSERT's totals: one at least, one per closing at most
  EXPECT_LE(rows.request_stats, rows.intervals);
  const std::string total = std::to_string(40 + rows.intervals + rows.request_stats + rows.server_sources + 5 + 1);
  EXPECT_NE(report_value(r.out, "Results:").find(total + " rows in _stressTest on " + server.address()),
            std::string::npos) << r.out;
  EXPECT_NE(report_value(r.out, "Results:").find("posted after the run in"), std::string::npos) << r.out;
  EXPECT_TRUE(files_in(cwd_.path()).empty()) << "the spooled rows are deleted once posted";
}

TEST_F(ResultsUploadTest, LivePostsRowsWhileTheLoadRuns) {
  Recorder server([](const FaultRequest&) { return reply(204); });
  std::string error;
  ASSERT_TRUE(server.start(&error)) << error;
  std::string script = dir_.write("live.iql", insert_script("up", 40, 1, 1, "50ms"));
  ProcessResult r = run(server, script, "live");
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string order = server.order();
  ASSERT_NE(order.find('R'), std::string::npos) << order;
  // Rows are posted at least every second: the first batch comes about halfway.
  EXPECT_LT(order.find('R'), order.rfind('L')) << order;
  Rows rows = count_rows(server.stored_rows());
  EXPECT_EQ(rows.writes, 40);
  EXPECT_EQ(rows.request_indexes.size(), 40u);
  EXPECT_EQ(rows.statements, 5);
  EXPECT_EQ(rows.runs, 1);
  EXPECT_EQ(rows.other, 0);
  EXPECT_GE(rows.intervals, 2);
  EXPECT_GE(rows.request_stats, 1);
  EXPECT_LE(rows.request_stats, rows.intervals);
  const std::string total = std::to_string(40 + rows.intervals + rows.request_stats + rows.server_sources + 5 + 1);
  EXPECT_NE(report_value(r.out, "Results:").find(total + " rows in _stressTest"), std::string::npos) << r.out;
  EXPECT_TRUE(files_in(cwd_.path()).empty());
}

TEST_F(ResultsUploadTest, LiveRowsAreNotHeldBackWhileTheLoadPauses) {
  // Two requests three seconds apart: the first one's row must reach the server during
  // the pause, not wait for the second row to push it out.
  Recorder server([](const FaultRequest&) { return reply(204); });
  std::string error;
  ASSERT_TRUE(server.start(&error)) << error;
  std::string script = dir_.write("pause.iql", insert_script("up", 2, 1, 1, "3s"));
  ProcessResult r = run(server, script, "live");
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string order = server.order();
  EXPECT_EQ(order.substr(0, 3), "LRL") << order;
  EXPECT_EQ(count_rows(server.stored_rows()).writes, 2);
}

TEST_F(ResultsUploadTest, LiveIntervalRowsComeWhileTheLoadRuns) {
  // With a 1 s request timeout a second closes 3 s after it ends (timeout + 2 s margin), and
  // its row is handed over at the next tick: the first interval's row must reach the
  // server while 8 s of load are still running, not only when the statement ends.
  Recorder server([](const FaultRequest&) { return reply(204); });
  std::string error;
  ASSERT_TRUE(server.start(&error)) << error;
  std::string script = dir_.write("paced.iql", insert_script("up", 16, 1, 1, "500ms"));
  ProcessResult r = run(server, script, "live", seconds(60), {"--timeout", "1s"});
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(server.interval_before_last_load()) << server.order();
  Rows rows = count_rows(server.stored_rows());
  EXPECT_EQ(rows.writes, 16);
  EXPECT_GE(rows.intervals, 7);  // 15 pauses of 500 ms
}

// Which post of the upload the server refuses: the one holding the first request's row
// (the file keeps its head) or the one holding the run's row (the file keeps its tail).
class FailingPostTest : public ResultsUploadTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(FailingPostTest, LeavesExactlyTheUnpostedRowsInTheFile) {
  // The upload posts up to 5000 rows at a time, several at once. The server takes every
  // post but the marked one, which gets a 500 once another post has been taken, so the
  // test knows the outcome whatever the threads' timing.
  const std::string marker = GetParam();
  std::mutex mu;
  std::condition_variable cv;
  bool one_taken = false;
  Recorder server([&](const FaultRequest& req) {
    std::unique_lock<std::mutex> lock(mu);
    if (req.body.find(marker) == std::string::npos) {
      one_taken = true;
      cv.notify_all();
      return reply(204);
    }
    cv.wait_for(lock, seconds(20), [&] { return one_taken; });
    return reply(500, R"({"error":"boom"})");
  });
  std::string error;
  ASSERT_TRUE(server.start(&error)) << error;
  std::string script = dir_.write("mid.iql", insert_script("up", 6000, 1, 4));
  ProcessResult r = run(server, script, nullptr, seconds(120));
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 0) << "the load itself succeeded\n" << r.out << r.err;
  const std::string test_id = report_value(r.out, "Test ID:");
  const std::string file = "stressql-results-" + test_id + ".lp";
  EXPECT_EQ(files_in(cwd_.path()), std::vector<std::string>{file}) << "and no temporary file";
  const std::string kept_text = read_file(cwd_.path() + "/" + file);
  EXPECT_NE(kept_text.find(marker), std::string::npos) << "the refused post is in the file";
  Rows posted = count_rows(server.stored_rows());
  Rows kept = count_rows(kept_text);
  EXPECT_GT(posted.writes, 0);
  EXPECT_GT(kept.writes, 0);
  EXPECT_LE(kept.writes + kept.intervals + kept.request_stats + kept.server_sources + kept.statements + kept.runs, 5000)
      << "one post is at most 5000 rows";
  EXPECT_EQ(posted.writes + kept.writes, 6000);
  EXPECT_EQ(posted.statements + kept.statements, 5);
  EXPECT_EQ(posted.runs + kept.runs, 1);
  const int intervals = posted.intervals + kept.intervals;
  EXPECT_GE(intervals, 1);  // the load's seconds: how many depends on its pace
  const int request_stats = posted.request_stats + kept.request_stats;
  EXPECT_GE(request_stats, 1);
  EXPECT_EQ(posted.other + kept.other, 0);
  // Together, every request's row exactly once.
  std::multiset<long long> all = posted.request_indexes;
  all.insert(kept.request_indexes.begin(), kept.request_indexes.end());
  ASSERT_EQ(all.size(), 6000u);
  long long expected = 0;
  for (long long i : all) EXPECT_EQ(i, expected++);
  // The report says how many went where.
  const int in_server = posted.writes + posted.intervals + posted.request_stats + posted.server_sources +
                        posted.statements + posted.runs;
  const int rows = 6006 + intervals + request_stats + posted.server_sources + kept.server_sources;
  const std::string note = report_value(r.out, "Results:");
  EXPECT_NE(note.find("failed (HTTP 500"), std::string::npos) << r.out;
  EXPECT_NE(note.find(std::to_string(in_server) + " of " + std::to_string(rows) + " rows are in _stressTest"),
            std::string::npos)
      << r.out;
  EXPECT_NE(note.find(std::to_string(rows - in_server) + " rows are in " + cwd_.path() + "/" + file),
            std::string::npos)
      << r.out;
}

INSTANTIATE_TEST_SUITE_P(Posts, FailingPostTest, ::testing::Values("request_index=0i", "\nrun,"),
                         [](const auto& info) {
                           return std::string(info.index == 0 ? "First" : "Last");
                         });

// In both modes the rows still being posted when the load has ended (all of them after the
// run; the last batch live) stop at a signal.
class SignalWhilePostingTest : public ResultsUploadTest,
                               public ::testing::WithParamInterface<const char*> {};

TEST_P(SignalWhilePostingTest, StopsAndKeepsTheRowsInTheFile) {
  // The reporting server never answers the upload; the user gives up with Ctrl-C.
  Recorder server([](const FaultRequest&) { return FaultReply{FaultReply::Mode::kStall, ""}; });
  std::string error;
  ASSERT_TRUE(server.start(&error)) << error;
  std::string script = dir_.write("stuck.iql", insert_script("up", 10, 1, 1));
  Child child;
  ASSERT_TRUE(child.start(run_args(server, script, GetParam()), &error, "", SpawnOptions{cwd_.path(), {}}))
      << error;
  auto deadline = Clock::now() + seconds(30);
  while (server.results_writes() == 0 && child.running() && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  ASSERT_EQ(server.results_writes(), 1u) << child.out() << child.err();
  child.signal(SIGINT);
  // A bound on the wait only; that the signal (not a time-out) ended the upload is in the
  // report below, and bench/stop_latency.sh measures how fast the stop is.
  ASSERT_TRUE(child.wait(seconds(60))) << "still running 60 s after the signal";
  std::string out = child.out();
  EXPECT_EQ(child.exit_code(), 0) << "the load had finished\n" << out << child.err();
  const std::string test_id = report_value(out, "Test ID:");
  const std::string file = "stressql-results-" + test_id + ".lp";
  const std::string note = report_value(out, "Results:");
  EXPECT_NE(note.find("stopped by a signal"), std::string::npos) << out;
  Rows kept = count_rows(read_file(cwd_.path() + "/" + file));
  EXPECT_GE(kept.intervals, 1);
  EXPECT_GE(kept.request_stats, 1);
  EXPECT_NE(note.find(std::to_string(16 + kept.intervals + kept.request_stats + kept.server_sources) + " rows are in " + cwd_.path() + "/" + file),
            std::string::npos) << out;
  EXPECT_EQ(kept.writes, 10);
  EXPECT_EQ(kept.statements, 5);
  EXPECT_EQ(kept.runs, 1);
  server.stop();
}

INSTANTIATE_TEST_SUITE_P(Modes, SignalWhilePostingTest, ::testing::Values("after", "live"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace stressql::testing
