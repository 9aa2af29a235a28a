#pragma once
// RequestSchedule: when each request of an open-loop job is due. The rate releases units
// (requests, points or request-body bytes) per second, linearly from `from_per_s` to
// `to_per_s` over `ramp_ns`, then `to_per_s` for good. Request i is due once the units of
// the requests before it have been released: due_offset_ns(i) after the job's start, so
// request 0 is due at the start. A pure function of i: reactors compute due times on their
// own, in any order, and together send exactly at the rate.
//
// A job may send every `index_stride`-th request of a larger schedule, starting at
// `index_offset` (shard I of N: stride N, offset I): its request i is then due when request
// i·stride + offset of the whole schedule is, so N such jobs started together send what one
// job would, at the same due times.

#include <cmath>
#include <cstdint>
#include <memory>

namespace stressql::engine {

// The timer slack of an open loop: a reactor's wake-up sends every request due within this
// much after it, so requests due close together share one wake-up (and a request goes out
// at most this much before its due time, never later for want of a wake-up). Reported
// beside the rate (docs/rates-and-find-max.md).
inline constexpr int64_t kTimerSlackNs = 100'000;

// Due times that a job's source knows itself instead of a rate (a replayed file's own
// clock). Shared read-only by the reactors: due_offset_ns() runs on any of them, in any
// order, and must be a pure function of the index.
class DueClock {
 public:
  virtual ~DueClock() = default;
  // Nanoseconds after the job's start at which request `index` is due (≥ 0).
  virtual int64_t due_offset_ns(uint64_t index) const = 0;
};

struct RequestSchedule {
  double from_per_s = 0;  // units per second at the start
  double to_per_s = 0;    // units per second after the ramp; 0: no schedule (closed loop)
  int64_t ramp_ns = 0;    // 0: `to_per_s` from the start
  double units_per_request = 1;
  uint64_t index_stride = 1;  // ≥ 1
  uint64_t index_offset = 0;  // < index_stride
  // Set: request i is due at clock->due_offset_ns(i), and the rate above is not used (the
  // clock maps a shard's own index to the file's itself).
  std::shared_ptr<const DueClock> clock;

  bool open_loop() const { return to_per_s > 0 || clock != nullptr; }

  // Seconds after the start at which `units` units have been released.
  // REQUIRES: open_loop(), units ≥ 0.
  double seconds_for(double units) const {
    const double ramp_s = static_cast<double>(ramp_ns) / 1e9;
    if (ramp_s > 0) {
      const double ramp_units = (from_per_s + to_per_s) / 2 * ramp_s;
      if (units <= ramp_units) {
        // units = from·t + (to − from)·t²/(2·ramp): the root that is ≥ 0, in the form
        // that does not cancel when the ramp is nearly flat.
        const double a = (to_per_s - from_per_s) / (2 * ramp_s);
        const double b = from_per_s;
        const double d = b * b + 4 * a * units;
        return units == 0 ? 0 : 2 * units / (b + std::sqrt(d > 0 ? d : 0));
      }
      return ramp_s + (units - ramp_units) / to_per_s;
    }
    return units / to_per_s;
  }

  // Nanoseconds after the job's start at which the job's request `index` is due: request
  // index·index_stride + index_offset of the whole schedule.
  int64_t due_offset_ns(uint64_t index) const {
    if (clock) return clock->due_offset_ns(index);
    const double whole = static_cast<double>(index) * static_cast<double>(index_stride) +
                         static_cast<double>(index_offset);
    const double s = seconds_for(whole * units_per_request);
    return s >= 9.2e9 ? INT64_MAX / 2 : static_cast<int64_t>(std::llround(s * 1e9));
  }
};

}  // namespace stressql::engine
