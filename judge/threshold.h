#pragma once
// Thresholds (`run --threshold`) and SLOs (`find-max --slo`): one grammar, SPEC §6.3,
//   [STATEMENT.]METRIC OP VALUE      e.g. "p99<=200ms", "mockCpu.points_per_sec>=480k"
// parsed and evaluated here, pure (no I/O), so both commands read and judge them alike.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "stats/metric.h"
#include "stats/statement_report.h"

namespace stressql::judge {


enum class Op { kLt, kLe, kGt, kGe, kEq };

struct Threshold {
  std::string text;       // as given, for the report
  std::string statement;  // empty: every statement that has the metric
  stats::Metric metric = stats::Metric::kP99;
  Op op = Op::kLe;
  double value = 0;       // in the metric's unit: ns (latency), % (error_rate), seconds
                          // (cpu_per_mpts), plain numbers otherwise
};

// Parses one expression. With allow_statement false (SLOs, which judge the one statement
// under search) a "STATEMENT." prefix is an error. Errors name the text, the column and what
// was expected; `out` is untouched then.
base::Status parse_threshold(std::string_view text, bool allow_statement, Threshold* out);

// "<=", ">", ...
const char* op_text(Op op);


// Whether `measured` meets the threshold. A missing measurement never does.
bool holds(const Threshold& t, std::optional<double> measured);


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
                                                 const std::vector<stats::StatementReport>& statements,
                                                 double run_cpu_per_mpts);

// "PASS  p99<=200ms  mockCpu  183ms" lines for the end of the text report, each ending in
// "\n"; empty for no results.
std::string render_threshold_results(const std::vector<ThresholdResult>& results);

}  // namespace stressql::judge
