#include "results/shard_merge.h"

#include <algorithm>
#include <deque>

#include "base/duration_text.h"
#include "results/statement_fields.h"

namespace stressql::results {

using stats::StatementKind;
using stats::StatementReport;

StatementReport merge_statement(const std::map<uint32_t, const StatementReport*>& parts,
                                uint32_t shards) {
  StatementReport m;
  results::copy_statement_fields(*parts.begin()->second, &m);  // shard 0's when present
  if (m.kind != StatementKind::kInsert && m.kind != StatementKind::kQuery) return m;
  m.points_requested = m.requests_planned = m.requests_not_sent = m.points_not_sent = 0;
  m.points_skipped = 0;
  m.ran = false;
  m.ok = true;
  m.error.clear();
  int64_t end = 0;
  for (const auto& [shard, part] : parts) {
    const StatementReport& p = *part;
    m.points_requested += p.points_requested;
    m.requests_planned += p.requests_planned;
    m.requests_not_sent += p.requests_not_sent;
    m.points_not_sent += p.points_not_sent;
    m.points_skipped += p.points_skipped;
    if (!p.ran) continue;
    m.start_unix_ns = m.ran ? std::min(m.start_unix_ns, p.start_unix_ns) : p.start_unix_ns;
    end = std::max(end, p.start_unix_ns + p.duration_ns);
    m.ran = true;
  }
  for (const auto& [shard, p] : parts) {
    m.ok = m.ok && p->ok;
    if (!p->error.empty()) {
      m.error += (m.error.empty() ? "" : "; ") + std::string("shard ") + std::to_string(shard) + ": " + p->error;
    }
  }
  if (parts.size() < shards) {
    m.ok = false;
    m.error += std::string(m.error.empty() ? "" : "; ") + "rows of " +
               std::to_string(shards - parts.size()) + " shard(s) missing";
  }
  m.duration_ns = m.ran ? end - m.start_unix_ns : 0;
  // Each shard ran at its part of the rate; the achieved rate is over every sample, so the
  // target shown is the whole test's: the sum of the shards' targets (shard 0's ramp).
  if (m.rate.open_loop() && shards > 1) {
    m.rate.from = m.rate.to = 0;
    for (const auto& [shard, p] : parts) {
      m.rate.from += p->rate.from;
      m.rate.to += p->rate.to;
    }
    // A missing shard's part is missing from the sum: count it as the others' mean.
    const double scale = static_cast<double>(shards) / static_cast<double>(parts.size());
    m.rate.from *= scale;
    m.rate.to *= scale;
    m.rate.shards = shards;
  }
  return m;
}

void merge_intervals(const std::map<uint32_t, stats::IntervalStats>& parts, int64_t start_unix_ns,
                     uint64_t late_samples, stats::IntervalStats* out) {
  constexpr int64_t kSecondNs = 1'000'000'000;
  std::deque<stats::IntervalRecord> closed;
  std::vector<std::string> classes;
  for (const auto& [shard, part] : parts) {
    for (const stats::IntervalRecord& k : part.closed()) {
      const int64_t at = part.start_unix_ns() + int64_t{k.second} * kSecondNs - start_unix_ns;
      const auto second = static_cast<size_t>(std::max<int64_t>(0, at / kSecondNs));
      while (closed.size() <= second) {
        stats::IntervalRecord empty;
        empty.second = static_cast<int32_t>(closed.size());
        closed.push_back(empty);
      }
      stats::IntervalRecord& m = closed[second];
      m.requests += k.requests;
      m.failures += k.failures;
      m.retries += k.retries;
      m.points_accepted += k.points_accepted;
      for (size_t i = 0; i < part.failure_classes().size() && i < k.by_class.size(); ++i) {
        if (k.by_class[i] > 0) m.by_class[stats::failure_class_slot(&classes, part.failure_classes()[i])] += k.by_class[i];
      }
      m.from_due_p50 = std::max(m.from_due_p50, k.from_due_p50);
      m.from_due_p99 = std::max(m.from_due_p99, k.from_due_p99);
      m.from_due_max = std::max(m.from_due_max, k.from_due_max);
      m.from_send_p50 = std::max(m.from_send_p50, k.from_send_p50);
      m.from_send_p99 = std::max(m.from_send_p99, k.from_send_p99);
      m.from_send_max = std::max(m.from_send_max, k.from_send_max);
    }
  }
  out->restore(std::move(closed), std::move(classes), late_samples, start_unix_ns);
}

stats::RunSummary merge_runs(const std::map<uint32_t, stats::RunSummary>& runs, uint32_t shards) {
  stats::RunSummary m = runs.begin()->second;
  int64_t end = m.start_unix_ns + m.duration_ns;
  for (auto it = std::next(runs.begin()); it != runs.end(); ++it) {
    const stats::RunSummary& r = it->second;
    end = std::max(end, r.start_unix_ns + r.duration_ns);
    m.start_unix_ns = std::min(m.start_unix_ns, r.start_unix_ns);
    m.cpu_user_s += r.cpu_user_s;
    m.cpu_system_s += r.cpu_system_s;
    m.interrupted = m.interrupted || r.interrupted;
    m.reactors += r.reactors;
    m.engine.sends += r.engine.sends;
    m.engine.zero_copy_sends += r.engine.zero_copy_sends;
    m.engine.zero_copy_fallbacks += r.engine.zero_copy_fallbacks;
    m.engine.mapped_sends += r.engine.mapped_sends;
    m.engine.recv_buffer_shortages += r.engine.recv_buffer_shortages;
    m.engine.cq_overflows += r.engine.cq_overflows;
    m.engine.reconnects += r.engine.reconnects;
    if (!r.internal_error.empty() && m.internal_error.find(r.internal_error) == std::string::npos) {
      m.internal_error += (m.internal_error.empty() ? "" : "; ") + r.internal_error;
    }
    if (!r.shard_error.empty() && m.shard_error.find(r.shard_error) == std::string::npos) {
      m.shard_error += (m.shard_error.empty() ? "" : "; ") + r.shard_error;
    }
  }
  m.duration_ns = end - m.start_unix_ns;
  m.shards = shards;
  m.shard = "merged from " + std::to_string(runs.size()) + " of " + std::to_string(shards) + " shards";
  std::string missing;
  for (uint32_t i = 0; i < shards; ++i) {
    if (runs.count(i) == 0) missing += (missing.empty() ? "" : ", ") + std::to_string(i);
  }
  if (!missing.empty()) {
    m.shard_error += std::string(m.shard_error.empty() ? "" : "; ") + "no run row from shard(s) " +
                     missing + " (killed, or their rows are still in their local file)";
  }
  return m;
}

std::string by_shard_text(const std::map<uint32_t, std::vector<StatementReport>>& per_shard) {
  std::string out = "\nBy shard:\n";
  const size_t count = per_shard.empty() ? 0 : per_shard.begin()->second.size();
  for (size_t i = 0; i < count; ++i) {
    const StatementReport& first = per_shard.begin()->second[i];
    if (first.kind != StatementKind::kInsert && first.kind != StatementKind::kQuery) continue;
    out += std::string(first.kind == StatementKind::kInsert ? "  Write Statement: " : "  Query Statement: ") +
           first.name + "\n";
    for (const auto& [shard, list] : per_shard) {
      if (i >= list.size()) continue;
      const StatementReport& r = list[i];
      const auto& s = r.stats;
      std::string line = "    shard " + std::to_string(shard) + ": ";
      if (r.kind == StatementKind::kInsert) line += std::to_string(s.points_accepted) + " points accepted, ";
      line += std::to_string(s.requests_ok) + " ok / " + std::to_string(s.requests_failed) +
              " failed requests, p99 " + base::duration_text(s.latency.value_at_percentile(99)) +
              ", run time " + base::duration_text(r.duration_ns);
      if (!r.ok && !r.error.empty()) line += ", error: " + r.error;
      out += line + "\n";
    }
  }
  return out;
}

}  // namespace stressql::results
