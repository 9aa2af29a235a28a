#include "reporting/statement_report.h"

#include "reporting/sample_counts.h"

namespace stressql::reporting {

void RequestStats::add(const engine::Sample& s) {
  const SampleCounts c = classify(s);
  ++attempts;
  if (c.retry) ++retries;
  if (c.rendered) {  // no server saw it: no status, no latency
    ++requests_rendered;
    points_rendered += s.points;
    request_bytes += s.request_bytes;
    return;
  }
  ++statuses[s.status];
  points_accepted += c.points_accepted;
  points_dropped += c.points_dropped;
  points_failed += c.points_failed;
  if (c.ok) {
    ++requests_ok;
    request_bytes += s.request_bytes;
    response_bytes += s.response_bytes;
    latency.record(s.latency_ns);
  } else if (c.failed) {
    ++requests_failed;
    std::string key = s.failure == engine::Failure::kHttpStatus
                          ? "http " + std::to_string(s.status)
                          : engine::failure_name(s.failure);
    ++failures[key];
  }
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
