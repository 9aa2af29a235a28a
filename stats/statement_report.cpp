#include "stats/statement_report.h"

#include <algorithm>
#include <cstdio>

#include "stats/sample_counts.h"

namespace stressql::stats {

void RequestStats::add(const engine::Sample& s) {
  const SampleCounts c = classify(s);
  ++attempts;
  if (c.retry) ++retries;
  if (c.rendered) {  // no server saw it: no status, no latency
    ++requests_rendered;
    most_attempts = std::max<uint32_t>(most_attempts, 1);
    points_rendered += s.points;
    request_bytes += s.request_bytes;
    raw_body_bytes += s.raw_body_bytes;
    encoded_body_bytes += s.body_bytes;
    return;
  }
  ++statuses[s.status];
  if (s.attempt == 1) add_send(s);
  points_accepted += c.points_accepted;
  points_dropped += c.points_dropped;
  points_failed += c.points_failed;
  if (s.final) {
    most_attempts = std::max<uint32_t>(most_attempts, s.attempt);
    if (s.attempt > 1) {
      ++requests_retried;
      retry_lost.record(s.lag_ns);
      retry_lost_total_ns += s.lag_ns;
    }
  }
  if (c.ok) {
    ++requests_ok;
    request_bytes += s.request_bytes;
    response_bytes += s.response_bytes;
    latency.record(s.latency_ns);
    latency_from_send.record(s.latency_ns - s.lag_ns);
  } else if (c.failed) {
    ++requests_failed;
    ++failures[failure_class(s)];
  }
}

void RequestStats::add_send(const engine::Sample& s) {
  const int64_t at = s.due_unix_ns + s.lag_ns;
  if (sends == 0 || s.due_unix_ns < first_due_unix_ns) first_due_unix_ns = s.due_unix_ns;
  if (sends == 0 || at > last_send_unix_ns) last_send_unix_ns = at;
  ++sends;
  sent_points += s.points;
  sent_body_bytes += s.body_bytes;
  raw_body_bytes += s.raw_body_bytes;
  encoded_body_bytes += s.body_bytes;
  if (s.lag_ns > kLateNs) ++sent_late;
  lag.record(s.lag_ns);
}

void RequestStats::merge(const RequestStats& o) {
  requests_ok += o.requests_ok;
  requests_failed += o.requests_failed;
  attempts += o.attempts;
  retries += o.retries;
  points_accepted += o.points_accepted;
  points_dropped += o.points_dropped;
  points_failed += o.points_failed;
  request_bytes += o.request_bytes;
  requests_rendered += o.requests_rendered;
  points_rendered += o.points_rendered;
  response_bytes += o.response_bytes;
  requests_retried += o.requests_retried;
  most_attempts = std::max(most_attempts, o.most_attempts);
  retry_lost.merge(o.retry_lost);
  retry_lost_total_ns += o.retry_lost_total_ns;
  latency.merge(o.latency);
  latency_from_send.merge(o.latency_from_send);
  if (o.sends > 0) {
    if (sends == 0 || o.first_due_unix_ns < first_due_unix_ns) first_due_unix_ns = o.first_due_unix_ns;
    if (sends == 0 || o.last_send_unix_ns > last_send_unix_ns) last_send_unix_ns = o.last_send_unix_ns;
  }
  sends += o.sends;
  sent_points += o.sent_points;
  sent_body_bytes += o.sent_body_bytes;
  raw_body_bytes += o.raw_body_bytes;
  encoded_body_bytes += o.encoded_body_bytes;
  sent_late += o.sent_late;
  lag.merge(o.lag);
  for (const auto& [what, n] : o.failures) failures[what] += n;
  for (const auto& [status, n] : o.statuses) statuses[status] += n;
}

void RequestStats::reset() {
  requests_ok = requests_failed = attempts = retries = 0;
  points_accepted = points_dropped = points_failed = request_bytes = 0;
  requests_rendered = points_rendered = response_bytes = requests_retried = 0;
  most_attempts = 0;
  retry_lost.reset();
  retry_lost_total_ns = 0;
  latency.reset();
  latency_from_send.reset();
  sends = sent_points = sent_body_bytes = raw_body_bytes = encoded_body_bytes = 0;
  first_due_unix_ns = last_send_unix_ns = 0;
  sent_late = 0;
  lag.reset();
  failures.clear();
  statuses.clear();
}

double RequestStats::attempts_per_request() const {
  const uint64_t requests = requests_ok + requests_failed + requests_rendered;
  return requests == 0 ? 0 : static_cast<double>(attempts) / static_cast<double>(requests);
}

double compression_ratio(const StatementReport& r) {
  const RequestStats& st = r.stats;
  return st.encoded_body_bytes == 0 ? 0 : double(st.raw_body_bytes) / double(st.encoded_body_bytes);
}

double RateTarget::at(int64_t since_start_ns) const {
  if (ramp_ns <= 0 || since_start_ns >= ramp_ns) return to;
  if (since_start_ns <= 0) return from;
  return from + (to - from) * static_cast<double>(since_start_ns) / static_cast<double>(ramp_ns);
}

std::string rate_target_text(const RateTarget& r) {
  if (!r.open_loop()) return "";
  auto number = [](double v) {  // as parser::rate_number: 10 significant digits
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return std::string(buf);
  };
  std::string text = number(r.to) + " " + r.unit;
  if (r.ramp_ns > 0) {
    const std::string over = r.ramp_ns % 1'000'000'000 == 0 ? std::to_string(r.ramp_ns / 1'000'000'000) + "s"
                                                            : std::to_string(r.ramp_ns / 1'000'000) + "ms";
    text = number(r.from) + " " + r.unit + " to " + text + " over " + over;
  }
  if (r.shards > 1) text += ", shared by " + std::to_string(r.shards) + " shards";
  return text;
}

double achieved_rate(const StatementReport& r) {
  const RequestStats& st = r.stats;
  const int64_t span = st.last_send_unix_ns - st.first_due_unix_ns;
  if (st.sends < 2 || span <= 0) return 0;
  // n sends span n − 1 spacings: the units of all but one request went out over the span.
  const double share = static_cast<double>(st.sends - 1) / static_cast<double>(st.sends);
  double units = static_cast<double>(st.sends);
  if (r.rate.unit == "pts/s") units = static_cast<double>(st.sent_points);
  if (r.rate.unit == "MB/s") units = static_cast<double>(st.sent_body_bytes) / 1e6;
  return units * share / (static_cast<double>(span) / 1e9);
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
    if (r.kind != StatementKind::kInsert) continue;
    if (r.offline) {
      t.points_rendered += r.stats.points_rendered;
      t.requests_rendered += r.stats.requests_rendered;
      continue;
    }
    t.points_requested += r.points_requested;
    t.points_accepted += r.stats.points_accepted;
    t.points_dropped += r.stats.points_dropped;
    t.points_failed += r.stats.points_failed;
    t.points_not_sent += r.points_not_sent;
    t.points_skipped += r.points_skipped;
  }
  return t;
}

}  // namespace stressql::stats
