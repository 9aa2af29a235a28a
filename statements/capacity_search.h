#pragma once
// The capacity search of `stressql find-max` (SPEC §6.2) as a pure function: the results of
// the steps so far in, the next rate to try (or the answer) out. No I/O and no clocks, so it
// is unit-tested on synthetic servers (tests/statements/capacity_search_test.cpp).
//
// Doubling from `start` until a step fails (or `max` passes), then bisection between the
// highest passing and the lowest failing rate until they are within `resolution` of each
// other, then one confirmation step at the highest passing rate. A confirmation that fails
// steps down by `resolution` and confirms again, at most kMaxStepDowns times. Whatever the
// server does, the search ends after `max_steps` steps at most.

#include <cstddef>
#include <vector>

namespace stressql::statements {

// The finest --resolution: rates closer than this differ by a step's noise, and a finer one
// only adds steps (a search from start to max bisects about log2(1 / resolution) times).
inline constexpr double kMinResolution = 0.01;
// The most steps a search runs unless told otherwise: doubling 1024× (11 steps), bisecting to
// 1 % (7), confirming with every step-down (4), and room to spare.
inline constexpr int kDefaultMaxSteps = 40;

struct SearchConfig {
  double start = 1000;       // first rate, > 0
  double max = 1024000;      // doubling stops here (a step at exactly max is tried), >= start
  // Bisect until (fail − pass) <= resolution × pass. In [kMinResolution, 1); a smaller value
  // is taken as kMinResolution (the command line refuses it with a clear error).
  double resolution = 0.05;
  int max_steps = kDefaultMaxSteps;  // ≥ 1: the search ends after this many steps
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
  // The search ran config.max_steps steps without an answer; `best` is the highest rate
  // that passed a step, not confirmed (0: none passed).
  bool step_limit = false;
  double best = 0;
};

inline constexpr int kMaxStepDowns = 3;

// The next step after `steps` (in the order they ran). REQUIRES: `steps` are the rates this
// function asked for, in order.
SearchDecision next_step(const SearchConfig& config, const std::vector<StepOutcome>& steps);

}  // namespace stressql::statements
