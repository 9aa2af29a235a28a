#include "judge/unjudged.h"

#include <algorithm>

namespace stressql::judge {

std::vector<stats::Metric> unjudged_metrics(const Comparison& c, const CompareOptions& options) {
  std::vector<stats::Metric> out;
  for (stats::Metric m : options.deciding) {
    bool judged = false;
    for (const MetricComparison& r : c.rows) judged |= r.metric == m && r.verdict != Verdict::kNotTested;
    if (!judged && std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  }
  return out;
}

std::vector<std::string> why_not_judged(const Comparison& c) {
  std::vector<std::string> out;
  for (const MetricComparison& r : c.rows) {
    if (!r.deciding || r.verdict != Verdict::kNotTested) continue;
    const std::string reason = r.statement + " " + stats::metric_name(r.metric) + ": " + r.note;
    if (std::find(out.begin(), out.end(), reason) == out.end()) out.push_back(reason);
  }
  if (c.rows.empty()) {
    out.push_back("no statement was compared (none ran and finished requests in both BASE and NEW)");
    for (const std::string& n : c.notes) out.push_back(n);
  } else if (out.empty()) {
    out.push_back("no statement has a deciding metric (see --metrics)");
  }
  return out;
}

std::vector<std::string> how_to_judge(const Comparison& c) {
  bool repeats = false, longer = false, rated = false;
  for (const MetricComparison& r : c.rows) {
    if (!r.deciding || r.verdict != Verdict::kNotTested) continue;
    rated |= r.note.find("rated") != std::string::npos;
    repeats |= r.note.find("one value per run") != std::string::npos || rated;
    longer |= r.note.find("too few values") != std::string::npos || r.note.find("no values") != std::string::npos;
  }
  std::vector<std::string> out;
  if (c.rows.empty()) out.push_back("compare runs whose statements finished requests on both sides");
  if (repeats || longer) {
    out.push_back("run each side with --repeat " + std::to_string(kMinRepeats) +
                  " or more: then the repeats' values decide every metric");
  }
  if (longer) out.push_back("run longer: an interval needs at least 4 one-second intervals on each side");
  if (rated) {
    out.push_back("under a rate, decide on what the server changes: --metrics p99,error_rate (judged per second)");
  } else if (repeats) {
    out.push_back("decide on metrics judged per second: points_per_sec, requests_per_sec, p50, p99, max, error_rate");
  }
  return out;
}

}  // namespace stressql::judge
