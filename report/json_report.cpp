#include "report/json_report.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>

#include "report/json_text.h"
#include "stats/latency_spectrum.h"

namespace stressql::report {
namespace {

nlohmann::json latency_json(const stats::Histogram& h) {
  return {{"count", h.count()},
          {"min", h.min()},
          {"mean", h.mean()},
          {"stddev", h.stddev()},
          {"p50", h.value_at_percentile(50)},
          {"p95", h.value_at_percentile(95)},
          {"p99", h.value_at_percentile(99)},
          {"p999", h.value_at_percentile(99.9)},
          {"max", h.max()}};
}

nlohmann::json latency3_json(int64_t p50, int64_t p99, int64_t max) {
  return {{"p50", p50}, {"p99", p99}, {"max", max}};
}

nlohmann::json opt(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

// SPEC §7.1: the vocabulary's keys; the statement's values (summed over its sources where a
// sum makes sense, CPU and memory the server process's when known, else the host's), and
// each source with its seconds.
nlohmann::json server_json(const stats::StatementReport& r) {
  using stats::ServerMetric;
  using stats::ServerSourceStats;
  const auto& src = r.server;
  nlohmann::json sources = nlohmann::json::array();
  for (const ServerSourceStats& s : src) {
    nlohmann::json seconds = nlohmann::json::array();
    for (const stats::ServerSecond& sec : s.seconds) {
      // "second": since the statement's start, the x of its one-second intervals.
      nlohmann::json one = {{"time", rfc3339(sec.unix_ns)}, {"second", double(sec.unix_ns - r.start_unix_ns) / 1e9}};
      for (size_t k = 0; k < stats::kServerMetricCount; ++k) {
        if (sec.values[k]) one[stats::server_metric_name(static_cast<ServerMetric>(k))] = *sec.values[k];
      }
      for (const auto& [name, value] : sec.extra) one["metrics"][name] = value;
      seconds.push_back(std::move(one));
    }
    sources.push_back({{"source", s.source},
                       {"kind", s.kind},
                       {"counts_rows", s.counts_rows},
                       {"host", s.host},
                       {"server_points", opt(s.points)},
                       {"server_write_errors", opt(s.write_errors)},
                       {"server_series_created", opt(s.series_created)},
                       {"server_disk_write_bytes", opt(s.disk_write_bytes)},
                       {"server_cpu_seconds", opt(s.cpu_seconds)},
                       {"server_cpu", opt(s.cpu_avg)},
                       {"server_cpu_max", opt(s.cpu_max)},
                       {"server_cpu_per_mpts", opt(s.cpu_per_mpts(r.stats.points_accepted))},
                       {"server_rss_max", opt(s.rss_max)},
                       {"server_cache_bytes_max", opt(s.cache_bytes_max)},
                       {"server_wal_bytes_max", opt(s.wal_bytes_max)},
                       {"failed_readings", s.failures},
                       {"failure", s.last_error},
                       {"per_second", std::move(seconds)}});
    if (!s.shared_with.empty()) {
      sources.back()["shared_with"] = s.shared_with;
      sources.back()["server_points_shared"] = opt(s.shared_points);
      sources.back()["points_accepted_shared"] = s.shared_accepted;
    }
    if (s.shards > 1) sources.back()["shards"] = s.shards;
    if (s.address_share) sources.back()["points_accepted_address"] = s.address_accepted;
  }
  nlohmann::json out = {
      {"server_points", opt(stats::server_total(src, &ServerSourceStats::points))},
      {"server_write_errors", opt(stats::server_total(src, &ServerSourceStats::write_errors))},
      {"server_series_created", opt(stats::server_total(src, &ServerSourceStats::series_created))},
      {"server_disk_write_bytes",
       opt(stats::server_process_first(src, &ServerSourceStats::disk_write_bytes, true))},
      {"server_cpu", opt(stats::server_process_first(src, &ServerSourceStats::cpu_avg, true))},
      {"server_cpu_per_mpts", opt(stats::server_cpu_per_mpts(src, r.stats.points_accepted))},
      {"server_rss_max", opt(stats::server_process_first(src, &ServerSourceStats::rss_max, false))},
      {"server_cache_bytes_max", opt(stats::server_max(src, &ServerSourceStats::cache_bytes_max))},
      {"server_wal_bytes_max", opt(stats::server_max(src, &ServerSourceStats::wal_bytes_max))},
      {"sources", std::move(sources)}};
  // One shard's report (--shard I/N): the server's count and CPU hold every shard's points,
  // so neither is judged against this shard's (server_cpu_per_mpts is null).
  if (!src.empty() && src.front().shards > 1) {
    out["not_judged_per_shard"] = {"server_points", "server_cpu_per_mpts"};
  }
  return out;
}

nlohmann::json statement_json(const stats::StatementReport& r, size_t index) {
  const stats::RequestStats& s = r.stats;
  nlohmann::json j = {{"index", index},
                      {"id", r.id},
                      {"kind", stats::kind_name(r.kind)},
                      {"name", r.name},
                      {"go", r.go},
                      {"ran", r.ran},
                      {"ok", r.ok},
                      {"error", r.error},
                      {"warning", r.warning},
                      {"hint", r.hint},
                      {"start_time", r.start_unix_ns ? rfc3339(r.start_unix_ns) : ""},
                      {"duration_ns", r.duration_ns}};
  switch (r.kind) {
    case stats::StatementKind::kSet:
      j["value"] = r.set_value;
      break;
    case stats::StatementKind::kExec:
      j["exit_status"] = r.exit_status;
      break;
    case stats::StatementKind::kWait:
      break;
    case stats::StatementKind::kInsert:
    case stats::StatementKind::kQuery:
    case stats::StatementKind::kInfluxQL: {
      nlohmann::json failures = nlohmann::json::object();
      for (const auto& [k, v] : s.failures) failures[k] = v;
      nlohmann::json statuses = nlohmann::json::object();
      for (const auto& [k, v] : s.statuses) statuses[std::to_string(k)] = v;
      j["offline"] = r.offline;
      j["requests"] = {{"planned", r.requests_planned}, {"ok", s.requests_ok},
                       {"failed", s.requests_failed},   {"attempts", s.attempts},
                       {"retries", s.retries},          {"not_sent", r.requests_not_sent},
                       {"rendered", s.requests_rendered}};
      j["latency_ns"] = latency_json(s.latency);
      {
        nlohmann::json lost = latency_json(s.retry_lost);
        lost["total"] = s.retry_lost_total_ns;
        j["retries"] = {{"attempts_per_request", s.attempts_per_request()},
                        {"most_attempts", s.most_attempts},
                        {"requests_retried", s.requests_retried},
                        {"time_lost_ns", lost}};
      }
      j["latency_spectrum"] = stats::latency_spectrum_json(s.latency, s.latency_from_send);
      if (r.rate.open_loop()) {
        j["rate"] = {{"target", stats::rate_target_text(r.rate)},
                     {"unit", r.rate.unit},
                     {"from", r.rate.from},
                     {"to", r.rate.to},
                     {"ramp_ns", r.rate.ramp_ns},
                     {"slack_ns", r.rate.slack_ns},
                     {"shards", r.rate.shards},
                     {"units_per_request", r.rate.units_per_request},
                     {"achieved", stats::achieved_rate(r)},
                     {"sends", s.sends},
                     {"sent_late", s.sent_late},
                     {"lag_ns", latency_json(s.lag)},
                     {"latency_from_send_ns", latency_json(s.latency_from_send)}};
      }
      j["failures"] = failures;
      j["statuses"] = statuses;
      j["bytes"] = {{"request", s.request_bytes}, {"response", s.response_bytes}};
      j["http_status"] = r.http_status;
      j["server_message"] = r.server_message;
      if (!r.api.empty()) j["api"] = {{"name", r.api}, {"reason", r.api_reason}};
      if (r.kind == stats::StatementKind::kInsert) {
        j["gzip"] = {{"level", r.gzip_level},
                     {"ratio", stats::compression_ratio(r)},
                     {"raw_body_bytes", s.raw_body_bytes},
                     {"body_bytes", s.encoded_body_bytes}};
      }
      j["settings"] = {{"number_targets", r.number_targets},
                       {"precision", r.precision},
                       {"batch_size", r.batch_size},
                       {"write_concurrency", r.writers},
                       {"query_concurrency", r.readers},
                       {"write_interval_ns", r.write_interval_ns},
                       {"query_interval_ns", r.query_interval_ns}};
      if (r.kind == stats::StatementKind::kInsert) {
        j["series"] = r.series;
        j["points"] = {{"requested", r.points_requested}, {"accepted", s.points_accepted},
                       {"dropped", s.points_dropped},     {"failed", s.points_failed},
                       {"not_sent", r.points_not_sent}, {"rendered", s.points_rendered},
                       {"skipped", r.points_skipped}};
        if (!r.data_shape.empty()) j["data_shape"] = r.data_shape;
        j["points_per_second"] = stats::points_per_second(r);
      }
      j["intervals"] = intervals_json(r.intervals);
      j["interval_late_samples"] = r.intervals.late_samples();
      if (!r.server.empty()) j["server"] = server_json(r);
      break;
    }
  }
  return j;
}

}  // namespace

nlohmann::json intervals_json(const stats::IntervalStats& iv) {
  nlohmann::json list = nlohmann::json::array();
  const std::vector<std::string>& classes = iv.failure_classes();
  for (const stats::IntervalRecord& k : iv.closed()) {
    nlohmann::json by_class = nlohmann::json::object();
    for (size_t i = 0; i < classes.size(); ++i) {
      if (k.by_class[i] != 0) by_class[classes[i]] = k.by_class[i];
    }
    list.push_back({{"second", k.second},
                    {"start_time", rfc3339(iv.start_unix_ns() + int64_t{k.second} * 1'000'000'000)},
                    {"requests", k.requests},
                    {"points_accepted", k.points_accepted},
                    {"failures", k.failures},
                    {"failures_by_class", std::move(by_class)},
                    {"retries", k.retries},
                    {"latency_from_due_ns", latency3_json(k.from_due_p50, k.from_due_p99, k.from_due_max)},
                    {"latency_from_send_ns",
                     latency3_json(k.from_send_p50, k.from_send_p99, k.from_send_max)}});
  }
  return list;
}

std::string rfc3339(int64_t unix_ns) {
  time_t secs = static_cast<time_t>(unix_ns / 1'000'000'000);
  int64_t frac = unix_ns % 1'000'000'000;
  tm t{};
  gmtime_r(&secs, &t);
  char buf[64];
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
  snprintf(buf + n, sizeof buf - n, ".%09lldZ", static_cast<long long>(frac));
  return buf;
}

HostInfo host_info() {
  HostInfo h;
  h.cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  utsname u{};
  if (uname(&u) == 0) h.kernel = std::string(u.sysname) + " " + u.release;
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) h.cpu_model = line.substr(line.find_first_not_of(' ', colon + 1));
      break;
    }
  }
  return h;
}

nlohmann::json json_report(const std::vector<stats::StatementReport>& statements, const stats::RunSummary& run,
                           const nlohmann::json& options, const std::string& version) {
  HostInfo host = host_info();
  const stats::RunTotals t = run_totals(statements);
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < statements.size(); ++i) list.push_back(statement_json(statements[i], i));
  const uint64_t cpu_points = t.cpu_points();
  double cpu = run.cpu_user_s + run.cpu_system_s;
  nlohmann::json doc = {{"schema", "stressql-report"},
          {"schema_version", kJsonSchemaVersion},
          {"tool", {{"name", "stressql"}, {"version", version}}},
          {"test_id", run.test_id},
          {"start_time", rfc3339(run.start_unix_ns)},
          {"end_time", rfc3339(run.start_unix_ns + run.duration_ns)},
          {"duration_ns", run.duration_ns},
          {"ok", !run.interrupted && t.failed_statements == 0},
          {"interrupted", run.interrupted},
          {"host", {{"cpu_model", host.cpu_model}, {"cores", host.cores}, {"kernel", host.kernel}}},
          {"options", options},
          {"cpu", {{"user_s", run.cpu_user_s},
                   {"system_s", run.cpu_system_s},
                   {"per_million_points", cpu_points ? cpu * 1e6 / double(cpu_points) : 0.0}}},
          {"totals", {{"points_requested", t.points_requested},
                      {"points_accepted", t.points_accepted},
                      {"points_dropped", t.points_dropped},
                      {"points_failed", t.points_failed},
                      {"points_not_sent", t.points_not_sent},
                      {"points_skipped", t.points_skipped},
                      {"requests_ok", t.requests_ok},
                      {"requests_failed", t.requests_failed},
                      {"points_rendered", t.points_rendered},
                      {"requests_rendered", t.requests_rendered}}},
          {"engine", {{"reactors", run.reactors},
                      {"send_zc", run.send_zc},
                      {"sends", run.engine.sends},
                      {"zero_copy_sends", run.engine.zero_copy_sends},
                      {"zero_copy_fallbacks", run.engine.zero_copy_fallbacks},
                      {"mapped_sends", run.engine.mapped_sends},
                      {"recv_buffer_shortages", run.engine.recv_buffer_shortages},
                      {"cq_overflows", run.engine.cq_overflows},
                      {"reconnects", run.engine.reconnects},
                      {"summary", run.reactors > 0 ? engine_text(run) : ""}}},
          {"results", run.results_note},
          {"tls_insecure", run.tls_insecure},
          {"statements", list}};
  if (!run.internal_error.empty()) doc["internal_error"] = run.internal_error;
  sanitize_json_text(&doc);  // a server's message is its bytes, not necessarily UTF-8
  return doc;
}

}  // namespace stressql::report
