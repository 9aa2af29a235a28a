#pragma once
// Shard barriers (SPEC §6.5): the shards of a test meet at InfluxQL passthrough, EXEC and
// the script's end through the --results server. Each shard posts one row (measurement
// `barrier` in _stressTest, tags test_id, barrier, shard; fields shards = N, script = the
// script's SHA-256, run = this process's random ID) when it arrives, then polls until the
// rows of all N shards are there. A row with another N or another script fails every shard
// at once, naming both; rows of an earlier run of the same test ID are refused at the start.
//
// Threads: the control thread calls everything. Each exchange with the server runs on a
// helper thread of its own (one at a time), so the control thread keeps pumping the engine
// (a running GO statement never stalls) and is never held past the barrier's deadline: an
// exchange is limited to the time left, and cancel() aborts one under way within ~50 ms.
// The helper writes result_ before it sets finished_ (release); the control thread reads it
// only after seeing finished_ (acquire) and joining.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"
#include "generator/shard.h"
#include "net/results_endpoint.h"

namespace stressql::statements {

// One row of the `barrier` measurement, as read back.
struct BarrierRow {
  uint32_t shard = 0;
  std::string barrier;
  int64_t time_ns = 0;
  int64_t shards = 0;   // N of the shard that wrote it
  std::string script;   // its script's SHA-256 (hex)
  std::string run;      // its process's random ID
};

// Every row in the JSON answer to Barrier's query (GROUP BY shard, barrier). Pure. False and
// *error when the answer is not what InfluxDB sends.
bool parse_barrier_rows(std::string_view json, std::vector<BarrierRow>* rows, std::string* error);

// Who this shard is.
struct BarrierSelf {
  std::string test_id;
  generator::Shard shard;
  std::string script;  // SHA-256 hex
  std::string run;     // random ID of this process
};

struct BarrierVerdict {
  bool done = false;        // all N have arrived at the barrier
  int64_t release_ns = 0;   // then: the latest arrival (the same on every shard)
  std::string missing;      // else: "shards 1, 3 of 4"
  std::string conflict;     // non-empty: fail at once (another N or script, an earlier run)
};

// The state of barrier `name` from every barrier row of the test. At "start", the rows of
// a run (its random ID) that has no start row of its own at another shard's index since
// `stale_before_ns` (unix ns) are an earlier run's; a faster shard of this run may already
// have rows at later barriers. Pure.
BarrierVerdict judge_barrier(const std::vector<BarrierRow>& rows, const std::string& name,
                             const BarrierSelf& self, int64_t stale_before_ns);

// Before a run with a --test-id of its own: an error naming the earlier run when the results
// server already has its `run` rows (a test ID is one run; its rows would mix). Blocks for
// one exchange of at most `limit`; a server that does not answer is no error here (the
// uploader says so).
base::Status refuse_used_test_id(const net::ResultsEndpoint& results, const std::string& test_id,
                                 std::chrono::milliseconds limit, const std::atomic<bool>* abort = nullptr);

// "shard 2 of 4", "shards 1, 3 of 4" (at most 20 listed, then "and N more").
std::string missing_shards_text(const std::vector<bool>& arrived);

class Barrier {
 public:
  // `results`: the results server, resolved. `barrier_timeout_ns`: rows at "start" older
  // than this are an earlier run's. REQUIRES: self.shard.sharded().
  Barrier(net::ResultsEndpoint results, BarrierSelf self, int64_t barrier_timeout_ns);
  ~Barrier();  // cancel()
  Barrier(const Barrier&) = delete;
  Barrier& operator=(const Barrier&) = delete;

  // Starts one exchange for barrier `name` on the helper thread (posts this shard's row the
  // first time at each barrier, then reads every row), limited to `deadline_ns`
  // (monotonic). REQUIRES: no exchange under way (busy() is false).
  void start(const std::string& name, int64_t deadline_ns);
  bool busy() const { return helper_.joinable(); }
  // True once the exchange started last has ended; then take() gives its outcome.
  bool finished() const { return finished_.load(std::memory_order_acquire); }
  // REQUIRES: finished(). Joins the helper. A failed exchange (the server away) is a
  // Status error: the caller asks again until the deadline.
  base::Status take(BarrierVerdict* out);
  // Aborts an exchange under way and joins the helper (within ~50 ms). Idempotent.
  void cancel();

 private:
  base::Status exchange(const std::string& name, std::chrono::milliseconds limit, BarrierVerdict* out);

  const net::ResultsEndpoint results_;
  const BarrierSelf self_;
  const int64_t barrier_timeout_ns_;
  std::string arrived_at_;       // the barrier whose row is posted (helper's, between joins)
  bool database_ready_ = false;  // helper's, between joins
  bool test_id_checked_ = false; // helper's, between joins
  std::thread helper_;
  std::atomic<bool> finished_{false};
  std::atomic<bool> abort_{false};
  base::Status status_ = base::Status::ok();
  BarrierVerdict verdict_;
};

}  // namespace stressql::statements
