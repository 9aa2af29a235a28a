#include "stats/address_stats.h"

#include <nlohmann/json.hpp>

#include "base/duration_text.h"
#include "stats/sample_counts.h"
#include "stats/statement_report.h"

namespace stressql::stats {

void AddressStats::add(const engine::Sample& s) {
  const SampleCounts c = classify(s);
  if (c.rendered) return;
  if (c.retry) ++retries;
  points_accepted += c.points_accepted;
  if (c.ok) {
    ++requests_ok;
    latency.record(s.latency_ns);
  } else if (c.failed) {
    ++requests_failed;
  }
}

std::string by_address_text(const std::vector<StatementReport>& statements) {
  std::string out;
  for (const StatementReport& r : statements) {
    if (r.by_address.empty()) continue;
    out += std::string(r.kind == StatementKind::kInsert ? "  Write Statement: " : "  Query Statement: ") +
           r.name + "\n";
    for (const AddressStats& a : r.by_address) {
      out += "    " + a.address + ": " + std::to_string(a.requests_ok) + " ok / " +
             std::to_string(a.requests_failed) + " failed requests, ";
      if (r.kind == StatementKind::kInsert) out += std::to_string(a.points_accepted) + " points accepted, ";
      out += "p99 " + base::duration_text(a.latency.value_at_percentile(99)) + ", " +
             std::to_string(a.retries) + " retries\n";
    }
  }
  return out.empty() ? out : "\nBy address:\n" + out;
}

nlohmann::json by_address_json(const std::vector<AddressStats>& addresses) {
  nlohmann::json list = nlohmann::json::array();
  for (const AddressStats& a : addresses) {
    list.push_back({{"address", a.address},
                    {"requests_ok", a.requests_ok},
                    {"requests_failed", a.requests_failed},
                    {"retries", a.retries},
                    {"points_accepted", a.points_accepted},
                    {"p99_ns", a.latency.value_at_percentile(99)}});
  }
  return list;
}

}  // namespace stressql::stats
