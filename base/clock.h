#pragma once
// The clocks every part of stressql reads: monotonic for durations and deadlines, wall
// clock (Unix epoch) for timestamps that leave the process. Nanoseconds in an int64_t.

#include <time.h>

#include <cstdint>

namespace stressql::base {

inline int64_t clock_ns(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// CLOCK_MONOTONIC: durations, deadlines, due times.
inline int64_t monotonic_ns() { return clock_ns(CLOCK_MONOTONIC); }
// CLOCK_REALTIME: nanoseconds since the Unix epoch.
inline int64_t unix_ns() { return clock_ns(CLOCK_REALTIME); }

}  // namespace stressql::base
