#pragma once
// What can be measured of a statement (SPEC §6.3's metrics): the names thresholds, SLOs,
// repeats and compare share, each statement's value of one, and how the report prints it.
// Pure: no I/O.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stats/statement_report.h"

namespace stressql::stats {

enum class Metric {
  kPointsPerSec,    // points accepted per second of the statement's run time
  kRequestsPerSec,  // successful requests per second of run time
  kAvg, kP50, kP95, kP99, kP999, kMax,  // latency from due time of successful requests, ns
  kErrors,          // requests that finally failed
  kErrorRate,       // finally failed requests, % of finished requests
  kRetries,         // attempts beyond the first
  kCpuPerMpts,      // the run's own CPU seconds per million points accepted
  // SPEC §7.1, from the statement's metrics sources (SET ServerMetrics, --server-pid):
  kServerCpuPerMpts,  // the server's CPU seconds per million points stressql had accepted
  kServerRssMax,      // the server's largest resident memory, bytes
};

// How a metric's values are measured, and so which units a threshold may give.
enum class MetricKind { kLatency, kPercent, kCount, kCpu, kBytes };

// "p99", "error_rate", ...
const char* metric_name(Metric m);
MetricKind metric_kind(Metric m);
// The metric of that name ("p99"); false for an unknown name. `metric_names()` lists them all,
// comma-separated, for error messages.
bool metric_from_name(std::string_view name, Metric* out);
std::string metric_names();

// Whether statements of this kind have the metric (INSERT: all; QUERY: all but
// points_per_sec and the two CPU per million points; others: none). Offline statements have
// only points_per_sec and cpu. The server's metrics need a metrics source (measure() says
// nullopt without one).
bool has_metric(const StatementReport& r, Metric m);

// The statement's value of the metric, in the metric's unit; nullopt when it has no value
// (no successful request for a latency, no finished request for error_rate, no points for
// cpu_per_mpts). `run_cpu_per_mpts` is the run's CPU-s per million points (0: unknown).
std::optional<double> measure(const StatementReport& r, Metric m, double run_cpu_per_mpts);

// Whether the metric is the server's (SPEC §7.1), not stressql's own measurement.
bool is_server_metric(Metric m);

// The value as the report prints it: "183ms", "0.5%", "480000", "0.0123 CPU-s", "812 MB".
std::string format_metric(Metric m, std::optional<double> value);
// `v` to three significant digits, never in exponent form: 0.0123, 21.3, 4000, 123457.
std::string significant(double v);

// The run's CPU seconds per million points accepted, as the report prints it (0: no points).
double run_cpu_per_mpts(const std::vector<StatementReport>& statements, double cpu_seconds);

}  // namespace stressql::stats
