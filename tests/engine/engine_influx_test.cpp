// The engine against a real InfluxDB (Debian's influxd): every point written is counted
// back exactly; a partial write reports its dropped count; a query error is recognised.

#include <gtest/gtest.h>

#include "engine/engine.h"
#include "tests/engine/engine_test_util.h"
#include "tests/support/influx_server.h"

namespace stressql::engine {
namespace {

using base::Status;
using stressql::engine::testing::addr;
using stressql::engine::testing::CollectSink;
using stressql::engine::testing::GetSource;
using stressql::engine::testing::LineSource;
using stressql::engine::testing::wait_job;
using stressql::testing::InfluxServer;

// Field "idx" as a string: conflicts with the integer field written before.
class ConflictSource : public RequestSource {
 public:
  size_t max_target_bytes() const override { return 32; }
  size_t max_body_bytes() const override { return 256; }
  Rendered render(uint64_t, char* target, char* body) const override {
    Rendered r;
    r.target_len = static_cast<uint32_t>(snprintf(target, 32, "/write?db=stress"));
    r.body_len = static_cast<uint32_t>(snprintf(body, 256,
                                                "cpu,src=test idx=\"s\" 1700000000000000001\n"
                                                "cpu,src=test idx=\"t\" 1700000000000000002\n"
                                                "other,src=test v=1i 1700000000000000003\n"));
    r.points = 3;
    return r;
  }
};

class EngineInflux : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    server_ = InfluxServer::start(&err);
    // influxd is a test dependency (scripts/setup installs it): its absence is a failure.
    ASSERT_TRUE(server_) << "influxd did not start: " << err;
    ASSERT_EQ(server_->query("CREATE DATABASE stress").status, 200);
    EngineOptions o;
    o.reactors = 2;
    ASSERT_TRUE(Engine::start(o, &engine_).is_ok());
  }
  JobSpec spec(uint64_t requests, uint32_t concurrency) {
    JobSpec s;
    s.requests = requests;
    s.concurrency = concurrency;
    s.timeout_ns = 20'000'000'000;
    s.backoff_base_ns = 10'000'000;
    s.extra_headers = "Content-Type: text/plain; charset=utf-8\r\n";
    s.parse_dropped = true;
    s.targets.push_back(addr(server_->address()));
    return s;
  }
  std::unique_ptr<InfluxServer> server_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineInflux, WritesAreCountedBackExactly) {
  CollectSink sink;
  JobSpec s = spec(25, 4);
  s.source = std::make_shared<LineSource>("stress", "cpu", 80);  // 25 batches × 80 points
  ASSERT_TRUE(engine_->submit(1, s).is_ok());
  ASSERT_TRUE(wait_job(engine_.get(), &sink, 1, std::chrono::seconds(60)));
  ASSERT_EQ(sink.samples.size(), 25u);
  uint64_t points = 0;
  for (const Sample& smp : sink.samples) {
    EXPECT_EQ(smp.status, 204);
    EXPECT_EQ(smp.failure, Failure::kNone);
    points += smp.points;
  }
  EXPECT_EQ(points, 2000u);
  EXPECT_EQ(server_->count_points("stress", "cpu", "idx"), 2000);

  // A second job of the same points (same timestamps, same series) overwrites, it doesn't add.
  ASSERT_TRUE(engine_->submit(2, s).is_ok());
  ASSERT_TRUE(wait_job(engine_.get(), &sink, 2, std::chrono::seconds(60)));
  EXPECT_EQ(server_->count_points("stress", "cpu", "idx"), 2000);
}

TEST_F(EngineInflux, PartialWriteReportsDroppedAndQueryErrorsFail) {
  CollectSink sink;
  JobSpec s = spec(1, 1);
  s.source = std::make_shared<LineSource>("stress", "cpu", 1);
  ASSERT_TRUE(engine_->submit(1, s).is_ok());
  ASSERT_TRUE(wait_job(engine_.get(), &sink, 1, std::chrono::seconds(30)));
  s.source = std::make_shared<ConflictSource>();
  ASSERT_TRUE(engine_->submit(2, s).is_ok());
  ASSERT_TRUE(wait_job(engine_.get(), &sink, 2, std::chrono::seconds(30)));
  auto conflict = sink.of(2);
  ASSERT_EQ(conflict.size(), 1u);  // 400 is not retried
  EXPECT_EQ(conflict[0].status, 400);
  EXPECT_EQ(conflict[0].failure, Failure::kHttpStatus);
  EXPECT_EQ(conflict[0].dropped, 2u);
  EXPECT_EQ(server_->count_points("stress", "other", "v"), 1);

  JobSpec q = spec(2, 1);
  q.method = Method::kGet;
  q.check_json_error = true;
  q.source = std::make_shared<GetSource>("/query?db=nope&q=SELECT%20*%20FROM%20cpu");
  ASSERT_TRUE(engine_->submit(3, q).is_ok());
  q.source = std::make_shared<GetSource>("/query?db=stress&q=SELECT%20count(idx)%20FROM%20cpu");
  ASSERT_TRUE(engine_->submit(4, q).is_ok());
  ASSERT_TRUE(wait_job(engine_.get(), &sink, 3, std::chrono::seconds(30)));
  ASSERT_TRUE(wait_job(engine_.get(), &sink, 4, std::chrono::seconds(30)));
  for (const Sample& smp : sink.of(3)) {
    EXPECT_EQ(smp.status, 200);
    EXPECT_EQ(smp.failure, Failure::kQueryError);
  }
  for (const Sample& smp : sink.of(4)) {
    EXPECT_EQ(smp.status, 200);
    EXPECT_EQ(smp.failure, Failure::kNone);
    EXPECT_GT(smp.response_bytes, 20u);
  }
}

}  // namespace
}  // namespace stressql::engine
