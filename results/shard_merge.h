#pragma once
// `stressql report` of a sharded test (SPEC §6.5): the shards' statement and run rows
// merged into one report, as if one process had run the script. Pure: the caller reads the
// rows and adds the shards' `request_stats` rows (or, for older results, every attempt's
// sample) to the merged statements, which makes their histograms exact.

#include <map>
#include <string>
#include <vector>

#include "stats/statement_report.h"
#include "report/text_report.h"

namespace stressql::results {

// One statement over the shards whose rows were found (`parts`, by shard index; none
// empty), without samples: counts summed, the earliest start to the latest end, failed
// when any shard failed (errors prefixed "shard I: "). InfluxQL passthrough and EXEC ran
// on shard 0 only: its row is the statement.
stats::StatementReport merge_statement(
    const std::map<uint32_t, const stats::StatementReport*>& parts, uint32_t shards);

// The merged statement's one-second intervals from its shards' (by shard index, each as
// restored from its `interval` rows), for a statement that starts at `start_unix_ns` (the
// earliest shard's start). A shard's second counts in the merged second its start falls in
// (the shards start apart, so a merged second may hold a little of the next); counts,
// retries and failures by class add up, max is the largest, and p50/p99 are the largest of
// the shards' in that second: an upper bound (the intervals keep no histogram to merge).
void merge_intervals(const std::map<uint32_t, stats::IntervalStats>& parts, int64_t start_unix_ns,
                     uint64_t late_samples, stats::IntervalStats* out);

// The test's run over its shards' run rows (by shard index): the longest run time from the
// earliest start, CPU and engine counters summed; `shards` is N. A shard without a run row
// (killed, or its rows never posted) is named in shard_error.
stats::RunSummary merge_runs(const std::map<uint32_t, stats::RunSummary>& runs, uint32_t shards);

// `--by-shard`: for every INSERT and QUERY, one line per shard (points accepted, requests
// ok / failed, p99, run time). `per_shard[i]` are shard i's statements in script order.
std::string by_shard_text(const std::map<uint32_t, std::vector<stats::StatementReport>>& per_shard);

}  // namespace stressql::results
