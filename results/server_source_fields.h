#pragma once
// The fields of the `server_source` results row (SPEC §7.1), each named once: one metrics
// source over one statement's window (stats::ServerSourceStats but its seconds, which are
// the `server` rows). ResultsRows::add_statement writes it and `stressql report` reads it
// back from this list, so the rebuilt report has the run's server blocks.

#include <optional>
#include <string>

#include "stats/server_stats.h"

namespace stressql::results {

// Calls f(name, get) for every field, in row order; get(source) is a reference to the
// member (const when the source is). Types: std::optional<double> (left out of the row when
// empty), bool, uint64_t, std::string.
template <class F>
void for_each_server_source_field(F&& f) {
  f("counts_rows", [](auto& s) -> auto& { return s.counts_rows; });
  f("host", [](auto& s) -> auto& { return s.host; });
  f("server_points", [](auto& s) -> auto& { return s.points; });
  f("server_write_errors", [](auto& s) -> auto& { return s.write_errors; });
  f("server_series_created", [](auto& s) -> auto& { return s.series_created; });
  f("server_disk_write_bytes", [](auto& s) -> auto& { return s.disk_write_bytes; });
  f("server_cpu_seconds", [](auto& s) -> auto& { return s.cpu_seconds; });
  f("server_cpu", [](auto& s) -> auto& { return s.cpu_avg; });
  f("server_cpu_max", [](auto& s) -> auto& { return s.cpu_max; });
  f("server_rss_max", [](auto& s) -> auto& { return s.rss_max; });
  f("server_cache_bytes_max", [](auto& s) -> auto& { return s.cache_bytes_max; });
  f("server_wal_bytes_max", [](auto& s) -> auto& { return s.wal_bytes_max; });
  f("failed_readings", [](auto& s) -> auto& { return s.failures; });
  f("failure", [](auto& s) -> auto& { return s.last_error; });
  f("server_points_shared", [](auto& s) -> auto& { return s.shared_points; });
  f("server_cpu_seconds_shared", [](auto& s) -> auto& { return s.shared_cpu_seconds; });
  f("points_accepted_shared", [](auto& s) -> auto& { return s.shared_accepted; });
  f("address_share", [](auto& s) -> auto& { return s.address_share; });
  f("points_accepted_address", [](auto& s) -> auto& { return s.address_accepted; });
}
// Besides those: `order` (the source's place among the statement's), and `shared_with` and
// `extra` (--server-metric values at the window's close), JSON arrays, left out when empty.

}  // namespace stressql::results
