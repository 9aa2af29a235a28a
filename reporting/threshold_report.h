#pragma once
// Where threshold results go besides the text report: the JSON report's `thresholds` and the
// results measurement `threshold` (one row per threshold and statement judged).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reporting/threshold.h"

namespace stressql::reporting {

// [{"threshold": "p99<=200ms", "statement": "mockCpu", "metric": "p99", "op": "<=",
//   "value": 2e8, "measured": 1.83e8 | null, "pass": true}, ...] in the metric's unit.
nlohmann::json threshold_results_json(const std::vector<ThresholdResult>& results);

// Appends one `threshold` row per result to *out (tags test_id, statement_name, threshold;
// fields metric, op, value, measured (absent when there was none), pass); the i-th row is
// timestamped run_start_ns + i so none overwrites another.
void add_threshold_rows(const std::string& test_id, const std::vector<ThresholdResult>& results,
                        int64_t run_start_ns, std::string* out);

// The run's CPU seconds per million points accepted, as the report prints it (0: no points).
double run_cpu_per_mpts(const std::vector<StatementReport>& statements, double cpu_seconds);

}  // namespace stressql::reporting
