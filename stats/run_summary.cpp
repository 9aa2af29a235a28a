#include "stats/run_summary.h"

namespace stressql::stats {

uint64_t points_per_second(const StatementReport& r) {
  if (r.duration_ns <= 0) return 0;
  const uint64_t points = r.offline ? r.stats.points_rendered : r.stats.points_accepted;
  return static_cast<uint64_t>(double(points) * 1e9 / double(r.duration_ns));
}

}  // namespace stressql::stats
