#pragma once
// Exceptions off the control thread: the one place where a thread's escaping exception is
// caught and recorded (docs/guarantees.md, "Never an abort").
//
// Every thread stressql starts besides the control thread (reactors, offline renderers,
// the results sender and its upload workers, the server-metrics sampler, a shard barrier's
// helper, a replay file's indexer) runs its body through run_guarded(). An exception that
// escapes the body, a std::bad_alloc included, does not reach std::terminate: the thread's
// name and what() are recorded (the first fault of the process is kept, the later ones
// counted), run_guarded returns false, and the thread ends its own way (a reactor tears its
// ring down and says it died). The control thread watches thread_faulted() where it watches
// Ctrl-C: the run stops as Ctrl-C stops it, the report and every output are still written,
// and the command exits 2 naming the thread and the error (cli/command_line.cpp).
//
// Recording allocates nothing (an out-of-memory fault must be recordable), and the state is
// process-wide: the threads live in different layers, the verdict is the process's.
//
// Tests only: STRESSQL_FAULT_INJECT=<thread name> makes run_guarded throw a
// std::runtime_error in that thread, before its body, for the faults a real trigger
// cannot reach on demand (tests/cli/thread_fault_test.cpp says which and why).

#include <atomic>
#include <cstdint>
#include <exception>
#include <string>

namespace stressql::base {

// A thread's fault: "reactor 0: std::bad_alloc".
struct ThreadFault {
  std::string thread;  // "reactor 0", "results sender", …
  std::string what;    // the exception's what()
  uint32_t count = 0;  // faults recorded so far, this one included
  // "the reactor 0 thread failed: std::bad_alloc"
  std::string text() const;
};

// Records a fault (noexcept, allocation-free; text cut to fit). The first one is kept.
void record_thread_fault(const char* thread, const char* what) noexcept;
// Any thread: true once a fault was recorded (an acquire load).
bool thread_faulted() noexcept;
// The first fault; empty `thread` when there was none.
ThreadFault first_thread_fault();
// Forgets the faults (tests; a process that goes on after reporting one).
void clear_thread_faults() noexcept;

namespace detail {
// Throws when STRESSQL_FAULT_INJECT names `thread` (tests only).
void maybe_inject_fault(const char* thread);
}  // namespace detail

// Runs body() on the calling thread; returns false, with the fault recorded, when an
// exception escaped it. `thread` names the thread in the messages.
template <class Body>
bool run_guarded(const char* thread, Body&& body) noexcept {
  try {
    detail::maybe_inject_fault(thread);
    body();
    return true;
  } catch (const std::exception& e) {
    record_thread_fault(thread, e.what());
  } catch (...) {
    record_thread_fault(thread, "an exception of unknown type");
  }
  return false;
}

}  // namespace stressql::base
