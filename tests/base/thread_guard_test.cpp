// base/thread_guard.h: what run_guarded catches and records, on the thread that runs it.

#include "base/thread_guard.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <new>
#include <stdexcept>
#include <string>
#include <thread>

namespace stressql::base {
namespace {

class ThreadGuardTest : public ::testing::Test {
 protected:
  void SetUp() override { clear_thread_faults(); }
  void TearDown() override {
    unsetenv("STRESSQL_FAULT_INJECT");
    clear_thread_faults();
  }
};

TEST_F(ThreadGuardTest, ABodyThatReturnsRecordsNothing) {
  int ran = 0;
  EXPECT_TRUE(run_guarded("worker", [&] { ++ran; }));
  EXPECT_EQ(ran, 1);
  EXPECT_FALSE(thread_faulted());
  EXPECT_EQ(first_thread_fault().thread, "");
}

TEST_F(ThreadGuardTest, AnEscapingExceptionIsRecordedWithTheThreadsName) {
  bool ok = true;
  std::thread t([&] { ok = run_guarded("reactor 1", [] { throw std::bad_alloc(); }); });
  t.join();
  EXPECT_FALSE(ok);
  ASSERT_TRUE(thread_faulted());
  const ThreadFault f = first_thread_fault();
  EXPECT_EQ(f.thread, "reactor 1");
  EXPECT_EQ(f.what, "std::bad_alloc");
  EXPECT_EQ(f.count, 1u);
  EXPECT_EQ(f.text(), "the reactor 1 thread failed: std::bad_alloc");
}

TEST_F(ThreadGuardTest, TheFirstFaultIsKeptAndTheOthersCounted) {
  EXPECT_FALSE(run_guarded("results sender", [] { throw std::runtime_error("first"); }));
  EXPECT_FALSE(run_guarded("reactor 0", [] { throw 42; }));
  const ThreadFault f = first_thread_fault();
  EXPECT_EQ(f.thread, "results sender");
  EXPECT_EQ(f.what, "first");
  EXPECT_EQ(f.count, 2u);
  clear_thread_faults();
  EXPECT_FALSE(run_guarded("reactor 0", [] { throw 42; }));
  EXPECT_EQ(first_thread_fault().what, "an exception of unknown type");
}

TEST_F(ThreadGuardTest, ALongMessageIsCutNotOverrun) {
  const std::string what(5000, 'x');
  EXPECT_FALSE(run_guarded(std::string(200, 'n').c_str(), [&] { throw std::runtime_error(what); }));
  const ThreadFault f = first_thread_fault();
  EXPECT_GT(f.what.size(), 100u);
  EXPECT_LT(f.what.size(), what.size());
  EXPECT_EQ(f.what, std::string(f.what.size(), 'x'));
  EXPECT_EQ(f.thread, std::string(f.thread.size(), 'n'));
}

TEST_F(ThreadGuardTest, TheTestsInjectionNamesOneThread) {
  setenv("STRESSQL_FAULT_INJECT", "results sender", 1);
  int ran = 0;
  EXPECT_TRUE(run_guarded("reactor 0", [&] { ++ran; }));
  EXPECT_FALSE(thread_faulted());
  EXPECT_FALSE(run_guarded("results sender", [&] { ++ran; }));
  EXPECT_EQ(ran, 1) << "the injected fault comes before the body";
  EXPECT_EQ(first_thread_fault().what, "fault injected by STRESSQL_FAULT_INJECT=results sender");
}

}  // namespace
}  // namespace stressql::base
