#pragma once
// `run --repeat N`: each statement's median and spread over the repeats (text and JSON), so a
// single noisy run cannot pass for the truth. Pure: takes the repeats' statement reports.

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stats/statement_report.h"
#include "stats/metric.h"

namespace stressql::report {

// One repeat, measured: each INSERT/QUERY's value of each summary metric (points_per_sec,
// requests_per_sec, p50, p99, error_rate), in script order.
struct MeasuredValue {
  std::string statement;
  stats::Metric metric = stats::Metric::kP99;
  std::optional<double> value;  // nullopt: none (no successful request, did not run)
};
struct RepeatRun {
  std::string test_id;
  std::vector<MeasuredValue> values;
};
// `cpu_per_mpts`: the run's CPU-s per million points (0: none).
RepeatRun measure_repeat(const std::string& test_id, const std::vector<stats::StatementReport>& statements,
                         double cpu_per_mpts);

// The table printed after the last repeat: per statement (by position in the script) and
// metric: median, min, max and the spread ±(max − min) / (2 · median).
std::string render_repeat_summary(const std::vector<RepeatRun>& runs);
// The same as JSON: [{"statement", "metric", "values": [per repeat, null when none],
// "median", "min", "max", "spread"}], in the metric's unit.
nlohmann::json repeat_summary_json(const std::vector<RepeatRun>& runs);

}  // namespace stressql::report
