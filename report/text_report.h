#pragma once
// The text report (SPEC §5): the original tool's labels and layout, plus what users
// need to trust the numbers (percentiles, failures by class, where the points went).

#include <cstdint>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "stats/run_summary.h"
#include "stats/statement_report.h"

namespace stressql::report {


// "2 reactors, 20004 sends (plain), 0 receive-buffer shortages, 0 CQ overflows"
std::string engine_text(const stats::RunSummary& run);

// The lines of one statement, each ending in "\n". A shard's server sources
// (ServerSourceStats::shards > 1) show the server's count and CPU without judging them
// against this shard's points.
std::string render_statement(const stats::StatementReport& r);
// Every statement in script order, then the run's totals.
std::string render_report(const std::vector<stats::StatementReport>& statements, const stats::RunSummary& run);


}  // namespace stressql::report
