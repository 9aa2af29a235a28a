// The offline engine (Engine::start_offline): every request rendered once across its
// reactors, honest samples (kNotSent), cancel, and the output in request-index order.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/engine/engine_test_util.h"

namespace stressql::engine {
namespace {

using testing::CollectSink;
using testing::GetSource;
using testing::LineSource;
using testing::wait_job;

// Nothing connects offline: an address is its text (the Host header).
std::vector<Address> targets(int n) {
  std::vector<Address> out;
  for (int i = 0; i < n; ++i) {
    Address a;
    a.text = "host" + std::to_string(i) + ":8086";
    out.push_back(a);
  }
  return out;
}

std::string body_of(const RequestSource& source, uint64_t index) {
  std::string target(source.max_target_bytes() + 1, '\0');
  std::string body(source.max_body_bytes() + 1, '\0');
  RequestSource::Rendered r = source.render(index, target.data(), body.data());
  return body.substr(0, r.body_len);
}

std::unique_ptr<Engine> start(int reactors, std::FILE* output = nullptr) {
  EngineOptions options;
  options.reactors = reactors;
  std::unique_ptr<Engine> engine;
  base::Status s = Engine::start_offline(options, output, &engine);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return engine;
}

class OfflineEngineTest : public ::testing::TestWithParam<int> {};

TEST_P(OfflineEngineTest, EveryRequestRenderedOnceWithItsPointsAndBytes) {
  const int reactors = GetParam();
  for (int target_count : {1, 3}) {
    SCOPED_TRACE("targets " + std::to_string(target_count));
    auto engine = start(reactors);
    ASSERT_EQ(engine->reactor_count(), reactors);
    auto source = std::make_shared<LineSource>("db", "m", 3);
    JobSpec spec;
    spec.source = source;
    spec.requests = 1000;
    spec.concurrency = 8;
    spec.targets = targets(target_count);
    ASSERT_TRUE(engine->submit(7, spec).is_ok());
    CollectSink sink;
    ASSERT_TRUE(wait_job(engine.get(), &sink, 7));
    const JobResult* r = sink.result(7);
    EXPECT_EQ(r->requests_done, 1000u);
    EXPECT_EQ(r->requests_not_sent, 0u);
    EXPECT_FALSE(r->cancelled);
    EXPECT_FALSE(sink.sample_after_finish);
    ASSERT_EQ(sink.samples.size(), 1000u);
    std::vector<int> seen(1000, 0);
    for (const Sample& s : sink.samples) {
      ASSERT_LT(s.request_index, 1000u);
      ++seen[s.request_index];
      EXPECT_EQ(s.failure, Failure::kNotSent);  // honest: no server answered
      EXPECT_EQ(s.status, 0);
      EXPECT_TRUE(s.final);
      EXPECT_EQ(s.points, 3u);
      // The whole request, header included, as a reactor would have sent it.
      const std::string body = body_of(*source, s.request_index);
      const std::string host = "host" + std::to_string(s.request_index % target_count) + ":8086";
      const std::string header = "POST /write?db=db HTTP/1.1\r\nHost: " + host +
                                 "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
      EXPECT_EQ(s.request_bytes, header.size() + body.size());
    }
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(seen[static_cast<size_t>(i)], 1) << "index " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Reactors, OfflineEngineTest, ::testing::Values(1, 2, 3));

TEST(OfflineEngine, GetRequestsAreHeaderOnly) {
  auto engine = start(2);
  JobSpec spec;
  spec.method = Method::kGet;
  spec.source = std::make_shared<GetSource>("/query?q=x");
  spec.requests = 10;
  spec.concurrency = 2;
  spec.targets = targets(1);
  ASSERT_TRUE(engine->submit(1, spec).is_ok());
  CollectSink sink;
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  ASSERT_EQ(sink.samples.size(), 10u);
  const std::string request = "GET /query?q=x HTTP/1.1\r\nHost: host0:8086\r\n\r\n";
  for (const Sample& s : sink.samples) {
    EXPECT_EQ(s.points, 0u);
    EXPECT_EQ(s.request_bytes, request.size());
  }
}

// Renders slowly, so a job of many requests is still running when it is cancelled.
class SlowSource : public LineSource {
 public:
  SlowSource() : LineSource("db", "slow") {}
  Rendered render(uint64_t index, char* target, char* body) const override {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    return LineSource::render(index, target, body);
  }
};

TEST(OfflineEngine, CancelStopsClaiming) {
  auto engine = start(2);
  JobSpec spec;
  spec.source = std::make_shared<SlowSource>();
  spec.requests = 10'000'000;  // hours at this pace: only cancel ends it within the wait
  spec.concurrency = 4;
  spec.targets = targets(2);
  ASSERT_TRUE(engine->submit(3, spec).is_ok());
  CollectSink sink;
  for (int i = 0; i < 600 && sink.samples.empty(); ++i) engine->poll(&sink, 50'000'000);
  ASSERT_FALSE(sink.samples.empty());
  engine->cancel(3);
  ASSERT_TRUE(wait_job(engine.get(), &sink, 3));
  const JobResult* r = sink.result(3);
  EXPECT_TRUE(r->cancelled);
  EXPECT_LT(r->requests_done, spec.requests);
  EXPECT_EQ(r->requests_done, sink.samples.size());
  EXPECT_EQ(r->requests_not_sent, spec.requests - r->requests_done);
  EXPECT_FALSE(sink.sample_after_finish);
}

TEST(OfflineEngine, CancelOfAQueuedJobEndsIt) {
  auto engine = start(1);
  JobSpec slow;
  slow.source = std::make_shared<SlowSource>();
  slow.requests = 10'000'000;
  slow.targets = targets(1);
  JobSpec queued = slow;
  ASSERT_TRUE(engine->submit(1, slow).is_ok());
  ASSERT_TRUE(engine->submit(2, queued).is_ok());  // waits behind job 1 on the one reactor
  engine->cancel(2);
  engine->cancel(1);
  CollectSink sink;
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  ASSERT_TRUE(wait_job(engine.get(), &sink, 2));
  EXPECT_TRUE(sink.result(2)->cancelled);
  EXPECT_TRUE(sink.result(1)->cancelled);
}

std::string read_all(std::FILE* f) {
  std::string out;
  std::rewind(f);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST(OfflineEngine, OutputIsInRequestIndexOrderJobAfterJob) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    auto engine = start(3, out);
    EXPECT_EQ(engine->reactor_count(), 1);  // one writer keeps the order
    auto a = std::make_shared<LineSource>("db", "a", 2);
    auto b = std::make_shared<LineSource>("db", "b", 1);
    JobSpec spec;
    spec.source = a;
    spec.requests = 200;
    spec.concurrency = 4;
    spec.targets = targets(3);
    ASSERT_TRUE(engine->submit(1, spec).is_ok());
    spec.source = b;
    spec.requests = 50;
    ASSERT_TRUE(engine->submit(2, spec).is_ok());
    CollectSink sink;
    ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
    ASSERT_TRUE(wait_job(engine.get(), &sink, 2));
    std::string expected;
    for (uint64_t i = 0; i < 200; ++i) expected += body_of(*a, i);
    for (uint64_t i = 0; i < 50; ++i) expected += body_of(*b, i);
    EXPECT_EQ(read_all(out), expected);
  }
  std::fclose(out);
}

TEST(OfflineEngine, AFailedWriteIsAFailedSampleAndEndsTheJob) {
  std::FILE* full = std::fopen("/dev/full", "wb");
  if (full == nullptr) GTEST_SKIP() << "no /dev/full";
  {
    auto engine = start(1, full);
    JobSpec spec;
    spec.source = std::make_shared<LineSource>("db", "m");
    spec.requests = 100;
    spec.targets = targets(1);
    ASSERT_TRUE(engine->submit(1, spec).is_ok());
    CollectSink sink;
    ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
    ASSERT_EQ(sink.samples.size(), 1u);
    EXPECT_EQ(sink.samples[0].failure, Failure::kOutput);
    EXPECT_NE(std::string(sink.samples[0].message), "");
    EXPECT_EQ(sink.result(1)->requests_not_sent, 99u);
    EXPECT_FALSE(sink.result(1)->cancelled);
  }
  std::fclose(full);
}

TEST(OfflineEngine, InvalidSpecIsRefused) {
  auto engine = start(1);
  JobSpec spec;
  spec.requests = 1;
  spec.targets = targets(1);
  EXPECT_FALSE(engine->submit(1, spec).is_ok());  // no source
  spec.source = std::make_shared<LineSource>("db", "m");
  spec.targets.clear();
  EXPECT_FALSE(engine->submit(1, spec).is_ok());  // no target
}

}  // namespace
}  // namespace stressql::engine
