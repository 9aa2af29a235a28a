#pragma once
// `--json FILE`: everything in the text report plus settings, test ID, tool version, host
// and times, for CI regression suites that compare runs. The schema is versioned and
// documented in report/report.schema.json; change it only with a new schema_version.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "stats/statement_report.h"
#include "report/text_report.h"

namespace stressql::report {

// 2: request statements carry `intervals` (one-second records) and `interval_late_samples`.
// 3: request statements carry `latency_spectrum`; `engine` carries `summary`.
// 4: every interval carries `failures_by_class`.
inline constexpr int kJsonSchemaVersion = 6;

struct HostInfo {
  std::string cpu_model;
  int cores = 0;
  std::string kernel;
};
HostInfo host_info();

// `options`: the run's options as the caller describes them (no credentials).
nlohmann::json json_report(const std::vector<stats::StatementReport>& statements, const stats::RunSummary& run,
                           const nlohmann::json& options, const std::string& version);

// One statement's one-second intervals, as in the report's `intervals`.
nlohmann::json intervals_json(const stats::IntervalStats& iv);

// RFC 3339 UTC with nanoseconds: "2026-11-24T10:52:17.074080890Z".
std::string rfc3339(int64_t unix_ns);

}  // namespace stressql::report
