#include "results/results_writer.h"

#include <utility>

#include "base/duration_text.h"
#include "results/threshold_rows.h"

namespace stressql::results {

ResultsWriter::ResultsWriter(std::string host_port, std::string test_id, std::string file_path,
                             ResultsUpload upload, std::function<void(const std::string&)> warn,
                             const std::atomic<bool>* abandon, ResultsEndpoint endpoint)
    : test_id_(test_id),
      rows_(std::move(test_id)),
      uploader_(std::move(host_port), std::move(file_path), upload, std::move(warn), abandon,
                std::move(endpoint)) {}

ResultsWriter::~ResultsWriter() { finish(); }

void ResultsWriter::add_sample(const stats::StatementReport& st, const engine::Sample& s) {
  for (size_t n = rows_.add_sample(st, s, uploader_.buffer()); n > 0; --n) uploader_.row_added();
}

void ResultsWriter::add_intervals(const stats::StatementReport& st) {
  const auto& closed = st.intervals.closed();
  size_t& written = intervals_written_[st.id];
  if (written == closed.size()) return;
  for (; written < closed.size(); ++written) {
    for (size_t n = rows_.add_interval(st, closed[written], uploader_.buffer()); n > 0; --n) uploader_.row_added();
  }
  // A second closed: what the statement's samples added since, as one `request_stats` row.
  // Once every second is closed the statement has ended, and its delta's memory goes.
  const bool ended = st.intervals.open_count() == 0;
  if (rows_.add_request_stats(st, ended, uploader_.buffer()) > 0) uploader_.row_added();
}

void ResultsWriter::tick() { uploader_.tick(); }

void ResultsWriter::add_statement(const stats::StatementReport& st, size_t index, int64_t run_start_ns) {
  if (rows_.add_request_stats(st, /*last=*/true, uploader_.buffer()) > 0) uploader_.row_added();
  for (size_t n = rows_.add_statement(st, index, run_start_ns, uploader_.buffer()); n > 0; --n) uploader_.row_added();
}

void ResultsWriter::add_run(const stats::RunSummary& run, size_t statements) {
  rows_.add_run(run, statements, uploader_.buffer());
  uploader_.row_added(/*hand_over_now=*/true);
}

void ResultsWriter::add_thresholds(const std::vector<judge::ThresholdResult>& results, int64_t run_start_ns) {
  if (results.empty()) return;
  add_threshold_rows(test_id_, results, run_start_ns, uploader_.buffer());
  uploader_.row_added(/*hand_over_now=*/true);
}

std::string ResultsWriter::finish(const UploadTick& tick) {
  if (finished_) return note_;
  finished_ = true;
  const UploadOutcome& o = uploader_.finish(tick);
  const std::string& host_port = uploader_.host_port();
  const std::string& file_path = uploader_.file_path();
  const std::string n = std::to_string(o.rows);
  if (o.rows_in_file == 0 && o.rows_lost == 0) {
    note_ = n + " rows in " + kResultsDatabase + " on " + host_port + " (test_id " + test_id_ + ")";
    if (o.posted_after_run) note_ += ", posted after the run in " + base::duration_text(o.upload_ns);
    return note_;
  }
  note_ = o.fault         ? "posting to " + host_port + " was stopped by an internal error (" + o.failure + ")"
          : o.interrupted ? "posting to " + host_port + " was stopped by a signal"
                          : "the reporting server " + host_port + " failed (" + o.failure + ")";
  if (o.rows_posted > 0) {
    note_ += "; " + std::to_string(o.rows_posted) + " of " + n + " rows are in " + kResultsDatabase +
             " (test_id " + test_id_ + ")";
  }
  if (o.rows_in_file > 0) {
    note_ += "; " + std::to_string(o.rows_in_file) + " rows are in " + file_path;
    if (o.file_repeats_posted) note_ += ", after a copy of the ones posted";
  }
  if (o.rows_lost > 0) {
    note_ += "; " + std::to_string(o.rows_lost) + " rows are lost: cannot write " + file_path + " (" +
             o.file_error + ")";
  }
  return note_;
}

}  // namespace stressql::results
