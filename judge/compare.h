#pragma once
// `stressql compare BASE NEW` (SPEC §6.3), the pure part: two runs read from their JSON
// reports, matched statement by statement (by name), each metric judged by the shift of its
// samples (stats/compare_stats.h): the values of the repeats when both runs have at
// least kMinRepeats, else the one-second intervals of every repeat.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "judge/threshold.h"

namespace stressql::judge {

// Fewer repeats than this on either side: the intervals decide (a 95 % interval from 3 and 3
// values does not exist; from 4 and 4 it is the range of the differences).
inline constexpr size_t kMinRepeats = 4;

// One side of a comparison: its run reports, one per repeat.
struct CompareInput {
  std::string label;                   // file name or test ID, for the output
  std::vector<nlohmann::json> repeats;  // each a `stressql-report` document
  std::string script_sha256;           // empty: unknown (a report rebuilt from _stressTest)
};

// Takes a parsed --json document: one report (schema "stressql-report") or the report of a
// --repeat run (schema "stressql-repeats", every repeat in `runs`). An error names what is
// missing or of the wrong type.
base::Status read_compare_input(const nlohmann::json& doc, std::string label, CompareInput* out);

struct CompareOptions {
  double max_regression_percent = 5;  // a significant regression beyond this fails
  std::vector<stats::Metric> deciding = {stats::Metric::kPointsPerSec, stats::Metric::kRequestsPerSec, stats::Metric::kP99,
                                  stats::Metric::kErrorRate};
  double confidence = 0.95;
};

enum class Verdict { kBetter, kWorse, kNoChange, kNotTested };
const char* verdict_text(Verdict v);  // "better", "worse", "no significant change", "not tested"

struct MetricComparison {
  std::string statement;
  stats::Metric metric = stats::Metric::kP99;
  bool deciding = false;
  std::optional<double> base, next;  // medians of the samples (not tested: the runs' values)
  // Whether the samples were judged as ratios (every value above 0): the change is the
  // Hodges–Lehmann ratio next / base − 1 with its interval, computed on the logarithms, so
  // it never reaches −100 %. Otherwise (a 0 among them: a second without errors) they were
  // judged by their difference, and the interval is only in the metric's unit.
  bool ratio = false;
  // The shift next − base with its interval, in the metric's unit: the Hodges–Lehmann shift,
  // or, judged as ratios, the base median × (ratio − 1).
  double shift = 0, shift_low = 0, shift_high = 0;
  bool bounded = false;
  // The change relative to base: ratio − 1 (and its interval), or the difference over the
  // base median (no interval); nullopt when the base is 0.
  std::optional<double> change, change_low, change_high;
  Verdict verdict = Verdict::kNotTested;
  bool regression = false;  // deciding, significantly worse, beyond --max-regression
  std::string basis;        // "59 vs 58 one-second intervals", "5 vs 5 repeats", ...
  std::string note;         // why it was not tested
};

struct Comparison {
  std::string base_label, next_label;
  // The test ID of each run of a side (one per repeat; "" for a report without one).
  std::vector<std::string> base_test_ids, next_test_ids;
  std::vector<std::string> warnings;  // e.g. different scripts
  std::vector<std::string> notes;     // statements listed, not compared, and why
  std::vector<MetricComparison> rows;
  bool regression() const;
  // Whether some deciding metric got a verdict. A comparison that judged nothing has not
  // passed: `stressql compare` fails it (exit status 3) like a regression; why, and what
  // would judge it: judge/unjudged.h.
  bool judged() const;
};

Comparison compare_runs(const CompareInput& base, const CompareInput& next, const CompareOptions& options);

// Parses "points_per_sec,p99" (blanks allowed); an unknown name is an error naming the
// metrics there are.
base::Status parse_metric_list(std::string_view text, std::vector<stats::Metric>* out);
// Parses "5%" or "5" (percent), >= 0.
base::Status parse_percent(std::string_view text, double* out);

}  // namespace stressql::judge
