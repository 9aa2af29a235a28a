#pragma once
// Shard barriers (SPEC §6.5): the shards of a test meet at InfluxQL passthrough, EXEC and
// the script's end through the --results server. Each shard posts one row (measurement
// `barrier` in _stressTest, tags test_id, barrier, shard) when it arrives, then polls until
// the rows of all N shards are there. Control thread only; every call blocks for at most
// one short HTTP exchange, so the caller keeps pumping the engine between polls.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "generator/shard.h"
#include "net/results_endpoint.h"

namespace stressql::statements {

// Which shards of `count` have arrived, from the JSON answer to Barrier's query; *latest_ns
// is the latest arrival time (the same on every shard, so it can stand for a shared "now").
// Pure. False and *error when the answer is not what InfluxDB sends.
bool parse_arrivals(std::string_view json, uint32_t count, std::vector<bool>* arrived,
                    int64_t* latest_ns, std::string* error);

// "shard 2 of 4", "shards 1, 3 of 4" (at most 20 listed, then "and N more").
std::string missing_shards_text(const std::vector<bool>& arrived);

class Barrier {
 public:
  // `results`: the results server. REQUIRES: shard.sharded().
  Barrier(net::ResultsEndpoint results, std::string test_id, generator::Shard shard);

  // Posts this shard's arrival at barrier `name` (creating _stressTest the first time).
  base::Status arrive(const std::string& name);
  // Reads who has arrived at `name`: *done when all have, then *release_ns is the latest
  // arrival; else *missing names the others ("shards 1, 3 of 4").
  base::Status check(const std::string& name, bool* done, int64_t* release_ns,
                     std::string* missing);

 private:
  net::ResultsEndpoint results_;
  std::string test_id_;
  generator::Shard shard_;
  bool database_ready_ = false;
};

}  // namespace stressql::statements
