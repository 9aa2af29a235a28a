#pragma once
// The results measurement `threshold`: one row per threshold and statement judged.

#include <cstdint>
#include <string>
#include <vector>

#include "judge/threshold.h"

namespace stressql::results {

// Appends one `threshold` row per result to *out (tags test_id, statement_name, threshold;
// fields metric, op, value, measured (absent when there was none), pass); the i-th row is
// timestamped run_start_ns + i so none overwrites another.
void add_threshold_rows(const std::string& test_id, const std::vector<judge::ThresholdResult>& results,
                        int64_t run_start_ns, std::string* out);

}  // namespace stressql::results
