#include "reporting/statement_report.h"

namespace stressql::reporting {

void RequestStats::add(const engine::Sample& s) {
  ++attempts;
  if (s.attempt > 1) ++retries;
  ++statuses[s.status];
  if (!s.final) return;
  if (s.failure == engine::Failure::kNone) {
    ++requests_ok;
    points_accepted += s.points;
    request_bytes += s.request_bytes;
    response_bytes += s.response_bytes;
    latency.record(s.latency_ns);
    return;
  }
  ++requests_failed;
  // A partial write is a 400 whose body names the dropped points; the rest were taken.
  uint64_t dropped = s.dropped <= s.points ? s.dropped : s.points;
  if (dropped > 0) {
    points_dropped += dropped;
    points_accepted += s.points - dropped;
  } else {
    points_failed += s.points;
  }
  std::string key = s.failure == engine::Failure::kHttpStatus
                        ? "http " + std::to_string(s.status)
                        : engine::failure_name(s.failure);
  ++failures[key];
}

}  // namespace stressql::reporting
