#pragma once
// The text of results rows (SPEC §5), in InfluxDB line protocol: pure formatting into a
// caller's buffer, no I/O. Measurements: `write` and `query` (one row per request attempt,
// the SPEC's tags and fields plus what `stressql report` needs to rebuild the report),
// `interval` (one row per statement per second: IntervalRecord), `interval_failures` (one
// row per class with failures in such a second), `request_stats` (a statement's totals and
// histograms gained since its previous such row: results/request_stats_fields.h),
// `statement` (one row per statement: kind, outcome, duration), `address` (--by-address), `server_source` (SPEC §7.1: one row per
// metrics source of a statement, its window's numbers) and `server` (one row per metrics
// source per second of a statement), and `run` (one row per run).

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "engine/engine.h"
#include "stats/statement_report.h"
#include "report/text_report.h"

namespace stressql::results {

// Line-protocol escaping of a tag value / a string field's contents (base::lp_escape); an
// empty tag value becomes "-" (InfluxDB refuses empty ones).
std::string escape_tag(const std::string& s);
std::string escape_field_string(const std::string& s);

// Formats the rows of one run (one test_id). Not thread-safe: the control thread's.
class ResultsRows {
 public:
  explicit ResultsRows(std::string test_id);
  ResultsRows(const ResultsRows&) = delete;
  ResultsRows& operator=(const ResultsRows&) = delete;

  // Tags every row from now on with `step=N` besides the test ID (find-max: one test ID per
  // search, one step tag per step).
  void set_step(int step);

  // Appends one `write` (INSERT) or `query` row, ending in '\n', to *out. Rows of one
  // statement get distinct timestamps (the sample's due time, or one more than the last
  // row's): they share a series, and equal timestamps would overwrite each other.
  // Allocates nothing once *out has room (bench/results_rows_bench), but for the first
  // sample of a statement (its delta) and of a status or failure class since its last row.
  // The sample is also added to the statement's pending `request_stats` delta; once that
  // holds kStatsRowAttempts attempts its row is appended too (so that no row's histogram
  // text outgrows InfluxDB's 64 KB string limit). Returns the number of rows appended.
  // REQUIRES: `st` stays where it is while rows of it are added (its address is a cache key).
  size_t add_sample(const stats::StatementReport& st, const engine::Sample& s, std::string* out);
  static constexpr uint64_t kStatsRowAttempts = 4096;
  // Appends the `request_stats` row of what `st`'s samples added since its previous one, if
  // any came: the row's timestamp is the latest due time among them (kept unique). With
  // `last` (the statement has ended) the pending delta's memory is freed. Returns 0 or 1.
  size_t add_request_stats(const stats::StatementReport& st, bool last, std::string* out);
  // Appends the `interval` row of one closed second of `st`, then an `interval_failures` row
  // (tag failure_class) per class that failed in it; their timestamp is the second's start
  // (st.intervals.start_unix_ns() + second s). Returns the number of rows appended.
  size_t add_interval(const stats::StatementReport& st, const stats::IntervalRecord& r, std::string* out);
  // Appends the `statement` row of the statement at `index` in the script; its timestamp is
  // run_start_ns + index. With per-address numbers (--by-address) an `address` row per
  // address follows (tags statement_id, address), with the same timestamp; then per metrics
  // source a `server_source` row (tags statement_id, source, kind; the same timestamp) and
  // its `server` rows, at their seconds' times.
  // Returns the number of rows appended.
  size_t add_statement(const stats::StatementReport& st, size_t index, int64_t run_start_ns, std::string* out);
  // Appends the run's `run` row.
  void add_run(const stats::RunSummary& run, size_t statements, std::string* out);
  // Under --shard: every row also gets the tag shard=<index>, so the shards' rows of one
  // test stay apart (`stressql report` merges them). Before the first row.
  void set_shard(uint32_t index);

 private:
  struct StatementRows {
    std::string id;
    std::string prefix;   // "write,<tags> " or "query,<tags> "
    int64_t last_ts = 0;  // keeps the statement's row timestamps unique
    // The `request_stats` delta: samples since its last row (allocated at the first one).
    std::unique_ptr<stats::RequestStats> delta;
    int64_t delta_due = 0;       // the latest due time in it
    int64_t last_stats_ts = 0;   // keeps the `request_stats` timestamps unique
  };
  StatementRows& rows_for(const stats::StatementReport& st);
  void retag();  // id_tags_ from the test ID, shard and step; forgets the rows' prefixes

  const std::string test_id_;
  std::string id_tags_;    // ",test_id=…[,shard=…][,step=…]", escaped
  std::string shard_tag_;  // ",shard=<i>" once set_shard
  std::string step_tag_;   // ",step=<n>" once set_step
  std::map<std::string, StatementRows> rows_;  // by statement id (stable addresses)
  const stats::StatementReport* last_report_ = nullptr;
  StatementRows* last_rows_ = nullptr;
};

}  // namespace stressql::results
