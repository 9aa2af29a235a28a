#include "reporting/results_writer.h"

#include <cstring>

#include "reporting/http_client.h"

namespace stressql::reporting {
namespace {

constexpr size_t kRowsPerPost = 5000;
// Past this much waiting for a slow reporting server, rows go to the file instead: the
// results path must never grow without bound nor slow the measured load.
constexpr size_t kMaxQueuedBytes = 256u << 20;

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

ResultsWriter::ResultsWriter(std::string host_port, std::string test_id, std::string fallback_path)
    : host_port_(std::move(host_port)),
      test_id_(std::move(test_id)),
      fallback_path_(std::move(fallback_path)) {
  sender_ = std::thread([this] { sender_loop(); });
}

ResultsWriter::~ResultsWriter() { finish(); }

std::string ResultsWriter::tags_for(const StatementReport& st) {
  auto it = tags_.find(st.id);
  if (it != tags_.end()) return it->second;
  std::string t = ",test_id=" + escape_tag(test_id_) + ",statement_id=" + escape_tag(st.id) +
                  ",statement_name=" + escape_tag(st.name) +
                  ",number_targets=" + std::to_string(st.number_targets) +
                  ",precision=" + escape_tag(st.precision) + ",writers=" + std::to_string(st.writers) +
                  ",readers=" + std::to_string(st.readers) +
                  ",write_interval=" + std::to_string(st.write_interval_ns) + "ns" +
                  ",query_interval=" + std::to_string(st.query_interval_ns) + "ns" +
                  ",batch_size=" + std::to_string(st.batch_size);
  if (st.kind == StatementKind::kInsert) {
    t += ",number_fields=" + std::to_string(st.number_fields) +
         ",number_series=" + std::to_string(st.series) +
         ",number_points_write=" + std::to_string(st.points_requested);
  }
  return tags_[st.id] = t;
}

void ResultsWriter::add_sample(const StatementReport& st, const engine::Sample& s) {
  buffer_ += st.kind == StatementKind::kInsert ? "write" : "query";
  buffer_ += tags_for(st);
  buffer_ += ' ';
  add_int(&buffer_, "status_code", s.status, true);
  add_int(&buffer_, "response_time_ns", s.latency_ns);
  add_int(&buffer_, "num_bytes", st.kind == StatementKind::kInsert ? s.request_bytes : s.response_bytes);
  add_int(&buffer_, "points", s.points);
  add_int(&buffer_, "attempt", s.attempt);
  add_bool(&buffer_, "final", s.final);
  add_int(&buffer_, "failure_class", static_cast<int>(s.failure));
  add_int(&buffer_, "dropped", s.dropped);
  add_int(&buffer_, "request_bytes", s.request_bytes);
  add_int(&buffer_, "response_bytes", s.response_bytes);
  add_int(&buffer_, "request_index", static_cast<int64_t>(s.request_index));
  if (s.message[0] != '\0') add_str(&buffer_, "message", std::string(s.message));
  // Rows of one statement share a series: equal timestamps would overwrite each other.
  int64_t& last = last_ts_[st.id];
  int64_t ts = s.due_unix_ns > last ? s.due_unix_ns : last + 1;
  last = ts;
  buffer_ += ' ';
  buffer_ += std::to_string(ts);
  buffer_ += '\n';
  if (++rows_in_buffer_ >= kRowsPerPost) hand_over();
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
  if (++rows_in_buffer_ >= kRowsPerPost) hand_over();
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
  buffer_ += ' ' + std::to_string(run.start_unix_ns) + '\n';
  ++rows_in_buffer_;
  hand_over();
}

void ResultsWriter::hand_over() {
  if (buffer_.empty()) return;
  rows_total_ += rows_in_buffer_;
  rows_in_buffer_ = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queued_bytes_ += buffer_.size();
    queue_.push_back(std::move(buffer_));
  }
  buffer_.clear();
  cv_.notify_one();
}

bool ResultsWriter::post(const std::string& rows) {
  HttpReply r = http_request(host_port_, "POST",
                             std::string("/write?db=") + kResultsDatabase + "&precision=ns", rows,
                             "Content-Type: text/plain; charset=utf-8\r\n",
                             std::chrono::seconds(30));
  if (r.status == 204) return true;
  failure_ = r.status ? "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 200) : r.error;
  return false;
}

void ResultsWriter::spill(const std::string& rows) {
  if (file_ == nullptr) file_ = std::fopen(fallback_path_.c_str(), "ab");
  if (file_ == nullptr) return;  // reported by finish()
  std::fwrite(rows.data(), 1, rows.size(), file_);
  rows_spilled_bytes_ += rows.size();
}

void ResultsWriter::sender_loop() {
  // The reporting database may not exist yet; CREATE DATABASE is idempotent.
  HttpReply created = http_request(host_port_, "POST",
                                   std::string("/query?q=CREATE%20DATABASE%20") + kResultsDatabase,
                                   "", "", std::chrono::seconds(10));
  if (created.status != 200) {
    server_failed_ = true;
    failure_ = created.status ? "HTTP " + std::to_string(created.status) : created.error;
  }
  while (true) {
    std::string rows;
    size_t backlog = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (queue_.empty()) break;
      rows = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= rows.size();
      backlog = queued_bytes_;
    }
    if (!server_failed_ && backlog > kMaxQueuedBytes) {
      server_failed_ = true;
      failure_ = "the reporting server fell too far behind";
    }
    if (!server_failed_ && !post(rows)) server_failed_ = true;
    if (server_failed_) spill(rows);
  }
}

std::string ResultsWriter::finish() {
  if (finished_) return note_;
  finished_ = true;
  hand_over();
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_.notify_one();
  sender_.join();
  if (file_ != nullptr) std::fclose(file_);
  if (!server_failed_) {
    note_ = std::to_string(rows_total_) + " rows in " + kResultsDatabase + " on " + host_port_ +
            " (test_id " + test_id_ + ")";
  } else if (rows_spilled_bytes_ > 0) {
    note_ = "the reporting server " + host_port_ + " failed (" + failure_ + "); rows are in " +
            fallback_path_;
  } else {
    note_ = "the reporting server " + host_port_ + " failed (" + failure_ + ")";
  }
  return note_;
}

}  // namespace stressql::reporting
