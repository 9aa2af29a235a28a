#pragma once
// Threshold results in the JSON report (`thresholds`).

#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "judge/threshold.h"

namespace stressql::judge {

// [{"threshold": "p99<=200ms", "statement": "mockCpu", "metric": "p99", "op": "<=",
//   "value": 2e8, "measured": 1.83e8 | null, "pass": true}, ...] in the metric's unit.
nlohmann::json threshold_results_json(const std::vector<ThresholdResult>& results);

}  // namespace stressql::judge
