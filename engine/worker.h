#pragma once
// A worker: one engine thread as the control thread sees it. A command ring in, an event
// ring out, a doorbell. Two kinds: the network reactors (engine/reactor.h) and the
// offline engine's renderers (engine/offline_engine.cpp); engine/worker_pool.h drives
// either kind the same way.

#include <atomic>
#include <cstdint>

#include "engine/engine.h"
#include "engine/job.h"
#include "engine/spsc_ring.h"

namespace stressql::engine {

class Worker {
 public:
  virtual ~Worker() = default;

  // Control thread: false when the command ring is full (nothing stored). A kStart gives
  // the worker job slots [first_slot, first_slot + slots) of JobShared::job_slots.
  virtual bool push_command(const Command& c) = 0;
  // Control thread: rings the worker's doorbell after push_command.
  virtual void wake() = 0;
  // Control thread: the consumer side of the event ring. A worker pushes one kJobDone per
  // kStart it got, after the last sample of that share.
  virtual SpscRing<Event>& events() = 0;
  // What the control thread wants to be woken (the control eventfd) for.
  enum WakeOn : uint8_t { kWakeOnNothing = 0, kWakeOnUrgent = 1, kWakeOnAny = 2 };
  // Control thread: asks to be woken on the next event of that kind. A worker that wakes
  // the control thread for every urgent event anyway (a job's end, a filling event ring)
  // and lets samples wait for its timed turn needs nothing more.
  virtual void request_wakeup(WakeOn) {}
  // Any thread: adds this worker's counters so far.
  virtual void add_counters(EngineCounters*) const {}
  // Control thread: stops the thread (cancelling what runs) and joins it.
  virtual void stop_and_join() = 0;

  // Any thread: true once the worker's thread died of an exception (base/thread_guard.h
  // recorded it). It then touches no job and sends no event any more; everything it
  // pushed before is in its event ring (release here, acquire in failed()).
  bool failed() const { return failed_.load(std::memory_order_acquire); }

 protected:
  // The worker's thread, as its very last act after a fault.
  void mark_failed() { failed_.store(true, std::memory_order_release); }

 private:
  std::atomic<bool> failed_{false};
};

}  // namespace stressql::engine
