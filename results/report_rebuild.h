#pragma once
// `stressql report`: one run's report rebuilt from its rows in _stressTest (SPEC §6.5), a
// sharded test's shards merged. A statement's totals and histograms are the sum of its
// `request_stats` rows (a few per second of the run); results written before those rows
// existed are rebuilt from every attempt row instead. Rows fold into the statements as their
// chunks arrive and are not kept, so memory does not grow with the run's length
// (bench/report_rebuild.sh).

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "stats/run_summary.h"
#include "results/row_reader.h"
#include "stats/statement_report.h"

namespace stressql::results {

struct RebuiltReport {
  std::vector<stats::StatementReport> statements;  // in script order
  stats::RunSummary summary;
  uint32_t shards = 1;
  std::string by_shard_text;  // with `by_shard` and a sharded test: a line per shard
};

// Rebuilds the report of `test_id` from the rows `reader` reads. Errors: the server's, a
// malformed row, or no statement or run row for the test.
base::Status rebuild_report(const RowReader& reader, const std::string& test_id, bool by_shard,
                            RebuiltReport* out);

}  // namespace stressql::results
