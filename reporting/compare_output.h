#pragma once
// What `stressql compare` prints and writes: a text table (the default), a Markdown table
// for a CI job summary (--markdown), JUnit XML (--junit FILE: one test case per statement and
// metric) and JSON (--json FILE).

#include <nlohmann/json.hpp>
#include <string>

#include "reporting/compare.h"

namespace stressql::reporting {

std::string render_compare_text(const Comparison& c, const CompareOptions& options);
std::string render_compare_markdown(const Comparison& c, const CompareOptions& options);
// A failure for each regression, carrying base, new, change and interval; a skipped case
// for each metric not tested; metrics that do not decide pass whatever their verdict.
std::string render_compare_junit(const Comparison& c, const CompareOptions& options);
nlohmann::json compare_json(const Comparison& c, const CompareOptions& options);

// "+12.3%"; for a base of 0 the absolute shift, "+0.5% (from 0)" style, in the metric's unit.
std::string change_text(const MetricComparison& r);
// "[-1.2%, +3.4%]", or "" when there is no interval.
std::string interval_text(const MetricComparison& r);

}  // namespace stressql::reporting
