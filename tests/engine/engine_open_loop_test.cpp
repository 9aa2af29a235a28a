// Open-loop jobs (JobSpec::schedule): requests go out at their due time (never more than the
// timer slack earlier), and
// latency runs from the due time, so a stalled server shows in it even though the client
// could not send while the server stalled (coordinated omission). The FaultServer stands in
// for the stall: a real server does not hold its answers on demand.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "engine/engine.h"
#include "tests/engine/engine_test_util.h"
#include "tests/support/fault_server.h"

namespace stressql::engine {
namespace {

using Clock = std::chrono::steady_clock;
using stressql::engine::testing::body_index;
using stressql::engine::testing::CollectSink;
using stressql::engine::testing::finals_exactly_once;
using stressql::engine::testing::make_engine;
using stressql::engine::testing::ok204;
using stressql::engine::testing::wait_job;
using stressql::engine::testing::write_job;
using stressql::testing::FaultReply;
using stressql::testing::FaultRequest;
using stressql::testing::FaultServer;


TEST(EngineOpenLoop, NoRequestArrivesBeforeItIsDue) {
  std::mutex mu;
  std::map<long long, int64_t> arrived;  // index -> monotonic ns at the server
  FaultServer server([&](const FaultRequest& r) {
    const int64_t now = base::monotonic_ns();
    std::lock_guard<std::mutex> lock(mu);
    arrived.emplace(body_index(r.body), now);
    return ok204();
  });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine();
  CollectSink sink;
  JobSpec spec = write_job(server.address(), 60, 4);
  spec.schedule.to_per_s = 200;  // req/s: 60 requests over 0.3 s
  spec.interval_ns = 1'000'000'000;  // a closed loop's pause; ignored under a schedule
  const int64_t before_submit = base::monotonic_ns();
  ASSERT_TRUE(engine->submit(1, spec).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  auto finals = finals_exactly_once(sink.samples, 60);
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(arrived.size(), 60u);
  for (const auto& [i, at] : arrived) {
    EXPECT_GE(at, before_submit + spec.schedule.due_offset_ns(static_cast<uint64_t>(i)) - kTimerSlackNs)
        << "request " << i << " came early";
  }
  // The samples' due times are the schedule's, whichever reactor sent them.
  const int64_t due0 = finals.at(0).due_unix_ns;
  for (const auto& [i, s] : finals) {
    EXPECT_NEAR(static_cast<double>(s.due_unix_ns - due0), static_cast<double>(spec.schedule.due_offset_ns(i)),
                5e6)
        << i;
    EXPECT_GE(s.lag_ns, 0);
    EXPECT_LE(s.lag_ns, s.latency_ns);
  }
}

// Under a rate a reactor takes answers in the wake-up of the next due time (or at most 10 ms
// later), not in one of their own, yet their latency ends when the kernel received them
// (SO_TIMESTAMPING): never before the server wrote the answer, and not later by the time it
// waited to be taken. One reactor, two connections at 20 req/s: the next request is due
// 50 ms after each send, so an answer held 25 ms waits several milliseconds in the kernel
// before a wake-up takes it. The FaultServer holds the answers by a known delay and says
// when it wrote each: a real server does neither on demand.
TEST(EngineOpenLoop, AnswersTakenLaterStillEndWhenTheyArrived) {
  constexpr int64_t kHoldNs = 25'000'000;
  std::mutex mu;
  std::map<long long, int64_t> replied;  // index -> unix ns just before the answer is written
  FaultServer server([&](const FaultRequest& r) {
    std::this_thread::sleep_for(std::chrono::nanoseconds(kHoldNs));
    const int64_t now = base::unix_ns();
    std::lock_guard<std::mutex> lock(mu);
    replied.emplace(body_index(r.body), now);
    return ok204();
  });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine(1);
  CollectSink sink;
  const uint64_t kRequests = 30;
  JobSpec spec = write_job(server.address(), kRequests, 2);
  spec.schedule.to_per_s = 20;
  ASSERT_TRUE(engine->submit(1, spec).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1, std::chrono::seconds(60)));
  auto finals = finals_exactly_once(sink.samples, kRequests);
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(replied.size(), kRequests);
  std::vector<int64_t> after_reply;  // the sample's end minus when the server answered
  for (const auto& [i, s] : finals) {
    ASSERT_EQ(s.failure, Failure::kNone) << i;
    EXPECT_GE(s.latency_ns - s.lag_ns, kHoldNs) << i;  // the server held it this long
    const int64_t end_unix = s.due_unix_ns + s.latency_ns;
    after_reply.push_back(end_unix - replied.at(static_cast<long long>(i)));
    EXPECT_GE(after_reply.back(), -500'000) << "request " << i << " ended before its answer was written";
  }
  // Taken when reaped, most answers would end milliseconds late (the wait for the next
  // wake-up); stamped by the kernel, they end within the loopback's delivery of the answer.
  std::sort(after_reply.begin(), after_reply.end());
  EXPECT_LE(after_reply[after_reply.size() / 2], 1'000'000) << "median ns after the answer";
}

// The coordinated-omission demonstration: at a constant rate with two connections, the
// server holds every answer for one second, once. The requests due during the stall cannot
// be sent (both connections wait), so they go out late: their latency from the due time
// shows the stall, their latency from the send does not. Every request is counted once.
TEST(EngineOpenLoop, AStallShowsInLatencyFromDueNotFromSend) {
  std::atomic<int64_t> stall_until{0};
  std::atomic<bool> stalled{false};
  FaultServer server([&](const FaultRequest& r) {
    if (body_index(r.body) == 20 && !stalled.exchange(true)) {
      stall_until = base::monotonic_ns() + 1'000'000'000;
    }
    const int64_t until = stall_until.load();
    const int64_t now = base::monotonic_ns();
    if (now < until) std::this_thread::sleep_for(std::chrono::nanoseconds(until - now));
    return ok204();
  });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine();
  CollectSink sink;
  const uint64_t kRequests = 150;
  JobSpec spec = write_job(server.address(), kRequests, 2);
  spec.schedule.to_per_s = 50;  // 150 requests over 3 s; the stall holds ~50 of them back
  ASSERT_TRUE(engine->submit(1, spec).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1, std::chrono::seconds(60)));
  auto finals = finals_exactly_once(sink.samples, kRequests);
  EXPECT_EQ(sink.result(1)->requests_done, kRequests);
  ASSERT_TRUE(stalled.load());
  size_t slow_from_due = 0, slow_from_send = 0;
  for (const auto& [i, s] : finals) {
    EXPECT_EQ(s.failure, Failure::kNone) << i;
    if (s.latency_ns >= 500'000'000) ++slow_from_due;
    if (s.latency_ns - s.lag_ns >= 500'000'000) ++slow_from_send;
  }
  // ~50 requests were due while both connections waited; the first half of them waited
  // at least half a second. Only the requests the server itself held (one per connection)
  // were slow from their send.
  EXPECT_GE(slow_from_due, 15u);
  EXPECT_LE(slow_from_send, 2u);
}

TEST(EngineOpenLoop, CancelCountsWaitingRequestsAsNotSent) {
  FaultServer server([](const FaultRequest&) { return ok204(); });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine();
  CollectSink sink;
  JobSpec spec = write_job(server.address(), 1000, 4);
  spec.schedule.to_per_s = 20;  // 50 s for all of them: cancelled long before
  ASSERT_TRUE(engine->submit(1, spec).is_ok());
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (server.requests() < 3 && Clock::now() < deadline) engine->poll(&sink, 10'000'000);
  ASSERT_GE(server.requests(), 3u);
  engine->cancel(1);
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  const JobResult* r = sink.result(1);
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->cancelled);
  // Requests claimed but not yet due were never sent: not sent, not failed. The finished
  // ones were answered, or cancelled in flight; no request has two finals.
  size_t finals = 0;
  for (const Sample& s : sink.samples) {
    if (!s.final) continue;
    ++finals;
    EXPECT_TRUE(s.failure == Failure::kNone || s.failure == Failure::kCancelled) << failure_name(s.failure);
  }
  EXPECT_EQ(r->requests_done, finals);
  EXPECT_LE(r->requests_done, server.requests() + 4) << "at most one in flight per connection";
  EXPECT_EQ(r->requests_done + r->requests_not_sent, 1000u);
  EXPECT_GT(r->requests_not_sent, 900u);
}

}  // namespace
}  // namespace stressql::engine
