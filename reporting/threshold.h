#pragma once
// Thresholds (`run --threshold`) and SLOs (`find-max --slo`): one grammar, SPEC §6.3,
//   [STATEMENT.]METRIC OP VALUE      e.g. "p99<=200ms", "mockCpu.points_per_sec>=480k"
// parsed and evaluated here, pure (no I/O), so both commands read and judge them alike.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "reporting/statement_report.h"

namespace stressql::reporting {

enum class Metric {
  kPointsPerSec,    // points accepted per second of the statement's run time
  kRequestsPerSec,  // successful requests per second of run time
  kAvg, kP50, kP95, kP99, kP999, kMax,  // latency from due time of successful requests, ns
  kErrors,          // requests that finally failed
  kErrorRate,       // finally failed requests, % of finished requests
  kRetries,         // attempts beyond the first
  kCpuPerMpts,      // the run's own CPU seconds per million points accepted
};

enum class Op { kLt, kLe, kGt, kGe, kEq };

struct Threshold {
  std::string text;       // as given, for the report
  std::string statement;  // empty: every statement that has the metric
  Metric metric = Metric::kP99;
  Op op = Op::kLe;
  double value = 0;       // in the metric's unit: ns (latency), % (error_rate), seconds
                          // (cpu_per_mpts), plain numbers otherwise
};

// Parses one expression. With allow_statement false (SLOs, which judge the one statement
// under search) a "STATEMENT." prefix is an error. Errors name the text, the column and what
// was expected; `out` is untouched then.
base::Status parse_threshold(std::string_view text, bool allow_statement, Threshold* out);

// "p99", "error_rate", ... and "<=", ">", ...
const char* metric_name(Metric m);
// The metric of that name ("p99"); false for an unknown name. `metric_names()` lists them all,
// comma-separated, for error messages.
bool metric_from_name(std::string_view name, Metric* out);
std::string metric_names();
const char* op_text(Op op);
// Whether statements of this kind have the metric (INSERT: all; QUERY: all but
// points_per_sec; others: none). Offline statements have only points_per_sec and cpu.
bool has_metric(const StatementReport& r, Metric m);

// The statement's value of the metric, in the metric's unit; nullopt when it has no value
// (no successful request for a latency, no finished request for error_rate, no points for
// cpu_per_mpts). `run_cpu_per_mpts` is the run's CPU-s per million points (0: unknown).
std::optional<double> measure(const StatementReport& r, Metric m, double run_cpu_per_mpts);

// Whether `measured` meets the threshold. A missing measurement never does.
bool holds(const Threshold& t, std::optional<double> measured);

// The value as the report prints it: "183ms", "0.5%", "480000", "0.0123 CPU-s".
std::string format_metric(Metric m, std::optional<double> value);

// One threshold judged on one statement.
struct ThresholdResult {
  const Threshold* threshold = nullptr;
  std::string statement;   // the statement's name
  std::optional<double> measured;
  bool pass = false;
};

// Every threshold against every statement it applies to, in threshold order, then script
// order. A threshold naming a statement applies to the statements of that name only.
std::vector<ThresholdResult> evaluate_thresholds(const std::vector<Threshold>& thresholds,
                                                 const std::vector<StatementReport>& statements,
                                                 double run_cpu_per_mpts);

// "PASS  p99<=200ms  mockCpu  183ms" lines for the end of the text report, each ending in
// "\n"; empty for no results.
std::string render_threshold_results(const std::vector<ThresholdResult>& results);

}  // namespace stressql::reporting
