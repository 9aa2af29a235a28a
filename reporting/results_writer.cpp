#include "reporting/results_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

#include "reporting/go_duration.h"
#include "reporting/http_client.h"

namespace stressql::reporting {
namespace {

// Rows per post to the reporting server.
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

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

template <size_t N>
char* put(char* p, const char (&text)[N]) {
  std::memcpy(p, text, N - 1);
  return p + N - 1;
}

// `key_eq` is ",key=" (or "key=" for the first field); at most 40 bytes in all.
template <size_t N>
char* put_int_field(char* p, const char (&key_eq)[N], int64_t v) {
  static_assert(N - 1 + 20 + 1 <= 40);
  p = put(p, key_eq);
  p = std::to_chars(p, p + 20, v).ptr;
  *p++ = 'i';
  return p;
}

void add_int(std::string* out, const char* key, int64_t v, bool first = false) {
  if (!first) *out += ',';
  *out += key;
  *out += '=';
  *out += std::to_string(v);
  *out += 'i';
}

void add_str(std::string* out, const char* key, const std::string& v) {
  *out += ',';
  *out += key;
  *out += "=\"";
  *out += escape_field_string(v);
  *out += '"';
}

void add_bool(std::string* out, const char* key, bool v) {
  *out += ',';
  *out += key;
  *out += v ? "=true" : "=false";
}

}  // namespace

std::string escape_tag(const std::string& s) {
  // InfluxDB 1.x unescapes only `\,`, `\=` and `\ ` in tags: any other backslash is stored
  // as written, so it is copied as written. But its scanner pairs backslashes, so a run of
  // them must be even where it meets an escaped separator or the end of the value; an odd
  // run there (unrepresentable) gets one more rather than corrupting the whole line.
  std::string out;
  size_t run = 0;  // backslashes just written
  for (char c : s) {
    if (c == '\n' || c == '\r') c = ' ';
    if (c == ',' || c == '=' || c == ' ') {
      if (run % 2 == 1) out += '\\';
      out += '\\';
    }
    out += c;
    run = c == '\\' ? run + 1 : 0;
  }
  if (run % 2 == 1) out += '\\';
  return out.empty() ? std::string("-") : out;  // empty tag values are not allowed
}

std::string escape_field_string(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r') c = ' ';
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

ResultsWriter::ResultsWriter(std::string host_port, std::string test_id, std::string file_path,
                             ResultsUpload upload, std::function<void(const std::string&)> warn,
                             const std::atomic<bool>* abandon)
    : host_port_(std::move(host_port)),
      test_id_(std::move(test_id)),
      file_path_(std::move(file_path)),
      upload_(upload),
      warn_(std::move(warn)),
      abandon_(abandon) {
  sender_ = std::thread([this] { sender_loop(); });
}

ResultsWriter::~ResultsWriter() { finish(); }

ResultsWriter::StatementRows& ResultsWriter::rows_for(const StatementReport& st) {
  // Rows come in runs from the same statement: the last one answers without a lookup.
  if (&st == last_report_ && st.id == last_rows_->id) return *last_rows_;
  auto [it, fresh] = rows_.try_emplace(st.id);
  StatementRows& r = it->second;
  if (fresh) {
    r.id = st.id;
    r.prefix = std::string(st.kind == StatementKind::kInsert ? "write" : "query") +
               ",test_id=" + escape_tag(test_id_) + ",statement_id=" + escape_tag(st.id) +
               ",statement_name=" + escape_tag(st.name) +
               ",number_targets=" + std::to_string(st.number_targets) +
               ",precision=" + escape_tag(st.precision) + ",writers=" + std::to_string(st.writers) +
               ",readers=" + std::to_string(st.readers) +
               ",write_interval=" + std::to_string(st.write_interval_ns) + "ns" +
               ",query_interval=" + std::to_string(st.query_interval_ns) + "ns" +
               ",batch_size=" + std::to_string(st.batch_size);
    if (st.kind == StatementKind::kInsert) {
      r.prefix += ",number_fields=" + std::to_string(st.number_fields) +
                  ",number_series=" + std::to_string(st.series) +
                  ",number_points_write=" + std::to_string(st.points_requested);
    }
    r.prefix += ' ';
  }
  last_report_ = &st;
  last_rows_ = &r;
  return r;
}

void ResultsWriter::add_sample(const StatementReport& st, const engine::Sample& s) {
  // The control thread pays this per request attempt: no allocation once the buffer has
  // grown, fields written in place (bench/results_rows_bench).
  StatementRows& r = rows_for(st);
  char fields[11 * 40];  // 11 fields of at most 40 bytes each (put_int_field), written in place
  char* p = fields;
  p = put_int_field(p, "status_code=", s.status);
  p = put_int_field(p, ",response_time_ns=", s.latency_ns);
  p = put_int_field(p, ",num_bytes=", st.kind == StatementKind::kInsert ? s.request_bytes : s.response_bytes);
  p = put_int_field(p, ",points=", s.points);
  p = put_int_field(p, ",attempt=", s.attempt);
  p = s.final ? put(p, ",final=true") : put(p, ",final=false");
  p = put_int_field(p, ",failure_class=", static_cast<int>(s.failure));
  p = put_int_field(p, ",dropped=", s.dropped);
  p = put_int_field(p, ",request_bytes=", s.request_bytes);
  p = put_int_field(p, ",response_bytes=", s.response_bytes);
  p = put_int_field(p, ",request_index=", static_cast<int64_t>(s.request_index));
  buffer_ += r.prefix;
  buffer_.append(fields, static_cast<size_t>(p - fields));
  if (s.message[0] != '\0') add_str(&buffer_, "message", std::string(s.message));
  // Rows of one statement share a series: equal timestamps would overwrite each other.
  int64_t ts = s.due_unix_ns > r.last_ts ? s.due_unix_ns : r.last_ts + 1;
  r.last_ts = ts;
  p = fields;
  *p++ = ' ';
  p = std::to_chars(p, p + 24, ts).ptr;
  *p++ = '\n';
  buffer_.append(fields, static_cast<size_t>(p - fields));
  row_added();
}

void ResultsWriter::tick() {
  // Live: a dashboard following the run sees rows at least every second, however slow the
  // load (checked at every row, and by the controller's tick when no row comes).
  if (upload_ == ResultsUpload::kLive && rows_in_buffer_ > 0 &&
      steady_ns() - buffer_started_ns_ >= kLiveFlushNs) {
    hand_over(true);
  }
}

void ResultsWriter::row_added() {
  ++rows_in_buffer_;
  if (buffer_.size() >= kHandOverBytes) {
    hand_over(false);
  } else if (rows_in_buffer_ == 1) {
    if (upload_ == ResultsUpload::kLive) buffer_started_ns_ = steady_ns();
  } else {
    tick();
  }
}

void ResultsWriter::add_statement(const StatementReport& st, size_t index, int64_t run_start_ns) {
  buffer_ += "statement,test_id=" + escape_tag(test_id_) + ",statement_id=" + escape_tag(st.id) + " ";
  add_int(&buffer_, "index", static_cast<int64_t>(index), true);
  add_str(&buffer_, "kind", kind_name(st.kind));
  add_str(&buffer_, "name", st.name);
  add_bool(&buffer_, "go", st.go);
  add_bool(&buffer_, "ran", st.ran);
  add_bool(&buffer_, "ok", st.ok);
  add_bool(&buffer_, "offline", st.offline);
  add_str(&buffer_, "error", st.error);
  add_str(&buffer_, "warning", st.warning);
  add_int(&buffer_, "start_unix_ns", st.start_unix_ns);
  add_int(&buffer_, "duration_ns", st.duration_ns);
  add_int(&buffer_, "points_requested", static_cast<int64_t>(st.points_requested));
  add_int(&buffer_, "requests_planned", static_cast<int64_t>(st.requests_planned));
  add_int(&buffer_, "requests_not_sent", static_cast<int64_t>(st.requests_not_sent));
  add_int(&buffer_, "points_not_sent", static_cast<int64_t>(st.points_not_sent));
  add_int(&buffer_, "series", static_cast<int64_t>(st.series));
  add_int(&buffer_, "http_status", st.http_status);
  add_str(&buffer_, "server_message", st.server_message);
  add_int(&buffer_, "exit_status", st.exit_status);
  add_str(&buffer_, "set_value", st.set_value);
  buffer_ += ' ' + std::to_string(run_start_ns + static_cast<int64_t>(index)) + '\n';
  row_added();
}

void ResultsWriter::add_run(const RunSummary& run, size_t statements) {
  buffer_ += "run,test_id=" + escape_tag(test_id_) + " ";
  add_int(&buffer_, "statements", static_cast<int64_t>(statements), true);
  add_int(&buffer_, "duration_ns", run.duration_ns);
  // %.17g round-trips a double, so `stressql report` prints the same CPU times.
  char cpu[96];
  std::snprintf(cpu, sizeof cpu, ",cpu_user_s=%.17g,cpu_system_s=%.17g", run.cpu_user_s,
                run.cpu_system_s);
  buffer_ += cpu;
  add_bool(&buffer_, "interrupted", run.interrupted);
  add_int(&buffer_, "reactors", run.reactors);
  add_bool(&buffer_, "send_zc", run.send_zc);
  add_int(&buffer_, "sends", static_cast<int64_t>(run.engine.sends));
  add_int(&buffer_, "zero_copy_sends", static_cast<int64_t>(run.engine.zero_copy_sends));
  add_int(&buffer_, "zero_copy_fallbacks", run.engine.zero_copy_fallbacks);
  add_int(&buffer_, "recv_buffer_shortages", static_cast<int64_t>(run.engine.recv_buffer_shortages));
  add_int(&buffer_, "cq_overflows", static_cast<int64_t>(run.engine.cq_overflows));
  buffer_ += ' ' + std::to_string(run.start_unix_ns) + '\n';
  ++rows_in_buffer_;
  hand_over(true);
}


void ResultsWriter::hand_over(bool flush) {
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

void ResultsWriter::warn(const std::string& text) {
  if (warn_) warn_("stressql: " + text);
}

bool ResultsWriter::create_database() {
  // CREATE DATABASE is idempotent.
  HttpReply r = http_request(host_port_, "POST",
                             std::string("/query?q=CREATE%20DATABASE%20") + kResultsDatabase, "", "",
                             std::chrono::seconds(10), abandon_);
  database_ready_ = r.status == 200;
  if (!database_ready_) failure_ = r.status ? "HTTP " + std::to_string(r.status) : r.error;
  return database_ready_;
}

bool ResultsWriter::post(std::string_view rows, std::string* failure) const {
  HttpReply r = http_request(host_port_, "POST",
                             std::string("/write?db=") + kResultsDatabase + "&precision=ns", rows,
                             "Content-Type: text/plain; charset=utf-8\r\n",
                             std::chrono::seconds(30), abandon_);
  if (r.status == 204) return true;
  *failure = r.status ? "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 200) : r.error;
  return false;
}

bool ResultsWriter::append_to_file(const std::string& text, std::string* error) {
  if (!file_error_.empty()) {
    *error = file_error_;
    return false;
  }
  if (fd_ < 0) {
    fd_ = ::open(file_path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      *error = std::strerror(errno);
      return false;
    }
  }
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::pwrite(fd_, text.data() + done, text.size() - done,
                         static_cast<off_t>(file_bytes_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = n < 0 ? std::strerror(errno) : "short write";
      // No half line stays behind to corrupt what is posted or read later.
      if (::ftruncate(fd_, static_cast<off_t>(file_bytes_)) != 0) *error += ", and cannot truncate";
      return false;
    }
    done += static_cast<size_t>(n);
  }
  file_bytes_ += done;
  return true;
}

void ResultsWriter::keep_in_file(const std::string& text, uint64_t rows) {
  std::string error;
  if (append_to_file(text, &error)) {
    rows_in_file_ += rows;
    return;
  }
  if (file_error_.empty()) {
    file_error_ = error;
    warn("cannot write " + file_path_ + " (" + error + "): results rows are being lost");
  }
  rows_lost_ += rows;
}

void ResultsWriter::take(const Batch& b) {
  if (upload_ == ResultsUpload::kAfterRun && file_error_.empty()) {
    std::string error;
    uint64_t offset = file_bytes_;
    if (append_to_file(b.text, &error)) {
      // Consecutive batches make one chunk of up to kRowsPerPost rows for the upload.
      if (spool_.empty() || spool_.back().rows + b.rows > kRowsPerPost) {
        spool_.push_back(Chunk{offset, 0, 0});
      }
      spool_.back().bytes += b.text.size();
      spool_.back().rows += b.rows;
      rows_in_file_ += b.rows;
      return;
    }
    file_error_ = error;
    warn("cannot write " + file_path_ + " (" + error + "); posting results rows during the run instead");
  }
  pending_ += b.text;
  pending_rows_ += b.rows;
  if (pending_rows_ >= kRowsPerPost || b.flush) send_pending();
}

void ResultsWriter::send_pending() {
  if (pending_rows_ == 0) return;
  if (!server_failed_ && !abandoned() && (database_ready_ || create_database()) &&
      post(pending_, &failure_)) {
    rows_posted_ += pending_rows_;
  } else {
    if (!server_failed_) {
      // A signal (after the run) stops the posting like a failure does: this batch and every
      // later one go to the file.
      interrupted_ = abandoned();
      if (!interrupted_) {
        warn("the reporting server " + host_port_ + " failed (" + failure_ + "); results rows go to " +
             file_path_);
      }
    }
    server_failed_ = true;
    keep_in_file(pending_, pending_rows_);
  }
  pending_.clear();
  pending_rows_ = 0;
}

void ResultsWriter::sender_loop() {
  // Learn at once whether the reporting server answers: a wrong --results should be told
  // at the start of a long run, not at its end.
  if (!create_database()) {
    if (upload_ == ResultsUpload::kLive) {
      server_failed_ = true;
      warn("the reporting server " + host_port_ + " does not answer (" + failure_ +
           "); results rows go to " + file_path_);
    } else {
      warn("the reporting server " + host_port_ + " does not answer (" + failure_ +
           "); results rows are kept in " + file_path_ + " and posted after the run if it answers then");
    }
  }
  while (true) {
    Batch b;
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
    const bool posting_now = upload_ == ResultsUpload::kLive || !file_error_.empty();
    if (posting_now && !server_failed_ && backlog > kMaxQueuedBytes) {
      server_failed_ = true;
      failure_ = "the reporting server fell too far behind";
      warn(failure_ + "; results rows go to " + file_path_);
    }
    take(b);
    b.text.clear();
    std::lock_guard<std::mutex> lock(mu_);
    if (recycled_.size() < kRecycledBuffers) recycled_.push_back(std::move(b.text));
  }
  send_pending();
}

void ResultsWriter::post_spool(const UploadTick& tick) {
  if (spool_.empty()) return;
  auto t0 = std::chrono::steady_clock::now();
  uint64_t to_post = 0;
  for (const Chunk& c : spool_) to_post += c.rows;
  if (!server_failed_ && !database_ready_ && !create_database()) {
    server_failed_ = true;
    interrupted_ = abandoned();
  }

  // Several posts at once: the reporting server parses and indexes them on several cores
  // (1.5x faster with two than with one into influxd on two cores).
  std::vector<char> posted(spool_.size(), 0);
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> rows_posted{0};
  std::atomic<bool> stop{server_failed_};
  std::mutex mu;
  std::condition_variable cv;
  size_t workers_done = 0;
  std::string failure;  // the first one, under mu
  auto worker = [&] {
    std::string text, why;
    while (!stop.load()) {
      if (abandoned()) break;
      size_t i = next.fetch_add(1);
      if (i >= spool_.size()) break;
      const Chunk& c = spool_[i];
      text.resize(c.bytes);
      size_t got = 0;
      while (got < c.bytes) {
        ssize_t n = ::pread(fd_, text.data() + got, c.bytes - got, static_cast<off_t>(c.offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<size_t>(n);
      }
      if (got < c.bytes) why = "cannot read back " + file_path_;
      // A post cut short by a signal may or may not have been stored: it stays in the
      // file, and posting the file again is harmless (a row with the same series and
      // timestamp overwrites itself).
      if (got < c.bytes || !post(text, &why)) {
        if (!abandoned()) {
          std::lock_guard<std::mutex> lock(mu);
          if (failure.empty()) failure = why;
          stop.store(true);
        }
        break;
      }
      posted[i] = 1;
      rows_posted.fetch_add(c.rows);
    }
    std::lock_guard<std::mutex> lock(mu);
    ++workers_done;
    cv.notify_one();
  };
  const size_t n_workers = std::min<size_t>(kUploadConnections, spool_.size());
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
  upload_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
                   .count();
  rows_posted_ += rows_posted.load();
  rows_in_file_ -= rows_posted.load();
  if (!failure.empty()) {
    server_failed_ = true;
    failure_ = failure;
  }
  if (rows_in_file_ > 0 && !server_failed_) interrupted_ = true;
  if (rows_posted.load() > 0 && rows_in_file_ > 0) keep_only_unposted(posted);
}

void ResultsWriter::keep_only_unposted(const std::vector<char>& posted) {
  // Some rows are in the server: the file keeps only the others, so posting it again later
  // neither misses nor repeats a row.
  const std::string tmp = file_path_ + ".tmp";
  int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = out >= 0;
  for (size_t i = 0; ok && i < spool_.size(); ++i) {
    if (posted[i]) continue;
    loff_t at = static_cast<loff_t>(spool_[i].offset);
    const uint64_t end = spool_[i].offset + spool_[i].bytes;
    while (ok && static_cast<uint64_t>(at) < end) {
      ssize_t n = ::copy_file_range(fd_, &at, out, nullptr, end - static_cast<uint64_t>(at), 0);
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
    }
  }
  if (out >= 0 && ::close(out) != 0) ok = false;
  if (ok && ::rename(tmp.c_str(), file_path_.c_str()) == 0) return;
  ::unlink(tmp.c_str());
  file_repeats_posted_ = true;
}

std::string ResultsWriter::finish(const UploadTick& tick) {
  if (finished_) return note_;
  finished_ = true;
  hand_over(true);
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_.notify_one();
  sender_.join();
  post_spool(tick);
  if (fd_ >= 0) {
    ::close(fd_);
    if (rows_in_file_ == 0) ::unlink(file_path_.c_str());  // every row is in the server
  }
  const std::string n = std::to_string(rows_total_);
  if (rows_in_file_ == 0 && rows_lost_ == 0) {
    note_ = n + " rows in " + kResultsDatabase + " on " + host_port_ + " (test_id " + test_id_ + ")";
    if (!spool_.empty()) note_ += ", posted after the run in " + go_duration(upload_ns_);
    return note_;
  }
  note_ = interrupted_ ? "posting to " + host_port_ + " was stopped by a signal"
                       : "the reporting server " + host_port_ + " failed (" + failure_ + ")";
  if (rows_posted_ > 0) {
    note_ += "; " + std::to_string(rows_posted_) + " of " + n + " rows are in " + kResultsDatabase +
             " (test_id " + test_id_ + ")";
  }
  if (rows_in_file_ > 0) {
    note_ += "; " + std::to_string(rows_in_file_) + " rows are in " + file_path_;
    if (file_repeats_posted_) note_ += ", after a copy of the ones posted";
  }
  if (rows_lost_ > 0) {
    note_ += "; " + std::to_string(rows_lost_) + " rows are lost: cannot write " + file_path_ + " (" +
             file_error_ + ")";
  }
  return note_;
}

}  // namespace stressql::reporting
