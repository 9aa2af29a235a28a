#pragma once
// Which samples count as what: the one rule behind a statement's totals (RequestStats) and
// its one-second intervals (IntervalStats), so the intervals always add up to the totals.

#include <cstdint>
#include <string>

#include "engine/engine.h"

namespace stressql::stats {

// What one sample (one finished attempt) adds to the counts.
struct SampleCounts {
  bool rendered = false;  // offline (kNotSent): rendered, never sent; nothing else applies
  bool retry = false;     // an attempt beyond the first
  bool ok = false;        // final 2xx answer: a successful request, its latency counts
  bool failed = false;    // final failure of any class
  // Points of a final attempt. A partial write (a 400 whose body names the dropped points)
  // is a failed request whose other points the server took.
  uint64_t points_accepted = 0;
  uint64_t points_dropped = 0;
  uint64_t points_failed = 0;
};

SampleCounts classify(const engine::Sample& s);

// The class a final failure counts under in `Failures` and in the intervals: "http 404",
// "timeout", "connect: ECONNREFUSED", "connect: EMFILE", …
std::string failure_class(const engine::Sample& s);

}  // namespace stressql::stats
