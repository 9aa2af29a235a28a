#pragma once
// `stressql report TEST_ID [--results URL] [--json FILE] [--html FILE]`: rebuilds a run's text
// report (and its JSON report, intervals included, and its HTML page) from the rows it stored
// in _stressTest.

#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "net/results_endpoint.h"

namespace stressql::cli {

// Prints the report to `out` (and writes it as JSON to `json_file` and as HTML to `html_file`
// unless empty) and returns 0, or a message to `err` and 1 (server/rows missing, a file not
// written) or 2 (bad arguments, chart library missing). A sharded test's rows are merged into
// one report (results/shard_merge.h, results/report_rebuild.h); `by_shard` adds a line per shard for every INSERT and QUERY.
// `results`: the results server, resolved (cli/results_flags.h).
int run_report(const std::string& test_id, const net::ResultsEndpoint& results,
               const std::string& json_file, std::ostream& out, std::ostream& err,
               bool by_shard = false, const std::string& html_file = "");

// The JSON report of that run, rebuilt the same way (for `stressql compare TEST_ID ...`);
// returns as run_report does.
int report_json(const std::string& test_id, const net::ResultsEndpoint& results, nlohmann::json* out,
                std::ostream& err);

}  // namespace stressql::cli
