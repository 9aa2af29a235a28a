#pragma once
// What a comparison did not judge (judge/compare.h), why, and what would make it judgeable:
// the lines `stressql compare` prints when nothing could be judged, so a gate that judged
// nothing says so instead of passing.

#include <string>
#include <vector>

#include "judge/compare.h"

namespace stressql::judge {

// The deciding metrics that got no verdict in any statement, in the order of `deciding`.
std::vector<stats::Metric> unjudged_metrics(const Comparison& c, const CompareOptions& options);
// Why the deciding metrics got no verdict: "cpu points_per_sec: rated: …", each reason once,
// or that no statement was compared (with the comparison's notes).
std::vector<std::string> why_not_judged(const Comparison& c);
// What would make them judgeable: "--repeat 4", longer runs, per-second metrics.
std::vector<std::string> how_to_judge(const Comparison& c);

}  // namespace stressql::judge
