// The engine against FaultServer: retries, timeouts, resets, trickles, closes, refusals,
// restarts, fairness across addresses, cancellation and descriptor hygiene.

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "tests/engine/engine_test_util.h"
#include "tests/support/fault_server.h"
#include "tests/support/process.h"

namespace stressql::engine {
namespace {

using base::Status;
using stressql::engine::testing::addr;
using stressql::engine::testing::body_index;
using stressql::engine::testing::CollectSink;
using stressql::engine::testing::GetSource;
using stressql::engine::testing::LineSource;
using stressql::engine::testing::poll_until;
using stressql::engine::testing::finals_exactly_once;
using stressql::engine::testing::make_engine;
using stressql::engine::testing::ok204;
using stressql::engine::testing::wait_job;
using stressql::engine::testing::write_job;
using stressql::testing::FaultReply;
using stressql::testing::FaultRequest;
using stressql::testing::FaultServer;

size_t open_fds() {
  size_t n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (readdir(d) != nullptr) ++n;
  closedir(d);
  return n;
}

TEST(EngineFault, AllSucceedEachIndexOnce) {
  std::set<std::string> bodies;
  std::mutex mu;
  FaultServer server([&](const FaultRequest& r) {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/write?db=db");
    EXPECT_NE(r.headers.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
    EXPECT_NE(r.headers.find("Host: 127.0.0.1:"), std::string::npos);
    bodies.insert(r.body);
    return ok204();
  });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine();
  ASSERT_EQ(engine->reactor_count(), 2);
  CollectSink sink;
  ASSERT_TRUE(engine->submit(1, write_job(server.address(), 500, 6)).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  auto finals = finals_exactly_once(sink.samples, 500);
  for (const Sample& s : sink.samples) {
    EXPECT_EQ(s.failure, Failure::kNone);
    EXPECT_EQ(s.status, 204);
    EXPECT_EQ(s.attempt, 1);
    EXPECT_EQ(s.points, 1u);
    EXPECT_GT(s.request_bytes, 100u);
    EXPECT_GE(s.latency_ns, 0);
  }
  EXPECT_EQ(sink.result(1)->requests_done, 500u);
  EXPECT_FALSE(sink.result(1)->cancelled);
  EXPECT_EQ(server.requests(), 500u);
  {
    std::lock_guard<std::mutex> lock(mu);  // handler threads are still alive
    EXPECT_EQ(bodies.size(), 500u);  // every request had its own body
  }
  EXPECT_EQ(server.connections(), 6u);  // keep-alive: one connection per slot
  EXPECT_FALSE(sink.sample_after_finish);
}

TEST(EngineFault, ZeroRequestsFinishesAndBadSpecsFail) {
  FaultServer server([](const FaultRequest&) { return ok204(); });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine();
  CollectSink sink;
  ASSERT_TRUE(engine->submit(1, write_job(server.address(), 0, 3)).is_ok());
  EXPECT_FALSE(engine->submit(1, write_job(server.address(), 0, 3)).is_ok());  // id in use
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  EXPECT_EQ(sink.result(1)->requests_done, 0u);
  JobSpec bad = write_job(server.address(), 1, 0);
  EXPECT_FALSE(engine->submit(2, bad).is_ok());
  bad = write_job(server.address(), 1, 1);
  bad.targets.clear();
  EXPECT_FALSE(engine->submit(3, bad).is_ok());
  bad = write_job(server.address(), 1, 10000);  // more than 2 × 256 connections
  EXPECT_FALSE(engine->submit(4, bad).is_ok());
  EXPECT_EQ(server.requests(), 0u);
}

TEST(EngineFault, RetryAfterIsHonoured) {
  std::atomic<int> calls{0};
  FaultServer server([&](const FaultRequest&) {
    if (calls++ == 0) {
      return FaultReply{FaultReply::Mode::kNormal, FaultServer::response(503, "busy", "Retry-After: 1\r\n")};
    }
    return ok204();
  });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine(1);
  CollectSink sink;
  ASSERT_TRUE(engine->submit(7, write_job(server.address(), 1, 1)).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 7));
  const int64_t seen_unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
  ASSERT_EQ(sink.samples.size(), 2u);
  const Sample& a = sink.samples[0];
  const Sample& b = sink.samples[1];
  EXPECT_EQ(a.status, 503);
  EXPECT_EQ(a.failure, Failure::kHttpStatus);
  EXPECT_FALSE(a.final);
  EXPECT_EQ(a.attempt, 1);
  EXPECT_EQ(a.response_bytes, 4u);
  EXPECT_EQ(b.status, 204);
  EXPECT_TRUE(b.final);
  EXPECT_EQ(b.attempt, 2);
  // Both attempts carry the request's first due time; the retry went out after the server's
  // second (its lag counts from that due time) and its latency covers both attempts, so the
  // second the server asked for is not hidden behind the retry.
  EXPECT_EQ(b.due_unix_ns, a.due_unix_ns);
  EXPECT_GE(b.lag_ns, 1'000'000'000);  // waited the server's second
  EXPECT_GE(b.latency_ns, b.lag_ns);
  // Its end (first due + latency) is no later than the moment this test saw the job finish.
  // The slack covers the reactor's and this thread's readings of the wall clock, never the
  // speed of anything.
  constexpr int64_t kClockSlackNs = 10'000'000;
  EXPECT_LE(b.due_unix_ns + b.latency_ns, seen_unix_ns + kClockSlackNs)
      << "latency " << b.latency_ns << " ns runs past the end of the job";
}

TEST(EngineFault, StatusesRetriedOrNot) {
  std::atomic<bool> first429{true};
  FaultServer server([&](const FaultRequest& r) {
    // Request body carries idx=<index>i: index 0 gets 429 once, index 1 gets 400 (partial
    // write), index 2 gets 500 forever, index 3 gets 404.
    const bool i0 = r.body.find("idx=0i") != std::string::npos;
    const bool i1 = r.body.find("idx=1i") != std::string::npos;
    const bool i2 = r.body.find("idx=2i") != std::string::npos;
    const bool i3 = r.body.find("idx=3i") != std::string::npos;
    if (i0 && first429.exchange(false)) return FaultReply{FaultReply::Mode::kNormal, FaultServer::response(429)};
    if (i1) {
      return FaultReply{FaultReply::Mode::kNormal,
                        FaultServer::response(400, R"({"error":"partial write: field type conflict dropped=3"})")};
    }
    if (i2) return FaultReply{FaultReply::Mode::kNormal, FaultServer::response(500, "oops")};
    if (i3) return FaultReply{FaultReply::Mode::kNormal, FaultServer::response(404, "nope")};
    return ok204();
  });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine(1);
  CollectSink sink;
  JobSpec spec = write_job(server.address(), 4, 1);
  spec.max_attempts = 3;
  spec.parse_dropped = true;
  ASSERT_TRUE(engine->submit(1, spec).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  auto finals = finals_exactly_once(sink.samples, 4);
  EXPECT_EQ(finals[0].status, 204);
  EXPECT_EQ(finals[0].attempt, 2);
  EXPECT_EQ(finals[1].status, 400);
  EXPECT_EQ(finals[1].failure, Failure::kHttpStatus);
  EXPECT_EQ(finals[1].attempt, 1);
  EXPECT_EQ(finals[1].dropped, 3u);
  EXPECT_EQ(finals[2].status, 500);
  EXPECT_EQ(finals[2].attempt, 3);
  EXPECT_EQ(finals[3].status, 404);
  EXPECT_EQ(finals[3].attempt, 1);
  EXPECT_EQ(sink.samples.size(), 2u + 1u + 3u + 1u);
  EXPECT_EQ(server.requests(), 7u);
}

TEST(EngineFault, ResetMidResponseIsRetried) {
  std::atomic<int> calls{0};
  FaultServer server([&](const FaultRequest&) {
    if (calls++ == 0) {
      return FaultReply{FaultReply::Mode::kResetMidway, FaultServer::response(200, std::string(2000, 'x'))};
    }
    return ok204();
  });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine(1);
  CollectSink sink;
  ASSERT_TRUE(engine->submit(1, write_job(server.address(), 3, 1)).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  ASSERT_EQ(sink.samples.size(), 4u);
  EXPECT_EQ(sink.samples[0].failure, Failure::kReset);
  EXPECT_EQ(sink.samples[0].error, ECONNRESET) << "the OS error is kept for the results row";
  EXPECT_FALSE(sink.samples[0].final);
  EXPECT_EQ(sink.samples[1].status, 204);
  EXPECT_EQ(sink.samples[1].attempt, 2);
  finals_exactly_once(sink.samples, 3);
  EXPECT_EQ(server.connections(), 2u);
}

TEST(EngineFault, StallTimesOut) {
  FaultServer server([](const FaultRequest&) { return FaultReply{FaultReply::Mode::kStall, ""}; });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine(1);
  CollectSink sink;
  JobSpec spec = write_job(server.address(), 2, 2);
  spec.timeout_ns = 200'000'000;
  spec.max_attempts = 2;
  ASSERT_TRUE(engine->submit(1, spec).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  ASSERT_EQ(sink.samples.size(), 4u);
  for (const Sample& s : sink.samples) {
    EXPECT_EQ(s.failure, Failure::kTimeout);
    EXPECT_EQ(s.status, 0);
    EXPECT_GE(s.latency_ns, 200'000'000);
    EXPECT_EQ(s.final, s.attempt == 2);
  }
}

TEST(EngineFault, ChunkedTrickledAndClosingAnswers) {
  const std::string body(3000, 'q');
  std::atomic<int> calls{0};
  FaultServer server([&](const FaultRequest&) {
    switch (calls++ % 3) {
      case 0: return FaultReply{FaultReply::Mode::kNormal, FaultServer::chunked(200, body, 700)};
      case 1: return FaultReply{FaultReply::Mode::kTrickle, FaultServer::response(200, "trickle")};
      default: return FaultReply{FaultReply::Mode::kCloseAfter,
                                 FaultServer::response(200, "bye", "Connection: close\r\n")};
    }
  });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine(1);
  CollectSink sink;
  ASSERT_TRUE(engine->submit(1, write_job(server.address(), 9, 1)).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  ASSERT_EQ(sink.samples.size(), 9u);
  for (size_t i = 0; i < 9; ++i) {
    const Sample& s = sink.samples[i];
    EXPECT_EQ(s.failure, Failure::kNone) << i;
    EXPECT_EQ(s.status, 200);
    EXPECT_EQ(s.response_bytes, i % 3 == 0 ? 3000u : (i % 3 == 1 ? 7u : 3u)) << i;
  }
  EXPECT_EQ(server.connections(), 3u);  // a new connection after each "Connection: close"
}

TEST(EngineFault, ConnectionCloseAfterEveryAnswer) {
  FaultServer server([](const FaultRequest&) {
    return FaultReply{FaultReply::Mode::kCloseAfter, FaultServer::response(204, "", "Connection: close\r\n")};
  });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine();
  CollectSink sink;
  ASSERT_TRUE(engine->submit(1, write_job(server.address(), 40, 2)).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  finals_exactly_once(sink.samples, 40);
  for (const Sample& s : sink.samples) EXPECT_EQ(s.status, 204);
  EXPECT_EQ(sink.samples.size(), 40u);
  EXPECT_EQ(server.connections(), 40u);
}

TEST(EngineFault, NothingListeningEndsWithRefused) {
  const int port = stressql::testing::free_port();
  auto engine = make_engine();
  CollectSink sink;
  JobSpec spec = write_job("127.0.0.1:" + std::to_string(port), 5, 3);
  spec.max_attempts = 3;
  ASSERT_TRUE(engine->submit(1, spec).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  EXPECT_EQ(sink.samples.size(), 15u);
  auto finals = finals_exactly_once(sink.samples, 5);
  for (auto& [i, s] : finals) {
    EXPECT_EQ(s.failure, Failure::kRefused);
    EXPECT_EQ(s.attempt, 3);
  }
  for (const Sample& s : sink.samples) {
    EXPECT_EQ(s.failure, Failure::kRefused);
    EXPECT_EQ(s.error, ECONNREFUSED);
  }
  EXPECT_EQ(sink.result(1)->requests_done, 5u);
}

TEST(EngineFault, ReconnectsAfterServerRestart) {
  auto handler = [](const FaultRequest&) { return ok204(); };
  auto server = std::make_unique<FaultServer>(handler);
  std::string err;
  ASSERT_TRUE(server->start(0, &err)) << err;
  const int port = server->port();
  auto engine = make_engine();
  CollectSink sink;
  JobSpec spec = write_job(server->address(), 60, 2);
  spec.interval_ns = 10'000'000;
  spec.max_attempts = 20;
  spec.backoff_base_ns = 20'000'000;
  spec.backoff_max_ns = 100'000'000;
  ASSERT_TRUE(engine->submit(1, spec).is_ok());
  ASSERT_TRUE(poll_until(engine.get(), &sink, [&] { return server->requests() >= 10; }));
  server.reset();  // down: connections closed, nothing listens
  // Restart only once the engine has met the outage (a failed attempt it will retry).
  auto failed_attempts = [&] {
    size_t n = 0;
    for (const Sample& s : sink.samples) n += s.failure != Failure::kNone;
    return n;
  };
  ASSERT_TRUE(poll_until(engine.get(), &sink, [&] { return failed_attempts() > 0; }));
  for (const Sample& s : sink.samples) {
    if (s.failure == Failure::kNone) continue;
    // A transport failure: refused or reset as a rule; under load a connect can also fail
    // otherwise (e.g. no free local port for a moment), which is retried all the same.
    EXPECT_TRUE(s.failure == Failure::kRefused || s.failure == Failure::kReset ||
                s.failure == Failure::kConnect)
        << failure_name(s.failure);
    EXPECT_FALSE(s.final) << "20 attempts outlive the outage";
  }
  server = std::make_unique<FaultServer>(handler);
  ASSERT_TRUE(server->start(port, &err)) << err;
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  auto finals = finals_exactly_once(sink.samples, 60);
  for (auto& [i, s] : finals) EXPECT_EQ(s.status, 204) << i;
  EXPECT_GE(server->connections(), 2u);
}


TEST(EngineFault, RoundRobinAcrossAddressesIsIndexModN) {
  // Request i goes to targets[i mod 3], whatever the servers' speed: each server gets
  // exactly the indexes of its residue.
  std::mutex mu;
  std::vector<std::vector<long long>> indexes(3);
  std::vector<std::unique_ptr<FaultServer>> servers;
  JobSpec spec = write_job("127.0.0.1:1", 3000, 12);
  spec.targets.clear();
  for (int i = 0; i < 3; ++i) {
    servers.push_back(std::make_unique<FaultServer>([&, i](const FaultRequest& r) {
      std::lock_guard<std::mutex> lock(mu);
      indexes[i].push_back(body_index(r.body));
      return ok204();
    }));
    std::string err;
    ASSERT_TRUE(servers.back()->start(0, &err)) << err;
    spec.targets.push_back(addr(servers.back()->address()));
  }
  auto engine = make_engine();
  CollectSink sink;
  ASSERT_TRUE(engine->submit(1, spec).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1, std::chrono::seconds(60)));
  finals_exactly_once(sink.samples, 3000);
  for (size_t i = 0; i < servers.size(); ++i) {
    EXPECT_EQ(servers[i]->connections(), 4u) << i;
    EXPECT_EQ(servers[i]->requests(), 1000u) << i;
  }
  std::lock_guard<std::mutex> lock(mu);  // handler threads are still alive
  for (size_t i = 0; i < indexes.size(); ++i) {
    std::set<long long> got(indexes[i].begin(), indexes[i].end());
    EXPECT_EQ(got.size(), 1000u) << "server " << i << ": each index once";
    for (long long index : got) EXPECT_EQ(index % 3, static_cast<long long>(i)) << "index " << index;
  }
}

TEST(EngineFault, CancelMidJob) {
  std::atomic<int> calls{0};
  FaultServer server([&](const FaultRequest&) {
    // The first 20 answers are prompt, then everything stalls: the in-flight ones must end
    // as kCancelled.
    if (calls++ < 20) return ok204();
    return FaultReply{FaultReply::Mode::kStall, ""};
  });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine();
  CollectSink sink;
  ASSERT_TRUE(engine->submit(1, write_job(server.address(), 1'000'000, 4)).is_ok());
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (server.requests() < 24 && std::chrono::steady_clock::now() < end) engine->poll(&sink, 10'000'000);
  ASSERT_EQ(server.requests(), 24u);
  engine->cancel(1);
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1, std::chrono::seconds(5)));
  const JobResult* r = sink.result(1);
  EXPECT_TRUE(r->cancelled);
  EXPECT_EQ(r->requests_done, 24u);
  size_t cancelled = 0;
  for (const Sample& s : sink.samples) cancelled += s.failure == Failure::kCancelled;
  EXPECT_EQ(cancelled, 4u);
  EXPECT_EQ(sink.samples.size(), 24u);
  // Nothing further is sent.
  for (int i = 0; i < 5; ++i) engine->poll(&sink, 10'000'000);
  EXPECT_EQ(server.requests(), 24u);
  EXPECT_FALSE(sink.sample_after_finish);
}

// This process's pinned memory in kB (/proc/self/status VmPin), -1 when unreadable.
long vm_pin_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmPin:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

TEST(EngineFault, LargeBodiesAndZeroCopyOption) {
  std::atomic<size_t> bytes{0};
  FaultServer server([&](const FaultRequest& r) {
    bytes += r.body.size();
    return ok204();
  });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  for (bool zc : {false, true}) {
    auto engine = make_engine(2, zc);
    CollectSink sink;
    JobSpec spec = write_job(server.address(), 40, 4);
    spec.source = std::make_shared<LineSource>("db", "m", 200, 1000);  // ~200 KB bodies
    ASSERT_TRUE(engine->submit(1, spec).is_ok());
    ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
    finals_exactly_once(sink.samples, 40);
    size_t sent_body = 0;
    for (const Sample& s : sink.samples) {
      EXPECT_EQ(s.status, 204);
      EXPECT_EQ(s.points, 200u);
      sent_body += s.request_bytes;
    }
    EXPECT_GT(sent_body, 40u * 200u * 1000u);
    // Registered buffers are pinned (the kernel's VmPin): only zero-copy sends need them,
    // so plain sends pin nothing, and a buffer faults in only what its bodies reach.
    const long pinned_kb = vm_pin_kb();
    if (zc) {
      EXPECT_GE(pinned_kb, 4 * 200) << "4 connections' send buffers of ~200 KB bodies";
    } else {
      EXPECT_EQ(pinned_kb, 0);
    }
  }
  EXPECT_GT(bytes.load(), 2u * 40u * 200u * 990u);
}

// A scatter source that sends one big body from memory it owns and records what the
// engine says when it is done with each attempt (RequestSource::scatter_done).
class RecordingScatterSource : public LineSource {
 public:
  explicit RecordingScatterSource(size_t bytes) : LineSource("db", "m"), body_(bytes, 'x') {
    std::memcpy(body_.data(), "m v=1i", 6);
    body_[6] = ' ';
    body_.back() = '\n';
  }
  ScatterRoom scatter_room() const override { return {1, 1}; }
  Scattered render_scatter(uint64_t index, char* target, iovec* iov, char* area) const override {
    (void)index, (void)area;
    Scattered r;
    r.target_len = static_cast<uint32_t>(snprintf(target, max_target_bytes(), "/write?db=db"));
    iov[0] = iovec{const_cast<char*>(body_.data()), body_.size()};
    r.iov_count = 1;
    r.body_len = static_cast<uint32_t>(body_.size());
    r.points = 1;
    return r;
  }
  void scatter_done(uint64_t index, int error) const override {
    std::lock_guard<std::mutex> lock(mu_);
    done_.emplace_back(index, error);
  }
  std::vector<std::pair<uint64_t, int>> done() const {
    std::lock_guard<std::mutex> lock(mu_);
    return done_;
  }

 private:
  std::string body_;
  mutable std::mutex mu_;
  mutable std::vector<std::pair<uint64_t, int>> done_;
};

// An attempt that times out while its body is still being sent (a server that never
// reads: a listening socket nobody accepts from, so the kernel's buffers fill) tells the
// source EINPROGRESS: the kernel may read the pieces until the socket closes, so memory the
// source rewrites for later requests must wait (ReplaySource's kept bodies). One whose
// bytes all went tells it 0. A real server does not stop reading on demand.
TEST(EngineFault, ScatterDoneSaysWhenASendMayStillReadTheBody) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener, 8), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len), 0);
  auto engine = make_engine(1);
  CollectSink sink;
  auto source = std::make_shared<RecordingScatterSource>(64u << 20);  // far past the socket buffers
  JobSpec spec = write_job("127.0.0.1:" + std::to_string(ntohs(a.sin_port)), 1, 1);
  spec.source = source;
  spec.timeout_ns = 300'000'000;
  spec.max_attempts = 1;
  ASSERT_TRUE(engine->submit(1, spec).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  ASSERT_EQ(sink.samples.size(), 1u);
  EXPECT_EQ(sink.samples[0].failure, Failure::kTimeout);
  const auto done = source->done();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0], std::make_pair(uint64_t{0}, EINPROGRESS));
  ::close(listener);

  std::atomic<size_t> bytes{0};
  FaultServer server([&](const FaultRequest& r) {
    bytes += r.body.size();
    return ok204();
  });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto small = std::make_shared<RecordingScatterSource>(4096);
  JobSpec ok = write_job(server.address(), 3, 1);
  ok.source = small;
  ASSERT_TRUE(engine->submit(2, ok).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 2));
  EXPECT_EQ(bytes.load(), 3u * 4096u);
  const auto sent = small->done();
  ASSERT_EQ(sent.size(), 3u);
  for (const auto& [index, error] : sent) EXPECT_EQ(error, 0) << "request " << index;
}

TEST(EngineFault, QueryJsonError) {
  FaultServer server([](const FaultRequest& r) {
    EXPECT_EQ(r.method, "GET");
    return FaultReply{FaultReply::Mode::kNormal,
                      FaultServer::response(200, R"({"results":[{"statement_id":0,"error":"bad"}]})")};
  });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine(1);
  CollectSink sink;
  JobSpec spec = write_job(server.address(), 2, 1);
  spec.method = Method::kGet;
  spec.source = std::make_shared<GetSource>("/query?q=SHOW%20DATABASES");
  spec.check_json_error = true;
  ASSERT_TRUE(engine->submit(1, spec).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  ASSERT_EQ(sink.samples.size(), 2u);
  for (const Sample& s : sink.samples) {
    EXPECT_EQ(s.failure, Failure::kQueryError);
    EXPECT_TRUE(s.final);
  }
}

TEST(EngineFault, NoLeakedDescriptors) {
  const size_t before = open_fds();
  {
    FaultServer server([](const FaultRequest&) { return FaultReply{FaultReply::Mode::kStall, ""}; });
    std::string err;
    ASSERT_TRUE(server.start(0, &err)) << err;
    {
      auto engine = make_engine(2, true);
      CollectSink sink;
      ASSERT_TRUE(engine->submit(1, write_job(server.address(), 100, 8)).is_ok());
      ASSERT_TRUE(poll_until(engine.get(), &sink, [&] { return server.requests() >= 8; }));
      // Destroyed with requests in flight.
    }
    {
      auto engine = make_engine(1);
      CollectSink sink;
      ASSERT_TRUE(engine->submit(2, write_job("127.0.0.1:" + std::to_string(stressql::testing::free_port()), 3, 3)).is_ok());
      ASSERT_TRUE(wait_job(engine.get(), &sink, 2));
    }
  }
  EXPECT_EQ(open_fds(), before);
}

}  // namespace
}  // namespace stressql::engine
