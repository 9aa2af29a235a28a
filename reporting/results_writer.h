#pragma once
// Results rows (SPEC §5) into the `_stressTest` database of a reporting InfluxDB, off the
// hot path: the control thread formats rows into a buffer; a sender thread of its own takes
// full buffers. Nothing is lost: rows the reporting server did not take end up in a local
// line-protocol file, and finish() says where.
//
// When the rows are posted (ResultsUpload):
// - kAfterRun (the default): the sender appends them to that file while the load runs and
//   finish() posts the file once the script has ended, then deletes it. The reporting server
//   is often the server under test, or shares its machine: ingesting a row per request while
//   the load runs would take CPU from the load being measured (bench/results_overhead.sh).
// - kLive: the sender posts them while the load runs (at least every second), so a dashboard
//   can follow the run; the file only gets rows the server failed to take.
//
// Measurements: `write` and `query` (one row per request attempt, the SPEC's tags and
// fields plus what `stressql report` needs to rebuild the report), `statement` (one row per
// statement: kind, outcome, duration) and `run` (one row per run).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "reporting/statement_report.h"
#include "reporting/text_report.h"

namespace stressql::reporting {

inline constexpr const char* kResultsDatabase = "_stressTest";

enum class ResultsUpload { kAfterRun, kLive };

// Called about once a second while finish() posts spooled rows.
using UploadTick = std::function<void(uint64_t rows_posted, uint64_t rows_to_post)>;

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
                const std::atomic<bool>* abandon = nullptr);
  ~ResultsWriter();  // finish()es if the caller did not
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  // Control thread only. One row per request attempt.
  void add_sample(const StatementReport& st, const engine::Sample& s);
  // Control thread, about once a second: in live mode, hands over rows a second old even
  // when no new row comes to push them out.
  void tick();
  // Control thread only, after the run: one row per statement, then the run's row.
  void add_statement(const StatementReport& st, size_t index, int64_t run_start_ns);
  void add_run(const RunSummary& run, size_t statements);
  // Sends everything, joins the sender; returns where the rows went (for the report).
  std::string finish(const UploadTick& tick = {});

 private:
  struct Batch {
    std::string text;
    uint64_t rows = 0;
    bool flush = false;  // post what is pending now (live: the once-a-second flush; the end)
  };
  struct Chunk {  // one Batch in the spool file
    uint64_t offset = 0;
    uint64_t bytes = 0;
    uint64_t rows = 0;
  };

  void row_added();  // hands the buffer over when it is full, or (live) a second old
  void hand_over(bool flush);  // moves the current buffer to the sender
  void sender_loop();
  void take(const Batch& b);  // sender: spool, or collect for a post
  void send_pending();        // sender: post the collected rows, or keep them in the file
  bool create_database();
  // Posts one batch (cut short by *abandon_); on failure says why in *failure. Safe on
  // several threads at once.
  bool post(std::string_view rows, std::string* failure) const;
  bool append_to_file(const std::string& text, std::string* error);
  void keep_in_file(const std::string& text, uint64_t rows);  // rows the server will not get
  void warn(const std::string& text);
  bool abandoned() const { return abandon_ != nullptr && abandon_->load(std::memory_order_relaxed); }
  // After a partial upload: rewrites the file to hold only the chunks not posted.
  void keep_only_unposted(const std::vector<char>& posted);
  void post_spool(const UploadTick& tick);
  struct StatementRows {
    std::string id;
    std::string prefix;   // "write,<tags> " or "query,<tags> "
    int64_t last_ts = 0;  // keeps the statement's row timestamps unique
  };
  StatementRows& rows_for(const StatementReport& st);

  const std::string host_port_;
  const std::string test_id_;
  const std::string file_path_;
  const ResultsUpload upload_;
  const std::function<void(const std::string&)> warn_;

  // Control thread's side.
  std::string buffer_;
  uint64_t rows_in_buffer_ = 0;
  int64_t buffer_started_ns_ = 0;  // kLive: when the buffer's first row came
  uint64_t rows_total_ = 0;
  std::map<std::string, StatementRows> rows_;  // by statement id (stable addresses)
  const StatementReport* last_report_ = nullptr;
  StatementRows* last_rows_ = nullptr;

  // Shared with the sender, under mu_.
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  size_t queued_bytes_ = 0;
  std::vector<std::string> recycled_;  // empty buffers with capacity, for the next batches
  bool closing_ = false;

  // The sender's while it runs; finish()'s after it joined.
  bool database_ready_ = false;
  bool server_failed_ = false;
  std::string failure_;
  int fd_ = -1;                  // the file, opened on first use
  uint64_t file_bytes_ = 0;
  std::string file_error_;       // set when the file cannot be written
  std::vector<Chunk> spool_;     // kAfterRun: rows waiting in the file, in post-sized chunks
  std::string pending_;          // rows collected for the next post
  uint64_t pending_rows_ = 0;
  uint64_t rows_posted_ = 0;
  uint64_t rows_in_file_ = 0;    // rows the file holds that the server does not
  uint64_t rows_lost_ = 0;       // neither posted nor written (the file failed too)
  bool file_repeats_posted_ = false;  // the file also holds rows that were posted
  bool interrupted_ = false;     // a signal stopped the posting
  const std::atomic<bool>* const abandon_;
  int64_t upload_ns_ = 0;
  std::thread sender_;
  bool finished_ = false;
  std::string note_;
};

// Line-protocol escaping of a tag value / a string field's contents.
std::string escape_tag(const std::string& s);
std::string escape_field_string(const std::string& s);

}  // namespace stressql::reporting
