#pragma once
// ResultsUploader: gets the results rows the control thread formats (ResultsRows) into the
// `_stressTest` database of a reporting InfluxDB, off the hot path. The control thread
// writes rows into buffer() and hands full buffers to a sender thread of its own. Nothing
// is lost: rows the reporting server did not take end up in a local line-protocol file
// (ResultsSpool), and finish() says how many went where.
//
// When the rows are posted (ResultsUpload):
// - kAfterRun (the default): the sender appends them to that file while the load runs and
//   finish() posts the file once the script has ended, over several connections at once,
//   then deletes it. The reporting server is often the server under test, or shares its
//   machine: ingesting a row per request while the load runs would take CPU from the load
//   being measured (bench/results_overhead.sh).
// - kLive: the sender posts them while the load runs (at least every second), so a dashboard
//   can follow the run; the file only gets rows the server failed to take.
//
// Threads: buffer(), row_added(), tick() and finish() are the control thread's. The sender
// and finish()'s upload workers never touch the control thread's buffer; batches cross
// between them only through a queue under a mutex.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "net/results_endpoint.h"
#include "results/results_spool.h"

namespace stressql::results {

using net::kResultsDatabase;

enum class ResultsUpload { kAfterRun, kLive };

// Called about once a second while finish() posts spooled rows.
using UploadTick = std::function<void(uint64_t rows_posted, uint64_t rows_to_post)>;

// Where the rows went, once finish() has returned.
struct UploadOutcome {
  uint64_t rows = 0;          // handed over in all
  uint64_t rows_posted = 0;   // in the reporting server
  uint64_t rows_in_file = 0;  // in the file and not in the server
  uint64_t rows_lost = 0;     // in neither: the file could not be written either
  bool interrupted = false;   // *abandon stopped the posting
  bool file_repeats_posted = false;  // the file also holds rows that were posted
  bool posted_after_run = false;     // kAfterRun: finish() posted the file (upload_ns)
  int64_t upload_ns = 0;
  bool fault = false;         // a thread of the upload died (failure says which and why)
  std::string failure;        // why the reporting server failed
  std::string file_error;     // why the file could not be written
};

// Where and how rows are posted: the 1.x API by default; net/results_endpoint.h builds the
// 2.x and 3.x ones and carries the credentials.
using net::ResultsEndpoint;

class ResultsUploader {
 public:
  // `host_port` of the reporting server; `file_path` is the spool (kAfterRun) and where rows
  // go that the server did not take. Problems noticed during the run (the reporting server
  // does not answer, the file cannot be written) are told to `warn` at once, from the
  // sender thread. Posting stops (between batches, and a post under way is cut short) once
  // `*abandon` is set; the rows not posted stay in the file. Starts the sender thread, which
  // creates the database at once: a wrong address is told at the start of a long run.
  // An empty endpoint.create_target creates nothing (a 2.x bucket must exist already).
  ResultsUploader(std::string host_port, std::string file_path, ResultsUpload upload,
                  std::function<void(const std::string&)> warn = {},
                  const std::atomic<bool>* abandon = nullptr, ResultsEndpoint endpoint = {});
  ~ResultsUploader();  // finish()es if the caller did not
  ResultsUploader(const ResultsUploader&) = delete;
  ResultsUploader& operator=(const ResultsUploader&) = delete;

  // Control thread: where the next rows are written, whole rows ending in '\n'.
  std::string* buffer() { return &buffer_; }
  // Control thread, after each row written to buffer(): hands the buffer over when it is
  // full or (kLive) its first row is a second old; at once when `hand_over_now`.
  void row_added(bool hand_over_now = false);
  // Control thread, about once a second: in kLive, hands over rows a second old even when
  // no new row comes to push them out.
  void tick();
  // Control thread: sends everything, joins the sender, posts the file (kAfterRun), deletes
  // it when every row is in the server. Idempotent.
  const UploadOutcome& finish(const UploadTick& tick = {});

  const std::string& host_port() const { return host_port_; }
  const std::string& file_path() const { return spool_.path(); }

 private:
  struct Batch {
    std::string text;
    uint64_t rows = 0;
    bool flush = false;  // post what is pending now (live: the once-a-second flush; the end)
  };

  void hand_over(bool flush);  // moves the current buffer to the sender
  void sender_loop();
  void take(const Batch& b);  // sender: spool, or collect for a post
  void send_pending();        // sender: post the collected rows, or keep them in the file
  bool create_database();
  // Posts one batch (cut short by *abandon_); on failure says why in *failure. Safe on
  // several threads at once.
  bool post(std::string_view rows, std::string* failure) const;
  void keep_in_file(const std::string& text, uint64_t rows);  // rows the server will not get
  void post_spool(const UploadTick& tick);
  void keep_after_fault();  // finish(), after the sender died
  void warn(const std::string& text);
  bool abandoned() const { return abandon_ != nullptr && abandon_->load(std::memory_order_relaxed); }

  const std::string host_port_;
  const ResultsEndpoint endpoint_;
  const ResultsUpload upload_;
  const std::function<void(const std::string&)> warn_;
  const std::atomic<bool>* const abandon_;

  // Control thread's side.
  std::string buffer_;
  uint64_t rows_in_buffer_ = 0;
  int64_t buffer_started_ns_ = 0;  // kLive: when the buffer's first row came
  uint64_t rows_total_ = 0;

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
  ResultsSpool spool_;
  Batch in_hand_;              // the batch being taken
  bool sender_failed_ = false; // the sender died of an exception (read after join)
  std::string pending_;        // rows collected for the next post
  uint64_t pending_rows_ = 0;
  UploadOutcome outcome_;

  std::thread sender_;
  bool finished_ = false;
};

}  // namespace stressql::results
