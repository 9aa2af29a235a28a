#include "stats/server_stats.h"

#include <algorithm>

namespace stressql::stats {
namespace {

constexpr int64_t kMinGapNs = 200'000'000;

struct Info {
  const char* name;
  bool counter;
};
constexpr Info kInfo[kServerMetricCount] = {
    {"server_points", true},         {"server_write_errors", true}, {"server_cpu", true},
    {"server_rss", false},           {"server_series_created", true},
    {"server_cache_bytes", false},   {"server_wal_bytes", false},   {"server_disk_write_bytes", true},
};

void keep_max(std::optional<double>* to, const std::optional<double>& v) {
  if (v && (!*to || *v > **to)) *to = *v;
}

}  // namespace

const char* server_metric_name(ServerMetric m) { return kInfo[static_cast<size_t>(m)].name; }
bool server_metric_is_counter(ServerMetric m) { return kInfo[static_cast<size_t>(m)].counter; }

double counter_increase(double before, double after) {
  return after >= before ? after - before : after;
}

namespace {

std::vector<ServerSecond> seconds_apart(const std::vector<ServerReading>& readings, int64_t min_gap_ns) {
  std::vector<ServerSecond> out;
  size_t prev = 0;
  for (size_t i = 1; i < readings.size(); ++i) {
    const ServerReading& a = readings[prev];
    const ServerReading& b = readings[i];
    const int64_t gap = b.unix_ns - a.unix_ns;
    if (gap < min_gap_ns) continue;
    ServerSecond s;
    s.unix_ns = b.unix_ns;
    for (size_t k = 0; k < kServerMetricCount; ++k) {
      const auto m = static_cast<ServerMetric>(k);
      if (!b.values[k]) continue;
      if (!server_metric_is_counter(m)) {
        s.values[k] = b.values[k];
      } else if (a.values[k]) {
        s.values[k] = counter_increase(*a.values[k], *b.values[k]) * 1e9 / double(gap);
      }
    }
    s.extra = b.extra;
    out.push_back(std::move(s));
    prev = i;
  }
  return out;
}

}  // namespace

std::vector<ServerSecond> server_seconds(const std::vector<ServerReading>& readings) {
  std::vector<ServerSecond> out = seconds_apart(readings, kMinGapNs);
  if (out.empty() && readings.size() >= 2) out = seconds_apart({readings.front(), readings.back()}, 1);
  return out;
}

std::optional<double> ServerSourceStats::cpu_per_mpts(uint64_t accepted) const {
  if (shards > 1) return std::nullopt;
  if (!shared_with.empty()) {
    if (!shared_cpu_seconds || shared_accepted == 0) return std::nullopt;
    return *shared_cpu_seconds * 1e6 / double(shared_accepted);
  }
  const uint64_t here = accepted_here(accepted);
  if (!cpu_seconds || here == 0) return std::nullopt;
  return *cpu_seconds * 1e6 / double(here);
}

ServerSourceStats server_window(const std::vector<ServerReading>& readings,
                                const std::vector<int64_t>& failures, int64_t start_ns,
                                int64_t end_ns, int64_t settle_until_ns) {
  ServerSourceStats st;
  // Failed readings from the second before the start (where the window's first reading is)
  // to the window's close.
  const int64_t close_ns = std::max(end_ns, settle_until_ns);
  for (int64_t t : failures) st.failures += (t >= start_ns - 1'000'000'000 && t <= close_ns) ? 1 : 0;
  if (readings.empty()) return st;
  // First: the last reading at or before the start (else the first one); last: the first
  // at or after the end (else the last one).
  size_t first = 0;
  for (size_t i = 0; i < readings.size() && readings[i].unix_ns <= start_ns; ++i) first = i;
  size_t last = readings.size() - 1;
  for (size_t i = readings.size(); i-- > 0;) {
    if (readings[i].unix_ns < end_ns) break;
    last = i;
  }
  for (size_t i = last + 1; i < readings.size() && readings[i].unix_ns < settle_until_ns; ++i) last = i;
  if (last < first) last = first;
  const std::vector<ServerReading> window(readings.begin() + static_cast<std::ptrdiff_t>(first),
                                          readings.begin() + static_cast<std::ptrdiff_t>(last) + 1);
  const ServerReading& a = window.front();
  const ServerReading& b = window.back();
  auto increase = [&](ServerMetric m) -> std::optional<double> {
    if (window.size() < 2 || !a[m] || !b[m]) return std::nullopt;
    // Summed second by second, so a reset inside the window loses only that second.
    double sum = 0;
    for (size_t i = 1; i < window.size(); ++i) {
      if (window[i - 1][m] && window[i][m]) sum += counter_increase(*window[i - 1][m], *window[i][m]);
    }
    return sum;
  };
  st.points = increase(ServerMetric::kPoints);
  st.write_errors = increase(ServerMetric::kWriteErrors);
  st.series_created = increase(ServerMetric::kSeriesCreated);
  st.disk_write_bytes = increase(ServerMetric::kDiskWriteBytes);
  st.cpu_seconds = increase(ServerMetric::kCpu);
  if (st.cpu_seconds && b.unix_ns > a.unix_ns) st.cpu_avg = *st.cpu_seconds * 1e9 / double(b.unix_ns - a.unix_ns);
  st.seconds = server_seconds(window);
  for (const ServerSecond& s : st.seconds) keep_max(&st.cpu_max, s[ServerMetric::kCpu]);
  st.extra = b.extra;
  for (const ServerReading& r : window) {
    keep_max(&st.rss_max, r[ServerMetric::kRss]);
    keep_max(&st.cache_bytes_max, r[ServerMetric::kCacheBytes]);
    keep_max(&st.wal_bytes_max, r[ServerMetric::kWalBytes]);
  }
  return st;
}

std::optional<double> server_total(const std::vector<ServerSourceStats>& sources,
                                   std::optional<double> ServerSourceStats::*field) {
  std::optional<double> sum;
  for (const ServerSourceStats& s : sources) {
    if (s.*field) sum = sum.value_or(0) + *(s.*field);
  }
  return sum;
}

std::optional<double> server_max(const std::vector<ServerSourceStats>& sources,
                                 std::optional<double> ServerSourceStats::*field) {
  std::optional<double> best;
  for (const ServerSourceStats& s : sources) keep_max(&best, s.*field);
  return best;
}

std::optional<double> server_process_first(const std::vector<ServerSourceStats>& sources,
                                           std::optional<double> ServerSourceStats::*field, bool sum) {
  for (bool host : {false, true}) {
    std::optional<double> v;
    for (const ServerSourceStats& s : sources) {
      if (s.host != host || !(s.*field)) continue;
      if (sum) {
        v = v.value_or(0) + *(s.*field);
      } else {
        keep_max(&v, s.*field);
      }
    }
    if (v) return v;
  }
  return std::nullopt;
}

std::optional<double> server_cpu_per_mpts(const std::vector<ServerSourceStats>& sources,
                                          uint64_t accepted) {
  for (const ServerSourceStats& s : sources) {
    if (s.shards > 1) return std::nullopt;
  }
  if (!sources.empty() && !sources.front().shared_with.empty()) {
    const std::optional<double> cpu = server_process_first(sources, &ServerSourceStats::shared_cpu_seconds, true);
    const uint64_t together = sources.front().shared_accepted;
    if (!cpu || together == 0) return std::nullopt;
    return *cpu * 1e6 / double(together);
  }
  const std::optional<double> cpu = server_process_first(sources, &ServerSourceStats::cpu_seconds, true);
  if (!cpu || accepted == 0) return std::nullopt;
  return *cpu * 1e6 / double(accepted);
}

}  // namespace stressql::stats
