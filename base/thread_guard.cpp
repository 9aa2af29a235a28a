#include "base/thread_guard.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace stressql::base {
namespace {

struct Faults {
  std::mutex mu;
  std::atomic<bool> any{false};
  uint32_t count = 0;
  char thread[64] = {};
  char what[512] = {};
};

Faults& faults() {
  static Faults f;  // constructed before any thread starts: the control thread asks first
  return f;
}

}  // namespace

std::string ThreadFault::text() const {
  return "the " + thread + " thread failed: " + what;
}

void record_thread_fault(const char* thread, const char* what) noexcept {
  Faults& f = faults();
  std::lock_guard<std::mutex> lock(f.mu);
  if (f.count++ == 0) {
    std::snprintf(f.thread, sizeof f.thread, "%s", thread != nullptr ? thread : "?");
    std::snprintf(f.what, sizeof f.what, "%s", what != nullptr ? what : "?");
  }
  f.any.store(true, std::memory_order_release);
}

bool thread_faulted() noexcept { return faults().any.load(std::memory_order_acquire); }

ThreadFault first_thread_fault() {
  Faults& f = faults();
  std::lock_guard<std::mutex> lock(f.mu);
  ThreadFault out;
  if (f.count == 0) return out;
  out.thread = f.thread;
  out.what = f.what;
  out.count = f.count;
  return out;
}

void clear_thread_faults() noexcept {
  Faults& f = faults();
  std::lock_guard<std::mutex> lock(f.mu);
  f.count = 0;
  f.thread[0] = f.what[0] = '\0';
  f.any.store(false, std::memory_order_release);
}

namespace detail {

void maybe_inject_fault(const char* thread) {
  const char* name = std::getenv("STRESSQL_FAULT_INJECT");
  if (name != nullptr && thread != nullptr && std::strcmp(name, thread) == 0) {
    throw std::runtime_error(std::string("fault injected by STRESSQL_FAULT_INJECT=") + name);
  }
}

}  // namespace detail
}  // namespace stressql::base
