#pragma once
// What a metrics source answered, read into the one vocabulary (stats/server_stats.h): an
// InfluxDB 1.x `/debug/vars` JSON, a Prometheus text `/metrics` (InfluxDB 2.x/3.x,
// VictoriaMetrics, a node exporter) and a process's `/proc/PID` files. Pure functions over
// bytes: a server's answer may be anything, and a reading that makes no sense is an error
// with a reason, never a crash.

#include <string>
#include <string_view>
#include <vector>

#include "stats/server_stats.h"

namespace stressql::server_metrics {

// What kind of server a Prometheus text came from, by the names in it.
enum class Flavour {
  kProcess,          // process_* only (InfluxDB 3.x and others)
  kInfluxDB2,        // storage_writer_* (InfluxDB 2.x)
  kVictoriaMetrics,  // vm_rows_inserted_total: server_points counts rows, one per field
  kNodeExporter,     // node_cpu_seconds_total: the host's CPU, memory and disks
};
const char* flavour_name(Flavour f);

// `extra`: --server-metric names; each one found is added to out->extra (summed over its
// label sets, or over the /debug/vars entries of that name: "shard.writePointsOk").
// Each returns false and *error (one line, no server bytes in it) when `body` is not
// such an answer; out->unix_ns is left to the caller.
bool read_debug_vars(std::string_view body, const std::vector<std::string>& extra,
                     stats::ServerReading* out, std::string* error);
bool read_prometheus(std::string_view body, const std::vector<std::string>& extra,
                     stats::ServerReading* out, Flavour* flavour, std::string* error);
// The texts of /proc/PID/stat, /proc/PID/status and /proc/PID/io (io may be empty: another
// user's process does not show it); `ticks_per_second` is sysconf(_SC_CLK_TCK).
bool read_proc(std::string_view stat, std::string_view status, std::string_view io,
               long ticks_per_second, stats::ServerReading* out, std::string* error);

}  // namespace stressql::server_metrics
