#pragma once
// The server's side of a run (SPEC §7.1): the one vocabulary of server metrics, a source's
// readings, and what they come to over one statement's time window. Numbers only: the
// sources and the sampler thread that reads them are server_metrics/'s; the report, the
// JSON, the rows, the pages, thresholds and compare all read these.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace stressql::stats {

// The vocabulary, whatever the source (docs/server-metrics.md maps each to every source's
// own names).
enum class ServerMetric {
  kPoints,          // points the server says it wrote (VictoriaMetrics: rows, one per field)
  kWriteErrors,     // points (1.x: and writes) the server says failed or dropped
  kCpu,             // CPU seconds used (process when known, else the host's busy time)
  kRss,             // resident bytes (the process's, or the host's used memory)
  kSeriesCreated,   // series created
  kCacheBytes,      // in-memory write cache
  kWalBytes,        // write-ahead log on disk
  kDiskWriteBytes,  // bytes written to disk
};
inline constexpr size_t kServerMetricCount = 8;

// "server_points", "server_cpu", …
const char* server_metric_name(ServerMetric m);
// True for cumulative counters (points, errors, CPU seconds, series, disk bytes): a second's
// value is their rate; false for gauges (RSS, cache, WAL): a second's value is as read.
bool server_metric_is_counter(ServerMetric m);

// One reading of one source: counters cumulative as the server gives them (kCpu in
// CPU-seconds), gauges as they are; nullopt: this source has no such number.
struct ServerReading {
  int64_t unix_ns = 0;
  std::array<std::optional<double>, kServerMetricCount> values{};
  // --server-metric NAME: any one numeric metric of the source by its own name, as read.
  std::vector<std::pair<std::string, double>> extra;
  std::optional<double>& operator[](ServerMetric m) { return values[static_cast<size_t>(m)]; }
  const std::optional<double>& operator[](ServerMetric m) const { return values[static_cast<size_t>(m)]; }
};

// A counter's increase from `before` to `after`: a smaller `after` is a reset (a restarted
// server, a dropped shard), and then the increase is `after` itself.
double counter_increase(double before, double after);

// One second of one source: counters as per-second rates (kCpu: cores busy), gauges as read.
struct ServerSecond {
  int64_t unix_ns = 0;  // the end of the second (the later reading's time)
  std::array<std::optional<double>, kServerMetricCount> values{};
  std::vector<std::pair<std::string, double>> extra;
  const std::optional<double>& operator[](ServerMetric m) const { return values[static_cast<size_t>(m)]; }
};

// The seconds between consecutive readings: rates from each pair (readings closer than
// 0.2 s to the previous one give no second of their own; when all are, one second from the
// first to the last).
std::vector<ServerSecond> server_seconds(const std::vector<ServerReading>& readings);

// One source over one statement's window.
struct ServerSourceStats {
  std::string source;   // "127.0.0.1:8086", "pid 1234"
  std::string kind;     // "/debug/vars", "/metrics", "node exporter", "/proc"
  bool counts_rows = false;  // VictoriaMetrics: server_points counts rows, one per field
  bool host = false;         // a node exporter: CPU and memory are the host's
  // Totals over the window (increase of a counter), nullopt: the source has none.
  std::optional<double> points, write_errors, series_created, disk_write_bytes, cpu_seconds;
  std::optional<double> cpu_avg, cpu_max;            // cores
  std::optional<double> rss_max, cache_bytes_max, wal_bytes_max;  // bytes
  std::vector<std::pair<std::string, double>> extra;  // --server-metric values at the close
  uint64_t failures = 0;     // readings that failed in the window (dead, 500, garbage, slow)
  std::string last_error;    // the first such failure's reason (one line, sanitized)
  std::vector<ServerSecond> seconds;  // per second of the window
  // A window shared with statements that ran at the same time (GO ... WAIT): the server's
  // count and CPU cannot be split between them, so an INSERT's are judged over the joint
  // window against the points every INSERT in it accepted. Empty: the statement ran alone.
  std::vector<std::string> shared_with;  // the other statements' names
  std::optional<double> shared_points, shared_cpu_seconds;  // over the joint window
  uint64_t shared_accepted = 0;  // points the INSERTs of the joint window accepted
  // > 1: this report is one shard's of that many (--shard I/N). Every shard reads the same
  // server, whose count and CPU hold every shard's points: neither is judged against this
  // shard's points (no count check, no CPU per point).
  uint32_t shards = 1;
  // The source of one of several Addresses the statement wrote to (request i goes to address
  // i mod N): that server counted, and spent CPU on, only the points sent to it, so its count
  // and CPU per point are judged against `address_accepted`, the points that address
  // accepted (in a shared window, shared_accepted is likewise the INSERTs' points for it).
  bool address_share = false;
  uint64_t address_accepted = 0;
  // The points stressql had accepted that this source's count covers: `accepted` (the
  // statement's), or address_accepted for an address's share.
  uint64_t accepted_here(uint64_t accepted) const { return address_share ? address_accepted : accepted; }
  // CPU seconds per million points accepted (`accepted` is stressql's count, accepted_here;
  // in a shared window the joint window's CPU over what its INSERTs accepted); nullopt
  // without CPU or points, and for one shard of several (`shards` > 1).
  std::optional<double> cpu_per_mpts(uint64_t accepted) const;
};

// The window [start_ns, end_ns] of `readings` (ordered by time): from the last reading at
// or before the start to the last reading before `settle_until_ns` (the next statement's
// start: a server may count a write after it answered it) when that is at or after the end,
// else the first at or after the end (the nearest inside when there is none). `failures`
// are the times of failed readings.
ServerSourceStats server_window(const std::vector<ServerReading>& readings,
                                const std::vector<int64_t>& failures, int64_t start_ns,
                                int64_t end_ns, int64_t settle_until_ns = 0);

// The JSON key of a statement's value (server_cpu_per_mpts, server_rss_max, …) is the
// vocabulary's; the sum over a statement's sources, where a sum makes sense.
std::optional<double> server_total(const std::vector<ServerSourceStats>& sources,
                                   std::optional<double> ServerSourceStats::*field);
// The largest over the sources.
std::optional<double> server_max(const std::vector<ServerSourceStats>& sources,
                                 std::optional<double> ServerSourceStats::*field);

// "Process CPU when known, else host": the statement's value of a CPU or memory field, over
// the sources of a server process (/debug/vars, /metrics, /proc) when any has it, else over
// the host sources (node exporters). `sum`: summed (CPU seconds), else the largest (RSS).
std::optional<double> server_process_first(const std::vector<ServerSourceStats>& sources,
                                           std::optional<double> ServerSourceStats::*field, bool sum);
// server_cpu_per_mpts of a statement: its server CPU seconds per million points accepted
// by stressql (in a shared window, the joint window's over its INSERTs'); nullopt without
// either, and for one shard's report (ServerSourceStats::shards > 1).
std::optional<double> server_cpu_per_mpts(const std::vector<ServerSourceStats>& sources,
                                          uint64_t accepted);

}  // namespace stressql::stats
