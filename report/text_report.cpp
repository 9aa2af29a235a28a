#include "report/text_report.h"

#include <cmath>
#include <cstdio>
#include <string_view>

#include "base/duration_text.h"
#include "base/utf8.h"
#include "stats/metric.h"

namespace stressql::report {
namespace {

constexpr size_t kLabelWidth = 39;  // the value column of the original report

void line(std::string* out, std::string label, const std::string& value) {
  if (label.size() < kLabelWidth) label.resize(kLabelWidth, ' ');
  *out += label + value + "\n";
}

std::string dur(double ns) { return base::duration_text(static_cast<int64_t>(std::llround(ns))); }

std::string failures_text(const stats::RequestStats& s) {
  std::string t;
  for (const auto& [what, n] : s.failures) {
    if (!t.empty()) t += ", ";
    t += what + ": " + std::to_string(n);
  }
  return t.empty() ? "none" : t;
}

void latency_lines(std::string* out, const stats::RequestStats& s, const char* p95_label) {
  const stats::Histogram& h = s.latency;
  line(out, "  Resp Time Average:", dur(h.mean()));
  line(out, "  Resp Time Standard Deviation:", dur(h.stddev()));
  line(out, std::string("  ") + p95_label + ":", dur(double(h.value_at_percentile(95))));
  line(out, "  Resp Time p50 / p99 / Max:",
       dur(double(h.value_at_percentile(50))) + " / " + dur(double(h.value_at_percentile(99))) +
           " / " + dur(double(h.max())));
}

// Under a rate: the target, what was achieved, how late requests went out, and the latency
// from the send beside the one from the due time above.
void rate_lines(std::string* out, const stats::StatementReport& r) {
  if (!r.rate.open_loop()) return;
  const stats::RequestStats& s = r.stats;
  line(out, "  Target Rate:", stats::rate_target_text(r.rate) + (r.rate.per_request.empty() ? "" : " (" + r.rate.per_request + ")"));
  char achieved[64];
  std::snprintf(achieved, sizeof achieved, "%.6g %s", stats::achieved_rate(r), r.rate.unit.c_str());
  line(out, "  Achieved Rate:", achieved);
  line(out, "  Sent Late:", std::to_string(s.sent_late) + " (max lag " + dur(double(s.lag.max())) + ")");
  if (r.rate.slack_ns > 0) {
    line(out, "  Timer Slack:", dur(double(r.rate.slack_ns)) + " (a request may leave this much before its due time)");
  }
  const stats::Histogram& h = s.latency_from_send;
  line(out, "  Resp Time from Send p50 / p99 / Max:",
       dur(double(h.value_at_percentile(50))) + " / " + dur(double(h.value_at_percentile(99))) +
           " / " + dur(double(h.max())));
}

// After "Retries:", when there were any: attempts per request, and the time the retried
// requests lost before the attempt that settled them (included in the latency from due).
void retry_lines(std::string* out, const stats::RequestStats& s) {
  if (s.retries == 0) return;
  const uint64_t requests = s.requests_ok + s.requests_failed + s.requests_rendered;
  char text[128];
  std::snprintf(text, sizeof text, "%.3f mean, %u max (%llu of %llu requests retried)", s.attempts_per_request(),
                s.most_attempts, static_cast<unsigned long long>(s.requests_retried),
                static_cast<unsigned long long>(requests));
  line(out, "  Attempts per Request:", text);
  const stats::Histogram& h = s.retry_lost;
  line(out, "  Time Lost to Retries:",
       "total " + dur(double(s.retry_lost_total_ns)) + ", p99 " + dur(double(h.value_at_percentile(99))) +
           ", max " + dur(double(h.max())));
}

// Which API the statement spoke and why (SET Api or what auto saw), and gzip's effect.
void api_lines(std::string* out, const stats::StatementReport& r) {
  if (r.api.empty()) return;
  line(out, "  API:", r.api + (r.api_reason.empty() ? "" : " (" + r.api_reason + ")"));
  if (r.gzip_level <= 0 || r.kind != stats::StatementKind::kInsert) return;
  char text[160];
  std::snprintf(text, sizeof text, "level %d, ratio %.2f (%llu body bytes sent for %llu)", r.gzip_level,
                stats::compression_ratio(r), static_cast<unsigned long long>(r.stats.encoded_body_bytes),
                static_cast<unsigned long long>(r.stats.raw_body_bytes));
  line(out, "  Gzip:", text);
}

std::string number(double v, const char* format = "%.0f") {
  char text[64];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

std::string megabytes(double bytes) { return number(bytes / 1e6, bytes < 1e7 ? "%.1f MB" : "%.0f MB"); }

// One shard's report (SPEC §6.5, ServerSourceStats::shards): the server counts, and spends
// CPU on, every shard's points; this report holds one shard's.
constexpr char kShardCount[] =
    "not judged per shard: the server counts the points of every shard of the test, this "
    "report holds this shard's";
constexpr char kShardCpu[] =
    "not judged per shard: the server's CPU went to the points of every shard of the test, "
    "this report holds this shard's";

// SPEC §7.1: each metrics source over the statement's window, and one line when the server's
// count of points differs from stressql's accepted count (one shard's report judges neither
// the count nor the CPU per point).
void server_lines(std::string* out, const stats::StatementReport& r) {
  const uint64_t accepted = r.stats.points_accepted;
  // A QUERY writes nothing: what the server wrote in its window came from other writers.
  const bool writes = r.kind == stats::StatementKind::kInsert;
  const std::string others = "other writers in this window; this statement writes none";
  for (const stats::ServerSourceStats& s : r.server) {
    *out += "  Server " + s.source + " (" + s.kind + "):\n";
    const bool shard = s.shards > 1;
    // One of several Addresses: its count and CPU are judged against the points it took.
    const std::string by_it = s.address_share ? " by this address" : "";
    // The count's verdict: not judged in one shard's report, else a mismatch when the
    // server counted other than stressql's accepted (`where`: which window).
    auto count_check = [&](double counted, uint64_t expected, const std::string& where) {
      if (shard) return line(out, "    Count Check:", kShardCount);
      if (std::llround(counted) == static_cast<long long>(expected)) return;
      const double diff = counted - double(expected);
      line(out, "    Count Mismatch:",
           "the server counted " + number(std::fabs(diff)) + (diff > 0 ? " more" : " fewer") +
               " points than stressql's accepted" + where +
               (diff > 0 ? " (other writers count too)" : " (points acknowledged and not written?)"));
    };
    if (writes && !s.shared_with.empty()) {
      // Statements at the same time: the server's count is theirs together.
      std::string names;
      for (const std::string& n : s.shared_with) names += (names.empty() ? "" : ", ") + n;
      line(out, "    Shared Window:", "ran at the same time as " + names +
                                        "; the server's count and CPU are judged over their joint window");
      if (s.shared_points) {
        const uint64_t together = s.shared_accepted;
        line(out, s.counts_rows ? "    Rows Written (server count):" : "    Points Written (server count):",
             number(*s.shared_points) + (s.counts_rows ? " (VictoriaMetrics counts rows, one per field; " : " (") +
                 "stressql: " + std::to_string(together) + " points accepted" + by_it + " in the joint window)");
        if (shard || !s.counts_rows) count_check(*s.shared_points, together, by_it + " in the joint window");
      }
    } else if (s.points && s.counts_rows) {
      line(out, "    Rows Written (server count):",
           number(*s.points) + " (VictoriaMetrics counts rows, one per field; " +
               (writes ? "stressql: " + std::to_string(s.accepted_here(accepted)) + " points accepted" + by_it + ")"
                       : others + ")"));
    } else if (s.points) {
      line(out, "    Points Written (server count):",
           number(*s.points) + " (" +
               (writes ? "stressql: " + std::to_string(s.accepted_here(accepted)) + " accepted" + by_it + ")"
                       : others + ")"));
      if (writes) count_check(*s.points, s.accepted_here(accepted), by_it);
    }
    if (s.write_errors && *s.write_errors > 0) line(out, "    Write Errors (server count):", number(*s.write_errors));
    if (s.cpu_avg) {
      line(out, s.host ? "    Host CPU:" : "    Server CPU:",
           number(*s.cpu_avg, "%.2f") + " cores avg, " + number(s.cpu_max.value_or(*s.cpu_avg), "%.2f") + " max");
    }
    const char* per_label =
        s.host ? "    Host CPU per Million Points:" : "    Server CPU per Million Points:";
    if (const std::optional<double> per = s.cpu_per_mpts(accepted)) {
      line(out, per_label,
           stats::significant(*per) + " CPU-s" +
               (writes && !s.shared_with.empty() ? " (joint window)" : ""));
    } else if (shard && writes && (s.cpu_seconds || s.shared_cpu_seconds)) {
      line(out, per_label, kShardCpu);
    }
    if (s.rss_max) line(out, s.host ? "    Host Memory Used max:" : "    Server RSS max:", megabytes(*s.rss_max));
    if (s.series_created) line(out, "    Series Created:", number(*s.series_created));
    if (s.cache_bytes_max) line(out, "    Cache max:", megabytes(*s.cache_bytes_max));
    if (s.wal_bytes_max) line(out, "    WAL max:", megabytes(*s.wal_bytes_max));
    if (s.disk_write_bytes) line(out, "    Disk Written:", megabytes(*s.disk_write_bytes));
    for (const auto& [name, value] : s.extra) line(out, "    " + name + ":", number(value, "%.6g"));
    if (s.failures > 0) {
      line(out, "    Failed Readings:", std::to_string(s.failures) + " (" + s.last_error + ")");
    }
  }
}

// What the controller puts in front of the error of a statement a stop kept from starting.
constexpr std::string_view kNotRunPrefix = "not run: ";

// A statement a stop kept from starting did not succeed, whatever its `ok` says; one that
// --dump/--dry-run did not send ("not sent") is no failure.
std::string status_mark(const stats::StatementReport& r) {
  const bool stopped = !r.ran && r.error.starts_with(kNotRunPrefix);
  return r.ok && !stopped ? "[√] " : "[X] ";
}

// Why a statement never ran, for its "Not run:" line: the error without the prefix, which
// the one-line EXEC and InfluxQL forms keep.
std::string not_run_reason(const std::string& error) {
  return error.starts_with(kNotRunPrefix) ? error.substr(kNotRunPrefix.size()) : error;
}

}  // namespace

std::string render_statement(const stats::StatementReport& r) {
  std::string out;
  const stats::RequestStats& s = r.stats;
  switch (r.kind) {
    case stats::StatementKind::kSet:
      out = "SET " + r.name + " = '" + r.set_value + "'\n";
      break;
    case stats::StatementKind::kWait:
      out = "WAIT -> " + base::duration_text(r.duration_ns) + "\n";
      break;
    case stats::StatementKind::kInfluxQL:
      out = status_mark(r) + "'" + r.name + "' -> ";
      // Not run (--dump/--dry-run, interrupted): say why instead of a run time.
      out += !r.ran && !r.error.empty() ? r.error : base::duration_text(r.duration_ns);
      if (!r.ok && r.ran) {
        out += " (" + (r.http_status ? "HTTP " + std::to_string(r.http_status) : r.error);
        if (!r.server_message.empty()) out += ": " + r.server_message;
        out += ")";
      }
      out += "\n";
      if (!r.hint.empty()) line(&out, "  Hint:", r.hint);
      break;
    case stats::StatementKind::kExec:
      out = status_mark(r) + (r.go ? "GO EXEC '" : "EXEC '") + r.name + "' -> ";
      out += r.exit_status >= 0 ? "exit " + std::to_string(r.exit_status) : r.error;
      out += " in " + base::duration_text(r.duration_ns) + "\n";
      break;
    case stats::StatementKind::kInsert:
      line(&out, r.go ? "Go Write Statement:" : "Write Statement:", r.name);
      if (!r.ran) {
        line(&out, "  Not run:", not_run_reason(r.error));
        break;
      }
      if (r.offline) {  // rendered by the reactors, never sent: nothing was accepted
        line(&out, "  Points Rendered/Sec (not sent):", std::to_string(stats::points_per_second(r)));
        line(&out, "  Points Rendered (not sent):", std::to_string(s.points_rendered));
        line(&out, "  Requests Rendered (not sent):", std::to_string(s.requests_rendered));
        line(&out, "  Request Bytes Rendered:", std::to_string(s.request_bytes));
        api_lines(&out, r);
        if (r.points_skipped > 0) line(&out, "  Points Skipped:", std::to_string(r.points_skipped));
        if (r.points_not_sent > 0) line(&out, "  Points Not Rendered:", std::to_string(r.points_not_sent));
        if (!r.data_shape.empty()) line(&out, "  Data Shape:", r.data_shape);
        line(&out, "  Run Time:", base::duration_text(r.duration_ns));
        if (!r.error.empty()) line(&out, "  Error:", r.error);
        break;
      }
      line(&out, "  Points/Sec:", std::to_string(stats::points_per_second(r)));
      latency_lines(&out, s, "95th Percentile Write Response");
      rate_lines(&out, r);
      api_lines(&out, r);
      line(&out, "  Average Request Bytes:",
           std::to_string(s.requests_ok ? s.request_bytes / s.requests_ok : 0));
      line(&out, "  Successful Write Reqs:", std::to_string(s.requests_ok));
      line(&out, "  Failed Write Reqs:", std::to_string(s.requests_failed));
      line(&out, "  Retries:", std::to_string(s.retries));
      retry_lines(&out, s);
      line(&out, "  Failures:", failures_text(s));
      line(&out, "  Points Requested:", std::to_string(r.points_requested));
      line(&out, "  Points Accepted / Dropped / Failed:",
           std::to_string(s.points_accepted) + " / " + std::to_string(s.points_dropped) + " / " +
               std::to_string(s.points_failed));
      if (r.points_skipped > 0) line(&out, "  Points Skipped:", std::to_string(r.points_skipped));
      if (r.points_not_sent > 0) line(&out, "  Points Not Sent:", std::to_string(r.points_not_sent));
      if (!r.data_shape.empty()) line(&out, "  Data Shape:", r.data_shape);
      line(&out, "  Run Time:", base::duration_text(r.duration_ns));
      server_lines(&out, r);
      if (!r.warning.empty()) line(&out, "  Warning:", r.warning);
      if (!r.error.empty()) line(&out, "  Error:", r.error);
      if (!r.hint.empty()) line(&out, "  Hint:", r.hint);
      break;
    case stats::StatementKind::kQuery:
      line(&out, r.go ? "Go Query Statement:" : "Query Statement:", r.name);
      if (!r.ran) {
        line(&out, "  Not run:", not_run_reason(r.error));
        break;
      }
      latency_lines(&out, s, "95th Percentile Read Response");
      rate_lines(&out, r);
      api_lines(&out, r);
      line(&out, "  Query Resp Bytes Average:",
           std::to_string(s.requests_ok ? s.response_bytes / s.requests_ok : 0) + " bytes");
      line(&out, "  Successful Queries:", std::to_string(s.requests_ok));
      line(&out, "  Failed Queries:", std::to_string(s.requests_failed));
      line(&out, "  Retries:", std::to_string(s.retries));
      retry_lines(&out, s);
      line(&out, "  Failures:", failures_text(s));
      if (r.requests_not_sent > 0) line(&out, "  Queries Not Sent:", std::to_string(r.requests_not_sent));
      line(&out, "  Run Time:", base::duration_text(r.duration_ns));
      server_lines(&out, r);
      if (!r.warning.empty()) line(&out, "  Warning:", r.warning);
      if (!r.error.empty()) line(&out, "  Error:", r.error);
      if (!r.hint.empty()) line(&out, "  Hint:", r.hint);
      break;
  }
  base::utf8_sanitize_in_place(&out);  // a server's message is its bytes, not necessarily UTF-8
  return out;
}

std::string engine_text(const stats::RunSummary& run) {
  const engine::EngineCounters& e = run.engine;
  if (run.offline) {
    return std::to_string(run.reactors) + (run.reactors == 1 ? " reactor" : " reactors") +
           ", rendering only (--dump/--dry-run: nothing sent)";
  }
  std::string how;
  if (!run.send_zc) {
    how = "plain";
  } else if (e.zero_copy_fallbacks == 0) {
    how = "zero-copy";
  } else {
    // The kernel reports copying on the first zero-copy sends; plain sends are cheaper then.
    how = "zero-copy asked; the kernel copied, so " + std::to_string(e.zero_copy_fallbacks) +
          " reactor(s) went back to plain after " + std::to_string(e.zero_copy_sends);
  }
  // Replay over plain HTTP sends its bodies from the file's mapping (docs/replay.md): how
  // many, so that a run that copied them (HTTPS, Gzip) can be told apart.
  if (e.mapped_sends > 0) how += "; " + std::to_string(e.mapped_sends) + " from a replayed file's mapping";
  const std::string sends = std::to_string(e.sends) + " sends (" + how + ")";
  return std::to_string(run.reactors) + (run.reactors == 1 ? " reactor, " : " reactors, ") + sends +
         ", " + std::to_string(e.recv_buffer_shortages) + " receive-buffer shortages, " +
         std::to_string(e.cq_overflows) + " CQ overflows, " + std::to_string(e.reconnects) + " reconnects";
}

std::string render_report(const std::vector<stats::StatementReport>& statements, const stats::RunSummary& run) {
  std::string out;
  for (const auto& r : statements) out += render_statement(r);
  const stats::RunTotals t = run_totals(statements);
  out += "\n";
  line(&out, "Test ID:", run.test_id);
  if (!run.shard.empty()) line(&out, "Shard:", run.shard);
  line(&out, "Run Time:", base::duration_text(run.duration_ns));
  if (run.offline) {  // --dump/--dry-run: the work was rendering; nothing was requested
    line(&out, "Points Rendered (not sent):", std::to_string(t.points_rendered));
    line(&out, "Requests Rendered (not sent):", std::to_string(t.requests_rendered));
  } else {
    line(&out, "Points Requested:", std::to_string(t.points_requested));
    line(&out, "Points Accepted / Dropped / Failed:",
         std::to_string(t.points_accepted) + " / " + std::to_string(t.points_dropped) + " / " +
             std::to_string(t.points_failed));
    if (t.points_skipped > 0) line(&out, "Points Skipped:", std::to_string(t.points_skipped));
    if (t.points_not_sent > 0) line(&out, "Points Not Sent:", std::to_string(t.points_not_sent));
    line(&out, "Requests OK / Failed:",
         std::to_string(t.requests_ok) + " / " + std::to_string(t.requests_failed));
  }
  char cpu[160];
  double cpu_total = run.cpu_user_s + run.cpu_system_s;
  std::snprintf(cpu, sizeof cpu, "%.3fs user + %.3fs system", run.cpu_user_s, run.cpu_system_s);
  std::string cpu_text = cpu;
  const uint64_t points = t.cpu_points();
  if (points > 0) {
    std::snprintf(cpu, sizeof cpu, run.offline ? " (%.4f CPU-s per million points rendered)"
                                               : " (%.4f CPU-s per million points)",
                  cpu_total * 1e6 / double(points));
    cpu_text += cpu;
  }
  line(&out, "stressql CPU:", cpu_text);
  if (run.reactors > 0) line(&out, "Engine:", engine_text(run));
  if (!run.results_note.empty()) line(&out, "Results:", run.results_note);
  if (run.tls_insecure) line(&out, "TLS:", "INSECURE: certificates and names NOT verified (--insecure)");
  if (!run.shard_error.empty()) line(&out, "Shards:", run.shard_error);
  if (!run.internal_error.empty()) line(&out, "Internal Error:", run.internal_error);
  std::string verdict = !run.internal_error.empty()                      ? "STOPPED BY AN INTERNAL ERROR"
                        : run.interrupted                                  ? "INTERRUPTED"
                        : t.failed_statements || !run.shard_error.empty() ? "FAILED"
                                                                           : "OK";
  if (t.failed_statements) verdict += " (" + std::to_string(t.failed_statements) + " statement(s) failed)";
  line(&out, "Result:", verdict);
  base::utf8_sanitize_in_place(&out);  // the results server's failure, too, is its bytes
  return out;
}

}  // namespace stressql::report
