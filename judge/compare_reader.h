#pragma once
// Reads `stressql compare --json`'s document (judge/compare_output.h compare_json) back into
// a Comparison: the compare page is built from a saved one.

#include <nlohmann/json.hpp>

#include "judge/compare.h"

namespace stressql::judge {

// Fields missing or of the wrong type read as absent, rows of an unknown metric are left
// out; `options` takes the document's confidence, limit and deciding metrics.
Comparison comparison_from_json(const nlohmann::json& doc, CompareOptions* options);

}  // namespace stressql::judge
