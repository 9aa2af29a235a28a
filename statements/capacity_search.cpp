#include "statements/capacity_search.h"

#include <algorithm>
#include <cmath>

namespace stressql::statements {
namespace {

// Rates from 100 up are whole numbers: a step table of "1234.5678 pts/s" helps nobody.
double round_rate(double r) { return r >= 100 ? std::round(r) : r; }

// The search state, rebuilt from the steps each time (the function stays pure).
struct State {
  SearchDecision d;
  bool have_pass = false, have_fail = false;
  double pass = 0, fail = 0;  // highest passing, lowest failing rate
  bool fail_client = false;
  int step_downs = 0;
};

void fail_at(State& s, const StepOutcome& o) {
  if (!s.have_fail || o.rate <= s.fail) {
    s.fail = o.rate;
    s.fail_client = o.client_limited;
  }
  s.have_fail = true;
}

void bisect_or_confirm(State& s, const SearchConfig& c) {
  if (s.fail - s.pass <= std::max(c.resolution, kMinResolution) * s.pass) {
    s.d.phase = SearchPhase::kConfirming;
    s.d.next_rate = s.pass;
    return;
  }
  s.d.phase = SearchPhase::kBisecting;
  s.d.next_rate = round_rate((s.pass + s.fail) / 2);
  if (s.d.next_rate <= s.pass || s.d.next_rate >= s.fail) s.d.next_rate = (s.pass + s.fail) / 2;
}

void finish(State& s, bool found, double rate, const SearchConfig& c) {
  s.d.phase = SearchPhase::kDone;
  s.d.next_rate = 0;
  s.d.found = found;
  s.d.rate = found ? rate : 0;
  s.d.max_reached = found && rate >= c.max;
  s.d.client_limit = s.have_fail && s.fail_client;
}

}  // namespace

SearchDecision next_step(const SearchConfig& c, const std::vector<StepOutcome>& steps) {
  State s;
  s.d.phase = SearchPhase::kDoubling;
  s.d.next_rate = c.start;
  size_t taken = 0;
  for (const StepOutcome& o : steps) {
    if (s.d.phase != SearchPhase::kDone && o.pass) s.d.best = std::max(s.d.best, o.rate);
    ++taken;
    switch (s.d.phase) {
      case SearchPhase::kDoubling:
        if (o.pass) {
          s.have_pass = true;
          s.pass = o.rate;
          if (o.rate >= c.max) {
            s.d.phase = SearchPhase::kConfirming;
            s.d.next_rate = o.rate;
          } else {
            s.d.next_rate = std::min(round_rate(o.rate * 2), c.max);
          }
        } else {
          fail_at(s, o);
          if (!s.have_pass) {
            finish(s, false, 0, c);
            s.d.first_failed = true;
          } else {
            bisect_or_confirm(s, c);
          }
        }
        break;
      case SearchPhase::kBisecting:
        if (o.pass) {
          s.pass = std::max(s.pass, o.rate);
        } else {
          fail_at(s, o);
        }
        bisect_or_confirm(s, c);
        break;
      case SearchPhase::kConfirming:
        if (o.pass) {
          finish(s, true, o.rate, c);
        } else if (s.step_downs == kMaxStepDowns) {
          fail_at(s, o);
          finish(s, false, 0, c);
          s.d.unconfirmed = true;
        } else {
          // The rate passed once and failed now: noise at the edge. Step below it.
          fail_at(s, o);
          ++s.step_downs;
          s.d.next_rate = round_rate(o.rate * (1 - std::max(c.resolution, kMinResolution)));
        }
        break;
      case SearchPhase::kDone:
        return s.d;  // steps beyond the end change nothing
    }
    if (s.d.phase != SearchPhase::kDone && taken >= static_cast<size_t>(std::max(c.max_steps, 1))) {
      // Out of steps before an answer: say so, with the best rate seen (unconfirmed).
      finish(s, false, 0, c);
      s.d.step_limit = true;
      return s.d;
    }
  }
  return s.d;
}

}  // namespace stressql::statements
