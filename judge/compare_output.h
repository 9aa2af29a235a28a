#pragma once
// What `stressql compare` prints and writes: a text table (the default), a Markdown table
// for a CI job summary (--markdown), JUnit XML (--junit FILE: one test case per statement and
// metric) and JSON (--json FILE). Every one names BASE first and NEW second, and a
// comparison that judged nothing says so, why, and what would make it judgeable.
// Reading the JSON back: judge/compare_reader.h.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "judge/compare.h"
#include "judge/unjudged.h"

namespace stressql::judge {

std::string render_compare_text(const Comparison& c, const CompareOptions& options);
std::string render_compare_markdown(const Comparison& c, const CompareOptions& options);
// A failure for each regression, carrying base, new, change and interval; a skipped case
// for each metric not tested; metrics that do not decide pass whatever their verdict; a
// failed case "judged" when no deciding metric got a verdict.
std::string render_compare_junit(const Comparison& c, const CompareOptions& options);
nlohmann::json compare_json(const Comparison& c, const CompareOptions& options);

// The text table's header and a row's cells (Statement, Metric, Base, New, Change, 95% CI,
// Gate, Verdict), as the text output prints them.
const std::vector<std::string>& compare_header();
std::vector<std::string> compare_row(const MetricComparison& r);
// The text output's result line: "OK: no significant regression beyond 5% in p99" (the
// deciding metrics judged; "; not judged: points_per_sec" for the others), "REGRESSION
// beyond 5%: cpu p99 +20.0%", or "FAIL: nothing could be judged in points_per_sec".
std::string compare_summary(const Comparison& c, const CompareOptions& options);
// "BASE base.json → NEW new.json": the one order every output uses.
std::string compare_title(const Comparison& c);

// "+12.3%" (new relative to base); for a base of 0 the absolute shift, "+0.5% (from 0)"
// style, in the metric's unit.
std::string change_text(const MetricComparison& r);
// "[-1.2%, +3.4%]" (a ratio's interval, above -100%), "[-3ms, +1ms]" (a difference's, in
// the metric's unit), or "" when there is no interval.
std::string interval_text(const MetricComparison& r);

}  // namespace stressql::judge
