#pragma once
// Results rows (SPEC §5) into the `_stressTest` database of a reporting InfluxDB: the one
// object the run holds. ResultsRows formats them, ResultsUploader gets them to the server
// (kAfterRun or kLive, see results_uploader.h) or into a local file (ResultsSpool); this
// facade ties the two and says in one line where the rows went.

#include <atomic>
#include <functional>
#include <map>
#include <string>

#include "engine/engine.h"
#include "results/results_rows.h"
#include "results/results_uploader.h"
#include "stats/statement_report.h"
#include "report/text_report.h"
#include "judge/threshold.h"

namespace stressql::results {

class ResultsWriter {
 public:
  // `host_port` of the reporting server; `file_path` is the spool (kAfterRun) and where rows
  // go that the server did not take. Problems noticed during the run (the reporting server
  // does not answer, the file cannot be written) are told to `warn` at once, from the
  // sender thread.
  // Posting stops (between batches, and a post under way is cut short) once `*abandon` is
  // set; the rows not posted stay in the file.
  ResultsWriter(std::string host_port, std::string test_id, std::string file_path,
                ResultsUpload upload, std::function<void(const std::string&)> warn = {},
                const std::atomic<bool>* abandon = nullptr, ResultsEndpoint endpoint = {});
  ~ResultsWriter();  // finish()es if the caller did not
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  // Control thread: rows from now on carry the tag step=N (find-max), and statements start
  // afresh (a step reruns the same statements).
  void set_step(int step) {
    rows_.set_step(step);
    intervals_written_.clear();
  }
  // Control thread only. One row per request attempt.
  void add_sample(const stats::StatementReport& st, const engine::Sample& s);
  // Control thread: one `interval` row (and its `interval_failures` rows) per second of `st`
  // closed since the last call, then one `request_stats` row of what its samples added since
  // the previous one (call it about once a second during the run, and for every statement
  // after it).
  void add_intervals(const stats::StatementReport& st);
  // Control thread, about once a second: in live mode, hands over rows a second old even
  // when no new row comes to push them out.
  void tick();
  // Control thread only, after the run: one row per statement, then the run's row.
  void add_statement(const stats::StatementReport& st, size_t index, int64_t run_start_ns);
  void add_run(const stats::RunSummary& run, size_t statements);
  // Under --shard, before the first row: see ResultsRows::set_shard.
  void set_shard(uint32_t index) { rows_.set_shard(index); }
  // Control thread only, after the run: the `threshold` rows of `--threshold`.
  void add_thresholds(const std::vector<judge::ThresholdResult>& results, int64_t run_start_ns);
  // Sends everything, joins the sender; returns where the rows went (for the report).
  std::string finish(const UploadTick& tick = {});

 private:
  const std::string test_id_;
  ResultsRows rows_;
  ResultsUploader uploader_;
  std::map<std::string, size_t> intervals_written_;  // by statement id
  bool finished_ = false;
  std::string note_;
};

}  // namespace stressql::results
