#pragma once
// The capacity search of `stressql find-max` (SPEC §6.2) as a pure function: the results of
// the steps so far in, the next rate to try (or the answer) out. No I/O and no clocks, so it
// is unit-tested on synthetic servers (tests/statements/capacity_search_test.cpp).
//
// Doubling from `start` until a step fails (or `max` passes), then bisection between the
// highest passing and the lowest failing rate until they are within `resolution` of each
// other, then one confirmation step at the highest passing rate. A confirmation that fails
// steps down by `resolution` and confirms again, at most kMaxStepDowns times.

#include <cstddef>
#include <vector>

namespace stressql::statements {

struct SearchConfig {
  double start = 1000;       // first rate, > 0
  double max = 1024000;      // doubling stops here (a step at exactly max is tried), >= start
  double resolution = 0.05;  // bisect until (fail − pass) <= resolution × pass; in (0, 1)
};

// What one step at one rate showed.
struct StepOutcome {
  double rate = 0;
  bool pass = false;
  // The step failed because stressql could not send at the rate, not because of the server:
  // the capacity above this rate is unknown.
  bool client_limited = false;
};

enum class SearchPhase { kDoubling, kBisecting, kConfirming, kDone };

struct SearchDecision {
  SearchPhase phase = SearchPhase::kDoubling;  // the phase of the next step (kDone: none)
  double next_rate = 0;                        // when not done
  // When done:
  bool found = false;             // a rate passed and was confirmed
  double rate = 0;                // the highest confirmed passing rate
  bool max_reached = false;       // it is `max`: the real capacity may be higher
  bool client_limit = false;      // the lowest failing rate failed on the client's limit
  bool first_failed = false;      // the first step (at `start`) failed
  bool unconfirmed = false;       // every confirmation failed (a noisy server)
};

inline constexpr int kMaxStepDowns = 3;

// The next step after `steps` (in the order they ran). REQUIRES: `steps` are the rates this
// function asked for, in order.
SearchDecision next_step(const SearchConfig& config, const std::vector<StepOutcome>& steps);

}  // namespace stressql::statements
