#pragma once
// Per target address (--by-address, several Addresses): what one node of a cluster under
// test answered, so a slow or failing node shows beside the statement's totals. Counted
// by the statement totals' rule (stats/sample_counts.h).

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/engine.h"
#include "stats/histogram.h"

namespace stressql::stats {

struct StatementReport;

class AddressStats {
 public:
  explicit AddressStats(std::string address) : address(std::move(address)) {}
  void add(const engine::Sample& s);

  std::string address;  // as in SET Addresses
  uint64_t requests_ok = 0, requests_failed = 0, retries = 0;
  uint64_t points_accepted = 0;
  Histogram latency;  // successful requests, from the due time
};

// "By address:" and, for every statement with per-address numbers, a line per address
// (requests ok / failed, points accepted, p99, retries). Empty when none has any.
std::string by_address_text(const std::vector<StatementReport>& statements);
// The JSON `by_address` array of one statement.
nlohmann::json by_address_json(const std::vector<AddressStats>& addresses);

}  // namespace stressql::stats
