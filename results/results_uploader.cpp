#include "results/results_uploader.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "base/clock.h"
#include "base/thread_guard.h"
#include "net/http_client.h"

namespace stressql::results {
namespace {

// Rows per post to the reporting server (and per chunk of the spool).
constexpr uint64_t kRowsPerPost = 5000;
// The control thread hands its rows over in buffers of this size, recycled: they stay in
// cache, and no megabyte buffer is grown (and its fresh pages faulted in) per post.
constexpr size_t kHandOverBytes = 256u << 10;
constexpr size_t kRecycledBuffers = 8;
// Posts at once when the rows are posted after the run.
constexpr size_t kUploadConnections = 4;
// Past this much waiting for a slow reporting server, rows go to the file instead: the
// results path must never grow without bound nor slow the measured load.
constexpr size_t kMaxQueuedBytes = 256u << 20;
constexpr int64_t kLiveFlushNs = 1'000'000'000;

ResultsEndpoint at(ResultsEndpoint e, const std::string& host_port) {
  e.host_port = host_port;
  return e;
}


}  // namespace

ResultsUploader::ResultsUploader(std::string host_port, std::string file_path, ResultsUpload upload,
                                 std::function<void(const std::string&)> warn,
                                 const std::atomic<bool>* abandon, ResultsEndpoint endpoint)
    : host_port_(std::move(host_port)),
      endpoint_(at(std::move(endpoint), host_port_)),
      upload_(upload),
      warn_(std::move(warn)),
      abandon_(abandon),
      spool_(std::move(file_path), kRowsPerPost) {
  // A fault is recorded (base/thread_guard.h) and the run stops; finish() then keeps every
  // row the sender had not confirmed in the file.
  sender_ = std::thread([this] {
    if (!base::run_guarded("results sender", [this] { sender_loop(); })) sender_failed_ = true;
  });
}

ResultsUploader::~ResultsUploader() { finish(); }

void ResultsUploader::tick() {
  // Live: a dashboard following the run sees rows at least every second, however slow the
  // load (checked at every row, and by the controller's tick when no row comes).
  if (upload_ == ResultsUpload::kLive && rows_in_buffer_ > 0 &&
      base::monotonic_ns() - buffer_started_ns_ >= kLiveFlushNs) {
    hand_over(true);
  }
}

void ResultsUploader::row_added(bool hand_over_now) {
  ++rows_in_buffer_;
  if (hand_over_now) {
    hand_over(true);
  } else if (buffer_.size() >= kHandOverBytes) {
    hand_over(false);
  } else if (rows_in_buffer_ == 1) {
    if (upload_ == ResultsUpload::kLive) buffer_started_ns_ = base::monotonic_ns();
  } else {
    tick();
  }
}

void ResultsUploader::hand_over(bool flush) {
  if (buffer_.empty()) return;
  rows_total_ += rows_in_buffer_;
  Batch b{std::move(buffer_), rows_in_buffer_, flush};
  rows_in_buffer_ = 0;
  buffer_.clear();
  {
    std::lock_guard<std::mutex> lock(mu_);
    queued_bytes_ += b.text.size();
    queue_.push_back(std::move(b));
    if (!recycled_.empty()) {
      buffer_.swap(recycled_.back());
      recycled_.pop_back();
    }
  }
  if (buffer_.capacity() < kHandOverBytes) buffer_.reserve(kHandOverBytes + 4096);
  cv_.notify_one();
}

void ResultsUploader::warn(const std::string& text) {
  if (warn_) warn_("stressql: " + text);
}

bool ResultsUploader::create_database() {
  const std::string failure = net::ensure_results_database(endpoint_, std::chrono::seconds(10), abandon_);
  database_ready_ = failure.empty();
  if (!database_ready_) outcome_.failure = failure;
  return database_ready_;
}

bool ResultsUploader::post(std::string_view rows, std::string* failure) const {
  net::HttpReply r = net::write_results(endpoint_, rows, std::chrono::seconds(30), abandon_);
  if (r.status >= 200 && r.status < 300) return true;
  *failure = net::reply_error_text(r);
  return false;
}

void ResultsUploader::keep_in_file(const std::string& text, uint64_t rows) {
  const bool file_was_fine = spool_.error().empty();
  if (spool_.append(text, rows)) {
    outcome_.rows_in_file += rows;
    return;
  }
  if (file_was_fine) {
    warn("cannot write " + spool_.path() + " (" + spool_.error() + "): results rows are being lost");
  }
  outcome_.rows_lost += rows;
}

void ResultsUploader::take(const Batch& b) {
  if (upload_ == ResultsUpload::kAfterRun && spool_.error().empty()) {
    // Consecutive batches make one chunk of up to kRowsPerPost rows for the upload.
    if (spool_.append(b.text, b.rows)) {
      outcome_.rows_in_file += b.rows;
      return;
    }
    warn("cannot write " + spool_.path() + " (" + spool_.error() +
         "); posting results rows during the run instead");
  }
  pending_ += b.text;
  pending_rows_ += b.rows;
  if (pending_rows_ >= kRowsPerPost || b.flush) send_pending();
}

void ResultsUploader::send_pending() {
  if (pending_rows_ == 0) return;
  if (!server_failed_ && !abandoned() && (database_ready_ || create_database()) &&
      post(pending_, &outcome_.failure)) {
    outcome_.rows_posted += pending_rows_;
  } else {
    if (!server_failed_) {
      // A signal (after the run) stops the posting like a failure does: this batch and every
      // later one go to the file.
      outcome_.interrupted = abandoned();
      if (!outcome_.interrupted) {
        warn("the reporting server " + host_port_ + " failed (" + outcome_.failure +
             "); results rows go to " + spool_.path());
      }
    }
    server_failed_ = true;
    keep_in_file(pending_, pending_rows_);
  }
  pending_.clear();
  pending_rows_ = 0;
}

void ResultsUploader::sender_loop() {
  // Learn at once whether the reporting server answers: a wrong --results should be told
  // at the start of a long run, not at its end.
  if (!create_database()) {
    if (upload_ == ResultsUpload::kLive) {
      server_failed_ = true;
      warn("the reporting server " + host_port_ + " does not answer (" + outcome_.failure +
           "); results rows go to " + spool_.path());
    } else {
      warn("the reporting server " + host_port_ + " does not answer (" + outcome_.failure +
           "); results rows are kept in " + spool_.path() + " and posted after the run if it answers then");
    }
  }
  while (true) {
    Batch& b = in_hand_;  // where finish() finds it, should take() throw
    size_t backlog = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (queue_.empty()) break;  // closing, and everything taken
      b = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= b.text.size();
      backlog = queued_bytes_;
    }
    const bool posting_now = upload_ == ResultsUpload::kLive || !spool_.error().empty();
    if (posting_now && !server_failed_ && backlog > kMaxQueuedBytes) {
      server_failed_ = true;
      outcome_.failure = "the reporting server fell too far behind";
      warn(outcome_.failure + "; results rows go to " + spool_.path());
    }
    take(b);
    b.text.clear();
    b.rows = 0;
    std::lock_guard<std::mutex> lock(mu_);
    if (recycled_.size() < kRecycledBuffers) recycled_.push_back(std::move(b.text));
  }
  send_pending();
}

void ResultsUploader::keep_after_fault() {
  // The sender died (sender_failed_): whatever it had not confirmed goes to the file, the
  // batch in its hands and the rows it collected included. A row may then be in the file
  // twice, or be in the server too: posting the file again is harmless.
  outcome_.failure = base::first_thread_fault().text();
  outcome_.fault = true;
  server_failed_ = true;
  if (in_hand_.rows > 0) keep_in_file(in_hand_.text, in_hand_.rows);
  if (pending_rows_ > 0) keep_in_file(pending_, pending_rows_);
  pending_.clear();
  pending_rows_ = 0;
  std::deque<Batch> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    left.swap(queue_);
    queued_bytes_ = 0;
  }
  for (const Batch& b : left) keep_in_file(b.text, b.rows);
}

void ResultsUploader::post_spool(const UploadTick& tick) {
  // Only kAfterRun spools rows for later; in kLive the file holds rows the server refused.
  if (upload_ != ResultsUpload::kAfterRun || spool_.chunks().empty()) return;
  outcome_.posted_after_run = true;
  const std::vector<ResultsSpool::Chunk>& chunks = spool_.chunks();
  auto t0 = std::chrono::steady_clock::now();
  uint64_t to_post = 0;
  for (const ResultsSpool::Chunk& c : chunks) to_post += c.rows;
  if (!server_failed_ && !database_ready_ && !create_database()) {
    server_failed_ = true;
    outcome_.interrupted = abandoned();
  }

  // Several posts at once: the reporting server parses and indexes them on several cores
  // (1.5x faster with two than with one into influxd on two cores). Each worker takes the
  // next chunk; posted[i] is written by the one worker that took chunk i, read after join.
  std::vector<char> posted(chunks.size(), 0);
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> rows_posted{0};
  std::atomic<bool> stop{server_failed_};
  std::mutex mu;
  std::condition_variable cv;
  size_t workers_done = 0;
  std::string failure;  // the first one, under mu
  auto upload = [&] {
    std::string text, why;
    while (!stop.load()) {
      if (abandoned()) break;
      size_t i = next.fetch_add(1);
      if (i >= chunks.size()) break;
      base::Status read = spool_.read(chunks[i], &text);
      if (!read) why = read.message();
      // A post cut short by a signal may or may not have been stored: it stays in the
      // file, and posting the file again is harmless (a row with the same series and
      // timestamp overwrites itself).
      if (!read || !post(text, &why)) {
        if (!abandoned()) {
          std::lock_guard<std::mutex> lock(mu);
          if (failure.empty()) failure = why;
          stop.store(true);
        }
        break;
      }
      posted[i] = 1;
      rows_posted.fetch_add(chunks[i].rows);
    }
  };
  auto worker = [&] {
    // A fault is recorded (base/thread_guard.h); the chunk it was posting stays in the file.
    if (!base::run_guarded("results upload", upload)) {
      std::lock_guard<std::mutex> lock(mu);
      if (failure.empty()) failure = base::first_thread_fault().text();
      outcome_.fault = true;  // read after the workers are joined
      stop.store(true);
    }
    std::lock_guard<std::mutex> lock(mu);
    ++workers_done;
    cv.notify_one();
  };
  const size_t n_workers = std::min<size_t>(kUploadConnections, chunks.size());
  std::vector<std::thread> workers;
  for (size_t i = 0; i < n_workers; ++i) workers.emplace_back(worker);
  {
    std::unique_lock<std::mutex> lock(mu);
    auto next_tick = t0 + std::chrono::seconds(1);
    while (!cv.wait_until(lock, next_tick, [&] { return workers_done == n_workers; })) {
      next_tick += std::chrono::seconds(1);
      if (tick) tick(rows_posted.load(), to_post);
    }
  }
  for (auto& w : workers) w.join();
  outcome_.upload_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
  outcome_.rows_posted += rows_posted.load();
  outcome_.rows_in_file -= rows_posted.load();
  if (!failure.empty()) {
    server_failed_ = true;
    outcome_.failure = failure;
  }
  if (outcome_.rows_in_file > 0 && !server_failed_) outcome_.interrupted = true;
  // Some rows are in the server: the file keeps only the others, so posting it again later
  // neither misses nor repeats a row.
  if (rows_posted.load() > 0 && outcome_.rows_in_file > 0 && !spool_.keep_only_unposted(posted)) {
    outcome_.file_repeats_posted = true;
  }
}

const UploadOutcome& ResultsUploader::finish(const UploadTick& tick) {
  if (finished_) return outcome_;
  finished_ = true;
  hand_over(true);
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_.notify_one();
  sender_.join();
  if (sender_failed_) {
    keep_after_fault();  // and no posting: the file is kept for a later post
  } else {
    post_spool(tick);
  }
  spool_.close(outcome_.rows_in_file == 0);  // every row is in the server
  outcome_.rows = rows_total_;
  outcome_.file_error = spool_.error();
  return outcome_;
}

}  // namespace stressql::results
