#include "stats/metric.h"

#include <cmath>
#include <cstdio>

#include "stats/run_summary.h"

namespace stressql::stats {
namespace {

struct MetricInfo {
  Metric metric;
  const char* name;
  MetricKind kind;
};

constexpr MetricInfo kMetrics[] = {
    {Metric::kPointsPerSec, "points_per_sec", MetricKind::kCount},
    {Metric::kRequestsPerSec, "requests_per_sec", MetricKind::kCount},
    {Metric::kAvg, "avg", MetricKind::kLatency},
    {Metric::kP50, "p50", MetricKind::kLatency},
    {Metric::kP95, "p95", MetricKind::kLatency},
    {Metric::kP99, "p99", MetricKind::kLatency},
    {Metric::kP999, "p999", MetricKind::kLatency},
    {Metric::kMax, "max", MetricKind::kLatency},
    {Metric::kErrors, "errors", MetricKind::kCount},
    {Metric::kErrorRate, "error_rate", MetricKind::kPercent},
    {Metric::kRetries, "retries", MetricKind::kCount},
    {Metric::kCpuPerMpts, "cpu_per_mpts", MetricKind::kCpu},
    {Metric::kServerCpuPerMpts, "server_cpu_per_mpts", MetricKind::kCpu},
    {Metric::kServerRssMax, "server_rss_max", MetricKind::kBytes},
};

const MetricInfo& info(Metric m) {
  for (const MetricInfo& i : kMetrics) {
    if (i.metric == m) return i;
  }
  return kMetrics[0];
}

std::string metric_list() {
  std::string out;
  for (const MetricInfo& i : kMetrics) out += (out.empty() ? "" : ", ") + std::string(i.name);
  return out;
}

double latency_value(const Histogram& h, Metric m) {
  switch (m) {
    case Metric::kAvg: return h.mean();
    case Metric::kP50: return double(h.value_at_percentile(50));
    case Metric::kP95: return double(h.value_at_percentile(95));
    case Metric::kP99: return double(h.value_at_percentile(99));
    case Metric::kP999: return double(h.value_at_percentile(99.9));
    default: return double(h.max());
  }
}

}  // namespace

const char* metric_name(Metric m) { return info(m).name; }

bool metric_from_name(std::string_view name, Metric* out) {
  for (const MetricInfo& i : kMetrics) {
    if (name == i.name) {
      *out = i.metric;
      return true;
    }
  }
  return false;
}

std::string metric_names() { return metric_list(); }

MetricKind metric_kind(Metric m) { return info(m).kind; }

bool is_server_metric(Metric m) { return m == Metric::kServerCpuPerMpts || m == Metric::kServerRssMax; }

bool has_metric(const StatementReport& r, Metric m) {
  if (r.kind != StatementKind::kInsert && r.kind != StatementKind::kQuery) return false;
  if (r.offline) return m == Metric::kPointsPerSec || m == Metric::kCpuPerMpts;
  if (r.kind == StatementKind::kQuery) {
    return m != Metric::kPointsPerSec && m != Metric::kCpuPerMpts && m != Metric::kServerCpuPerMpts;
  }
  return true;
}

std::optional<double> measure(const StatementReport& r, Metric m, double run_cpu_per_mpts) {
  const RequestStats& s = r.stats;
  const uint64_t finished = s.requests_ok + s.requests_failed;
  switch (m) {
    case Metric::kPointsPerSec:
      return double(points_per_second(r));
    case Metric::kRequestsPerSec:
      if (r.duration_ns <= 0) return 0.0;
      return double(s.requests_ok) * 1e9 / double(r.duration_ns);
    case Metric::kErrors:
      return double(s.requests_failed);
    case Metric::kErrorRate:
      if (finished == 0) return std::nullopt;
      return 100.0 * double(s.requests_failed) / double(finished);
    case Metric::kRetries:
      return double(s.retries);
    case Metric::kCpuPerMpts:
      if (run_cpu_per_mpts <= 0) return std::nullopt;
      return run_cpu_per_mpts;
    case Metric::kServerCpuPerMpts:
      return server_cpu_per_mpts(r.server, s.points_accepted);
    case Metric::kServerRssMax:
      return server_process_first(r.server, &ServerSourceStats::rss_max, false);
    default:
      if (s.latency.count() == 0) return std::nullopt;
      return latency_value(s.latency, m);
  }
}

std::string significant(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, std::fabs(v) >= 1000 ? "%.0f" : "%.3g", v);
  return buf;
}

std::string format_metric(Metric m, std::optional<double> value) {
  if (!value) return "n/a";
  char buf[64];
  const double v = *value;
  switch (metric_kind(m)) {
    case MetricKind::kLatency:
      if (v >= 1e9) return significant(v / 1e9) + "s";
      if (v >= 1e6) return significant(v / 1e6) + "ms";
      if (v >= 1e3) return significant(v / 1e3) + "us";
      std::snprintf(buf, sizeof buf, "%.0fns", v);
      break;
    case MetricKind::kPercent:
      std::snprintf(buf, sizeof buf, "%.3g%%", v);
      break;
    case MetricKind::kCount:
      std::snprintf(buf, sizeof buf, v == std::floor(v) ? "%.0f" : "%.1f", v);
      break;
    case MetricKind::kCpu:
      std::snprintf(buf, sizeof buf, "%.4f CPU-s", v);
      break;
    case MetricKind::kBytes:
      if (v >= 1e9) return significant(v / 1e9) + " GB";
      std::snprintf(buf, sizeof buf, "%.4g MB", v / 1e6);
      break;
  }
  return buf;
}

double run_cpu_per_mpts(const std::vector<StatementReport>& statements, double cpu_seconds) {
  const RunTotals t = run_totals(statements);
  return t.points_accepted > 0 ? cpu_seconds * 1e6 / double(t.points_accepted) : 0.0;
}

}  // namespace stressql::stats
