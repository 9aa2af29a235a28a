#pragma once
// The driver of `stressql find-max` (SPEC §6.2): runs one step after another as the capacity
// search (statements/capacity_search.h) asks, each step a fresh Controller over a script
// derived from the user's: the SET, InfluxQL and EXEC statements before the chosen INSERT
// (so DROP/CREATE DATABASE run again and every step starts from the same server state), then
// `SET WriteRate [<rate>]` and the INSERT, its count made to last warmup + step at that rate.
// Control thread only.

#include <atomic>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "parser/script.h"
#include "results/results_writer.h"
#include "stats/statement_report.h"
#include "judge/threshold.h"
#include "statements/capacity_search.h"
#include "statements/run_options.h"

namespace stressql::statements {

struct FindMaxOptions {
  SearchConfig search;                       // rates in `unit` per second
  parser::Rate::Unit unit = parser::Rate::Unit::kPoints;  // kPoints or kRequests
  int64_t step_ns = 10'000'000'000;          // counted part of a step
  int64_t warmup_ns = 2'000'000'000;         // run before it, not counted
  std::vector<judge::Threshold> slos;    // REQUIRES: no statement names
  size_t statement = 0;                      // REQUIRES: index of an INSERT in the script
  std::string test_id;                       // the search's: every step's summary carries it
};

struct StepResult {
  int number = 0;  // 1-based
  SearchPhase phase = SearchPhase::kDoubling;
  double target = 0;    // units per second
  double achieved = 0;  // of the counted part
  // The step's run (every statement of the derived script) and the INSERT's counted part:
  // its samples due after the warm-up, which the SLOs judge.
  std::vector<stats::StatementReport> reports;
  stats::RunSummary summary;
  stats::StatementReport counted;
  std::vector<judge::ThresholdResult> slo_results;
  bool pass = false;
  bool client_limited = false;  // stressql could not send at the target, the server was fast
  bool setup_failed = false;    // a statement before the INSERT failed: the search stops
  bool interrupted = false;     // Ctrl-C
  std::string why;              // why it failed, for the step line; empty when it passed
};

// Judges the counted part of a step (step->counted, target, interrupted, and a setup
// failure already in `why`): fills achieved, slo_results, pass, client_limited and why.
// `connections`: the INSERT's WriteConcurrency; `cpu_s`: the process's CPU seconds over the
// counted window (not the warm-up or the setup), which cpu_per_mpts divides by the counted
// points. Pure.
void judge_step(const std::vector<judge::Threshold>& slos, int64_t connections, double cpu_s,
                StepResult* step);

// Fewest requests beyond a percentile for a step's estimate of it to be repeatable: with
// fewer, a stall or two decide a step's p99 and two searches land apart.
inline constexpr double kMinTailRequests = 20;

// When a step that counted `counted` requests in `step_ns` puts fewer than kMinTailRequests
// beyond the highest percentile among `slos` (p50, p95, p99, p999), a note saying so and the
// --step that would; empty otherwise. Pure.
std::string thin_tail_note(const std::vector<judge::Threshold>& slos, uint64_t counted, int64_t step_ns);

// The step's outcome as the search sees it.
StepOutcome outcome(const StepResult& step);

// "<n> pts/s" / "<n> req/s".
std::string rate_with_unit(double rate, parser::Rate::Unit unit);

class FindMax {
 public:
  // `stop` is set by a signal handler: the running step stops, the search ends, the steps
  // so far stay. `results` (may be null) gets every step's rows, tagged step=N.
  FindMax(const parser::Script& script, const RunOptions& options, const FindMaxOptions& fm,
          const std::atomic<bool>* stop, results::ResultsWriter* results, std::ostream& err);

  // Called after each step (the step line).
  void set_step_observer(std::function<void(const StepResult&)> f) { on_step_ = std::move(f); }
  // Where warnings go (each distinct one once); default: the error stream.
  void set_warner(std::function<void(const std::string&)> w) { warn_ = std::move(w); }

  // Runs the search to its end, a setup failure or Ctrl-C. Returns 0 when a rate was found
  // and confirmed, 1 otherwise.
  int run();

  const std::vector<StepResult>& steps() const { return steps_; }
  const SearchDecision& decision() const { return decision_; }
  bool interrupted() const { return interrupted_; }

 private:
  parser::Script step_script(double rate) const;
  StepResult run_step(int number, double rate, SearchPhase phase);

  const parser::Script& script_;
  RunOptions options_;
  FindMaxOptions fm_;
  const std::atomic<bool>* stop_;
  results::ResultsWriter* results_;
  std::ostream& err_;
  parser::Settings insert_settings_;  // in force at the INSERT (flags, then its SETs)
  std::function<void(const StepResult&)> on_step_;
  std::function<void(const std::string&)> warn_;
  std::vector<std::string> warned_;
  std::vector<StepResult> steps_;
  SearchDecision decision_;
  bool interrupted_ = false;
};

}  // namespace stressql::statements
