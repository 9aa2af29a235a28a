#include "stats/sample_counts.h"

#include <cstring>

namespace stressql::stats {

SampleCounts classify(const engine::Sample& s) {
  SampleCounts c;
  c.retry = s.attempt > 1;
  if (s.failure == engine::Failure::kNotSent) {
    c.rendered = true;
    return c;
  }
  if (!s.final) return c;
  if (s.failure == engine::Failure::kNone) {
    c.ok = true;
    c.points_accepted = s.points;
    return c;
  }
  c.failed = true;
  const uint64_t dropped = s.dropped <= s.points ? s.dropped : s.points;
  if (dropped > 0) {
    c.points_dropped = dropped;
    c.points_accepted = s.points - dropped;
  } else {
    c.points_failed = s.points;
  }
  return c;
}

std::string failure_class(const engine::Sample& s) {
  if (s.failure == engine::Failure::kHttpStatus) return "http " + std::to_string(s.status);
  if (s.failure == engine::Failure::kConnect && s.error != 0) {
    // "connect: EMFILE": the errno's name says which limit or fault, in every locale.
    const char* name = strerrorname_np(s.error);
    return std::string("connect: ") + (name != nullptr ? name : "errno " + std::to_string(s.error));
  }
  return engine::failure_name(s.failure);
}

}  // namespace stressql::stats
