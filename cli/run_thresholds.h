#pragma once
// `run --threshold EXPR`: the expressions read and checked against the script before anything
// is sent, and judged on the finished run (SPEC §6.3).

#include <ostream>
#include <string>
#include <vector>

#include "parser/script.h"
#include "stats/statement_report.h"
#include "judge/threshold.h"

namespace stressql::cli {

// Parses every expression; a malformed one, one naming a statement (INSERT or QUERY) the
// script does not have, or, on a shard (`sharded`), one on server_cpu_per_mpts, which a
// shard never judges (the server's CPU went to every shard's points), is reported to `err`.
// Returns false on any error (exit status 2: nothing is sent).
bool parse_run_thresholds(const std::vector<std::string>& texts, const parser::Script& script,
                          bool sharded, std::vector<judge::Threshold>* out, std::ostream& err);

// The report's closing lines: "Thresholds:" and one PASS/FAIL line per threshold and
// statement judged; empty without thresholds.
std::string thresholds_text(const std::vector<judge::ThresholdResult>& results);

// Whether any threshold failed.
bool any_failed(const std::vector<judge::ThresholdResult>& results);

}  // namespace stressql::cli
