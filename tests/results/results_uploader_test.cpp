// Where ResultsUploader puts the rows it is handed: all of them in a real influxd's
// _stressTest (after the run, and live while the run goes on), and, when posting goes
// wrong, exactly the rows the server did not take in the file.
//
// The normal paths use a real influxd. The failure paths (a server failing in the middle of
// the upload, a server that stalls until the upload is abandoned) use a FaultServer: those
// are faults a real server won't produce on demand.
#include "results/results_uploader.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/fault_server.h"
#include "tests/support/influx_server.h"
#include "tests/support/process.h"

namespace stressql::results {
namespace {

using stressql::testing::FaultReply;
using stressql::testing::FaultRequest;
using stressql::testing::FaultServer;
using stressql::testing::InfluxServer;
using Clock = std::chrono::steady_clock;

std::string row(int i) {
  return "m,t=x v=" + std::to_string(i) + "i " + std::to_string(1'700'000'000'000'000'000 + int64_t{i}) + "\n";
}

// Hands rows [first, first + n) to the uploader as the control thread does.
void add_rows(ResultsUploader* u, int first, int n) {
  for (int i = first; i < first + n; ++i) {
    *u->buffer() += row(i);
    u->row_added();
  }
}

std::multiset<std::string> lines(const std::string& text) {
  std::multiset<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.insert(line);
  return out;
}

std::multiset<std::string> all_rows(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += row(i);
  return lines(text);
}

using testing::read_file;

// Polls `done` until it holds or `limit` passes.
template <typename F>
bool await(F done, std::chrono::seconds limit = std::chrono::seconds(30)) {
  const auto give_up = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/results_uploader_test.XXXXXX";
    if (mkdtemp(tmpl) != nullptr) path_ = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class ResultsUploaderInfluxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    server_ = InfluxServer::start(&error).release();
    ASSERT_NE(server_, nullptr) << error;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    server_->query("DROP DATABASE _stressTest");
  }
  int64_t rows_in_server() { return server_->count_points(kResultsDatabase, "m", "v"); }

  static InfluxServer* server_;
  TempDir dir_;
};
InfluxServer* ResultsUploaderInfluxTest::server_ = nullptr;

TEST_F(ResultsUploaderInfluxTest, AfterTheRunEveryRowOnceAndNoFileLeft) {
  const std::string file = dir_.path() + "/rows.lp";
  constexpr int kRows = 12000;  // three chunks, posted in parallel
  ResultsUploader u(server_->address(), file, ResultsUpload::kAfterRun);
  add_rows(&u, 0, kRows);
  EXPECT_LE(rows_in_server(), 0);  // nothing is posted while the run goes on
  const UploadOutcome& o = u.finish();
  EXPECT_EQ(o.rows, uint64_t{kRows});
  EXPECT_EQ(o.rows_posted, uint64_t{kRows});
  EXPECT_EQ(o.rows_in_file, 0u);
  EXPECT_EQ(o.rows_lost, 0u);
  EXPECT_TRUE(o.posted_after_run);
  EXPECT_FALSE(o.interrupted);
  EXPECT_EQ(rows_in_server(), kRows);
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST_F(ResultsUploaderInfluxTest, LivePostsRowsBeforeTheEnd) {
  const std::string file = dir_.path() + "/rows.lp";
  ResultsUploader u(server_->address(), file, ResultsUpload::kLive);
  add_rows(&u, 0, 10);
  // No more rows come: the controller's tick hands them over once they are a second old.
  EXPECT_TRUE(await([&] {
    u.tick();
    return rows_in_server() == 10;
  }));
  add_rows(&u, 10, 5);
  const UploadOutcome& o = u.finish();
  EXPECT_EQ(o.rows, 15u);
  EXPECT_EQ(o.rows_posted, 15u);
  EXPECT_EQ(o.rows_in_file, 0u);
  EXPECT_FALSE(o.posted_after_run);
  EXPECT_EQ(rows_in_server(), 15);
  EXPECT_FALSE(std::filesystem::exists(file));
}

// A loopback port nobody listens on.
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

TEST(ResultsUploaderTest, ServerThatDoesNotAnswerIsToldAtOnceAndTheRowsStayInTheFile) {
  TempDir dir;
  const std::string file = dir.path() + "/rows.lp";
  std::mutex mu;
  std::vector<std::string> warnings;
  ResultsUploader u("127.0.0.1:" + std::to_string(closed_port()), file, ResultsUpload::kLive,
                    [&](const std::string& w) {
                      std::lock_guard<std::mutex> lock(mu);
                      warnings.push_back(w);
                    });
  add_rows(&u, 0, 100);
  const UploadOutcome& o = u.finish();
  EXPECT_EQ(o.rows_posted, 0u);
  EXPECT_EQ(o.rows_in_file, 100u);
  EXPECT_EQ(lines(read_file(file)), all_rows(100));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("does not answer"), std::string::npos) << warnings[0];
}

// A stand-in reporting server: answers CREATE DATABASE, and each write with `write_reply`
// (given the write's 0-based number); keeps the bodies of the writes it took.
class FakeReportingServer {
 public:
  explicit FakeReportingServer(std::function<FaultReply(size_t)> write_reply)
      : server_([this, write_reply](const FaultRequest& req) {
          if (req.target.rfind("/query", 0) == 0) {
            return FaultReply{FaultReply::Mode::kNormal, FaultServer::response(200, R"({"results":[{}]})")};
          }
          FaultReply r = write_reply(writes_.fetch_add(1));
          if (r.mode == FaultReply::Mode::kNormal && r.bytes.find(" 204 ") != std::string::npos) {
            std::lock_guard<std::mutex> lock(mu_);
            stored_ += req.body;
          }
          return r;
        }) {}
  bool start(std::string* error) { return server_.start(0, error); }
  std::string address() const { return server_.address(); }
  size_t writes() const { return writes_.load(); }
  std::string stored() {
    std::lock_guard<std::mutex> lock(mu_);
    return stored_;
  }

 private:
  std::mutex mu_;
  std::string stored_;
  std::atomic<size_t> writes_{0};
  FaultServer server_;
};

TEST(ResultsUploaderTest, ServerFailingMidUploadLeavesExactlyTheUnpostedRowsInTheFile) {
  TempDir dir;
  const std::string file = dir.path() + "/rows.lp";
  constexpr int kRows = 40000;  // eight chunks
  FakeReportingServer server([](size_t write) {
    return FaultReply{FaultReply::Mode::kNormal,
                      write == 2 ? FaultServer::response(500, "{\"error\":\"disk full\"}")
                                 : FaultServer::response(204)};
  });
  std::string error;
  ASSERT_TRUE(server.start(&error)) << error;
  ResultsUploader u(server.address(), file, ResultsUpload::kAfterRun);
  add_rows(&u, 0, kRows);
  const UploadOutcome& o = u.finish();
  EXPECT_FALSE(o.interrupted);
  EXPECT_EQ(o.failure.rfind("HTTP 500: ", 0), 0u) << o.failure;
  EXPECT_GT(o.rows_in_file, 0u);
  EXPECT_EQ(o.rows_posted + o.rows_in_file, uint64_t{kRows});
  EXPECT_FALSE(o.file_repeats_posted);
  // Together, the server and the file hold every row exactly once.
  const std::multiset<std::string> stored = lines(server.stored());
  const std::multiset<std::string> kept = lines(read_file(file));
  EXPECT_EQ(stored.size(), o.rows_posted);
  EXPECT_EQ(kept.size(), o.rows_in_file);
  std::multiset<std::string> both = stored;
  both.insert(kept.begin(), kept.end());
  EXPECT_EQ(both, all_rows(kRows));
}

TEST(ResultsUploaderTest, AbandonStopsAStalledUploadAndKeepsEveryRowInTheFile) {
  TempDir dir;
  const std::string file = dir.path() + "/rows.lp";
  constexpr int kRows = 12000;
  FakeReportingServer server([](size_t) { return FaultReply{FaultReply::Mode::kStall, ""}; });
  std::string error;
  ASSERT_TRUE(server.start(&error)) << error;
  std::atomic<bool> abandon{false};
  ResultsUploader u(server.address(), file, ResultsUpload::kAfterRun, {}, &abandon);
  add_rows(&u, 0, kRows);
  std::thread signal([&] {
    // Once the upload is under way (and stalled), as a Ctrl-C would.
    EXPECT_TRUE(await([&] { return server.writes() > 0; }));
    abandon.store(true);
  });
  const UploadOutcome& o = u.finish();
  signal.join();
  EXPECT_TRUE(o.interrupted);
  EXPECT_EQ(o.rows_posted, 0u);
  EXPECT_EQ(o.rows_in_file, uint64_t{kRows});
  EXPECT_EQ(lines(read_file(file)), all_rows(kRows));
}

}  // namespace
}  // namespace stressql::results
