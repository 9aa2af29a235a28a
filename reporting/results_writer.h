#pragma once
// Results rows (SPEC §5) into the `_stressTest` database of a reporting InfluxDB, off the
// hot path: the control thread formats rows into a buffer; a sender thread of its own
// posts full buffers. Nothing is lost: when the reporting server cannot take the rows, they
// (and every later row) go to a local line-protocol file, and finish() says where.
//
// Measurements: `write` and `query` (one row per request attempt, the SPEC's tags and
// fields plus what `stressql report` needs to rebuild the report), `statement` (one row per
// statement: kind, outcome, duration) and `run` (one row per run).

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/engine.h"
#include "reporting/statement_report.h"
#include "reporting/text_report.h"

namespace stressql::reporting {

inline constexpr const char* kResultsDatabase = "_stressTest";

class ResultsWriter {
 public:
  // `host_port` of the reporting server; `fallback_path` is where rows go if it fails.
  ResultsWriter(std::string host_port, std::string test_id, std::string fallback_path);
  ~ResultsWriter();  // finish()es if the caller did not
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  // Control thread only. One row per request attempt.
  void add_sample(const StatementReport& st, const engine::Sample& s);
  // Control thread only, after the run: one row per statement, then the run's row.
  void add_statement(const StatementReport& st, size_t index, int64_t run_start_ns);
  void add_run(const RunSummary& run, size_t statements);
  // Sends everything, joins the sender; returns where the rows went (for the report).
  std::string finish();

 private:
  void hand_over();  // moves the current buffer to the sender
  void sender_loop();
  bool post(const std::string& rows);
  void spill(const std::string& rows);
  std::string tags_for(const StatementReport& st);

  const std::string host_port_;
  const std::string test_id_;
  const std::string fallback_path_;

  // Control thread's side.
  std::string buffer_;
  size_t rows_in_buffer_ = 0;
  uint64_t rows_total_ = 0;
  std::map<std::string, int64_t> last_ts_;  // per statement: keeps timestamps unique
  std::map<std::string, std::string> tags_; // per statement: rendered tag set

  // Shared with the sender, under mu_.
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  bool closing_ = false;

  // Sender's side.
  bool server_failed_ = false;
  std::string failure_;
  uint64_t rows_spilled_bytes_ = 0;
  std::FILE* file_ = nullptr;
  std::thread sender_;
  bool finished_ = false;
  std::string note_;
};

// Line-protocol escaping of a tag value / a string field's contents.
std::string escape_tag(const std::string& s);
std::string escape_field_string(const std::string& s);

}  // namespace stressql::reporting
