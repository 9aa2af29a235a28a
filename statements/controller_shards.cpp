// The controller's part in several load machines (SPEC §6.5): barriers through the results
// server, and the common start.
#include <algorithm>

#include "base/clock.h"
#include "base/duration_text.h"
#include "base/random.h"
#include "statements/barrier.h"
#include "statements/controller.h"

namespace stressql::statements {
namespace {

// How often a waiting shard asks the results server who has arrived.
constexpr int64_t kBarrierPollNs = 200'000'000;

}  // namespace

bool Controller::shard_zero_only(const parser::Statement& st) const {
  return options_.shard.sharded() && (std::holds_alternative<parser::InfluxQLStmt>(st.body) ||
                                      std::holds_alternative<parser::ExecStmt>(st.body));
}

bool Controller::meet(const std::string& name, const std::string& where) {
  if (!options_.shard.sharded() || ctx_.offline) return true;
  if (!barrier_) {
    // Resolved by the command (API, credentials): the endpoint the rows go to.
    BarrierSelf self{summary_.test_id, options_.shard, options_.script_sha256,
                     std::to_string(base::random_seed())};
    barrier_ = std::make_unique<Barrier>(options_.results_endpoint, std::move(self),
                                         options_.barrier_timeout_ns);
  }
  // Each exchange runs on the barrier's helper thread: the control thread keeps turning
  // (running GO statements go on) and is never held past the deadline.
  const int64_t deadline = base::monotonic_ns() + options_.barrier_timeout_ns;
  int64_t next_poll = 0;
  BarrierVerdict verdict;
  verdict.missing = "the other shards";
  std::string problem;
  wait_until([&] {
    if (verdict.done || !verdict.conflict.empty() || stopping_) return true;
    const int64_t now = base::monotonic_ns();
    if (now >= deadline) return true;
    if (barrier_->busy()) {
      if (!barrier_->finished()) return false;
      BarrierVerdict v;
      // A results server that is briefly away is asked again until the deadline.
      base::Status st = barrier_->take(&v);
      problem = st ? "" : st.message();
      if (st) verdict = std::move(v);
      return verdict.done || !verdict.conflict.empty();
    }
    if (now < next_poll) return false;
    next_poll = now + kBarrierPollNs;
    barrier_->start(name, deadline);
    return false;
  });
  barrier_->cancel();  // an exchange still under way at the deadline or a stop
  if (verdict.done) {
    ctx_.shared_now_unix_ns = verdict.release_ns;
    return true;
  }
  if (stopping_) return false;  // Ctrl-C while waiting
  if (!verdict.conflict.empty()) {
    summary_.shard_error = verdict.conflict + " (at " + where + ")";
  } else {
    summary_.shard_error = verdict.missing + " did not arrive at " + where + " within " +
                           base::duration_text(options_.barrier_timeout_ns) +
                           " (--barrier-timeout; shard " + options_.shard.text() + " waited)";
    if (!problem.empty()) summary_.shard_error += "; results server: " + problem;
  }
  err_ << "stressql: " << summary_.shard_error << "\n";
  stop_everything();
  summary_.interrupted = false;
  stop_reason_ = "a shard barrier failed";
  return false;
}

bool Controller::start_together() {
  if (!meet("start", "the start")) return false;
  if (options_.start_at_unix_ns <= 0) return true;
  const int64_t wait_ns = options_.start_at_unix_ns - base::unix_ns();
  if (wait_ns <= 0) {
    if (warn_) warn_("stressql: warning: --start-at is " + base::duration_text(-wait_ns) +
                     " past; starting now");
    return true;
  }
  const int64_t until = base::monotonic_ns() + wait_ns;
  wait_until([&] { return stopping_ || base::monotonic_ns() >= until; });
  return !stopping_;
}

}  // namespace stressql::statements
