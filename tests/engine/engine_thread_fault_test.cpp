// A worker thread that dies of an exception (base/thread_guard.h): the fault is recorded
// with the thread's name, the pool ends the dead worker's shares so nobody waits for its
// answers, and the engine still shuts down. The trigger is a RequestSource whose render()
// throws, as a rendering bug would, on the reactor or renderer that renders that request.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "base/thread_guard.h"
#include "engine/engine.h"
#include "tests/engine/engine_test_util.h"
#include "tests/support/fault_server.h"

namespace stressql::engine {
namespace {

using stressql::engine::testing::CollectSink;
using stressql::engine::testing::LineSource;
using stressql::engine::testing::make_engine;
using stressql::engine::testing::ok204;
using stressql::engine::testing::wait_job;
using stressql::engine::testing::write_job;
using stressql::testing::FaultRequest;
using stressql::testing::FaultServer;

// Renders as LineSource does, and throws on one request index.
class ThrowingSource final : public LineSource {
 public:
  explicit ThrowingSource(uint64_t bad_index) : LineSource("db", "m"), bad_index_(bad_index) {}
  Rendered render(uint64_t index, char* target, char* body) const override {
    if (index == bad_index_) throw std::runtime_error("render bug at request " + std::to_string(index));
    return LineSource::render(index, target, body);
  }

 private:
  uint64_t bad_index_;
};

class EngineThreadFault : public ::testing::Test {
 protected:
  void SetUp() override { base::clear_thread_faults(); }
  void TearDown() override { base::clear_thread_faults(); }
};

TEST_F(EngineThreadFault, ADeadReactorEndsItsSharesAndTheJobFinishes) {
  FaultServer server([](const FaultRequest&) { return ok204(); });
  std::string err;
  ASSERT_TRUE(server.start(0, &err)) << err;
  auto engine = make_engine();
  ASSERT_EQ(engine->reactor_count(), 2);
  CollectSink sink;
  JobSpec spec = write_job(server.address(), 2000, 4);
  spec.source = std::make_shared<ThrowingSource>(100);
  ASSERT_TRUE(engine->submit(1, std::move(spec)).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1)) << "a dead reactor must not leave the job waiting";
  const JobResult* r = sink.result(1);
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->cancelled) << "the job ends at once, the living reactor's share too";
  EXPECT_LT(r->requests_done, 2000u);
  EXPECT_EQ(r->requests_done + r->requests_not_sent, 2000u);
  ASSERT_TRUE(base::thread_faulted());
  const base::ThreadFault f = base::first_thread_fault();
  EXPECT_EQ(f.thread.rfind("reactor ", 0), 0u) << f.thread;
  EXPECT_EQ(f.what, "render bug at request 100");
  EXPECT_EQ(f.text(), "the " + f.thread + " thread failed: render bug at request 100");

  // A job after the fault still ends: the dead reactor's share of it is ended at once.
  ASSERT_TRUE(engine->submit(2, write_job(server.address(), 50, 4)).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 2));
  EXPECT_EQ(sink.result(2)->requests_done + sink.result(2)->requests_not_sent, 50u);
  engine.reset();  // joins the living reactor; the dead one already closed everything
}

TEST_F(EngineThreadFault, ADeadRendererEndsItsSharesAndTheJobFinishes) {
  EngineOptions o;
  o.reactors = 2;
  std::unique_ptr<Engine> engine;
  ASSERT_TRUE(Engine::start_offline(o, nullptr, &engine).is_ok());
  CollectSink sink;
  JobSpec spec = write_job("127.0.0.1:1", 5000, 2);
  spec.source = std::make_shared<ThrowingSource>(10);
  ASSERT_TRUE(engine->submit(1, std::move(spec)).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  const JobResult* r = sink.result(1);
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->cancelled);
  EXPECT_EQ(r->requests_done + r->requests_not_sent, 5000u);
  const base::ThreadFault f = base::first_thread_fault();
  EXPECT_EQ(f.thread.rfind("renderer ", 0), 0u) << f.thread;
  EXPECT_EQ(f.what, "render bug at request 10");
}

}  // namespace
}  // namespace stressql::engine
