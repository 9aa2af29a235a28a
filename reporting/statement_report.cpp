#include "reporting/statement_report.h"

namespace stressql::reporting {

void RequestStats::add(const engine::Sample& s) {
  ++attempts;
  if (s.attempt > 1) ++retries;
  if (s.failure == engine::Failure::kNotSent) {  // no server saw it: no status, no latency
    ++requests_rendered;
    points_rendered += s.points;
    request_bytes += s.request_bytes;
    return;
  }
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

const char* kind_name(StatementKind k) {
  switch (k) {
    case StatementKind::kSet: return "set";
    case StatementKind::kInsert: return "insert";
    case StatementKind::kQuery: return "query";
    case StatementKind::kExec: return "exec";
    case StatementKind::kInfluxQL: return "influxql";
    case StatementKind::kWait: return "wait";
  }
  return "unknown";
}

RunTotals run_totals(const std::vector<StatementReport>& statements) {
  RunTotals t;
  for (const StatementReport& r : statements) {
    t.requests_ok += r.stats.requests_ok;
    t.requests_failed += r.stats.requests_failed;
    if (!r.ok) ++t.failed_statements;
    if (r.kind != StatementKind::kInsert || r.offline) continue;
    t.points_requested += r.points_requested;
    t.points_accepted += r.stats.points_accepted;
    t.points_dropped += r.stats.points_dropped;
    t.points_failed += r.stats.points_failed;
    t.points_not_sent += r.points_not_sent;
  }
  return t;
}

}  // namespace stressql::reporting
