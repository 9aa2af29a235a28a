// Writes the results rows of a long rated run into a real InfluxDB, as the run would have
// left them, for bench/report_rebuild.sh: STATEMENTS rated INSERTs, each RATE requests per
// second for SECONDS seconds (one `write` row per attempt, 1 % failed with a 503 and
// retried once, 0.1 % failed for good), their `interval`, `interval_failures`,
// `request_stats` and `statement` rows and the `run` row,
// formatted by results/results_rows like a real run's and posted to /write in batches.
//   report_rows_gen HOST:PORT TEST_ID SECONDS RATE STATEMENTS
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

#include "net/http_client.h"
#include "results/results_rows.h"
#include "results/results_uploader.h"
#include "tests/support/report_builders.h"

namespace {

using stressql::engine::Sample;
using stressql::stats::StatementReport;

constexpr int64_t kStart = 1'790'000'000'000'000'000;

bool post(const std::string& host_port, std::string* lines) {
  if (lines->empty()) return true;
  auto r = stressql::net::http_request(host_port, "POST",
                                       std::string("/write?db=") + stressql::results::kResultsDatabase + "&precision=ns",
                                       *lines, "", std::chrono::seconds(120));
  if (r.status != 204) {
    std::fprintf(stderr, "report_rows_gen: /write: %s %s\n", r.error.c_str(), r.body.substr(0, 200).c_str());
    return false;
  }
  lines->clear();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: report_rows_gen HOST:PORT TEST_ID SECONDS RATE STATEMENTS\n");
    return 2;
  }
  const std::string host = argv[1], test_id = argv[2];
  const int64_t seconds = std::atoll(argv[3]), rate = std::atoll(argv[4]), statements = std::atoll(argv[5]);
  if (seconds <= 0 || seconds > 86400 || rate <= 0 || rate > 10000 || statements <= 0 || statements > 50) {
    std::fprintf(stderr, "report_rows_gen: SECONDS 1-86400, RATE 1-10000, STATEMENTS 1-50\n");
    return 2;
  }
  auto create = stressql::net::http_request(
      host, "POST", std::string("/query?q=CREATE%20DATABASE%20") + stressql::results::kResultsDatabase);
  if (create.status != 200) {
    std::fprintf(stderr, "report_rows_gen: CREATE DATABASE: %s\n", create.error.c_str());
    return 1;
  }
  stressql::results::ResultsRows rows(test_id);
  std::deque<StatementReport> reports;
  std::string lines;
  uint64_t written = 0;
  uint64_t all_bytes = 0, stats_bytes = 0;  // of every row, of the request_stats rows
  const int64_t spacing = 1'000'000'000 / rate;
  for (int64_t k = 0; k < statements; ++k) {
    StatementReport& st = reports.emplace_back(stressql::stats::testing::insert_statement("load" + std::to_string(k), 0));
    st.id = "statement-" + std::to_string(k);
    st.ran = true;
    st.start_unix_ns = kStart;
    st.duration_ns = seconds * 1'000'000'000;
    st.batch_size = 100;
    st.rate.unit = "req/s";
    st.rate.from = st.rate.to = static_cast<double>(rate);
    st.intervals.start(kStart);
    size_t closed = 0;
    for (int64_t i = 0; i < seconds * rate; ++i) {
      Sample s;
      s.status = 204;
      s.final = true;
      s.points = 100;
      s.request_bytes = 5600;
      s.body_bytes = 5400;
      s.request_index = static_cast<uint64_t>(i);
      s.lag_ns = 20'000 + (i * 7919) % 50'000;
      s.latency_ns = 900'000 + (i * 104729) % 3'000'000;
      s.due_unix_ns = kStart + i * spacing;
      if (i % 100 == 99) {  // a 503, then the retry that succeeds
        Sample failed = s;
        failed.status = 503;
        failed.final = false;
        failed.failure = stressql::engine::Failure::kHttpStatus;
        st.stats.add(failed);
        st.intervals.add(failed);
        rows.add_sample(st, failed, &lines);
        s.attempt = 2;
        s.lag_ns += 100'000'000;  // its backoff
        s.latency_ns += 100'000'000;
        ++written;
      }
      if (i % 1000 == 500) {  // a final failure: an interval_failures row
        s.status = 500;
        s.failure = stressql::engine::Failure::kHttpStatus;
      }
      st.stats.add(s);
      st.intervals.add(s);
      rows.add_sample(st, s, &lines);
      ++written;
      if (i % rate == rate - 1) {  // a second went by: its interval rows, as the run posts them
        st.intervals.close_before(s.due_unix_ns - 2'000'000'000);
        const size_t before = closed;
        for (; closed < st.intervals.closed().size(); ++closed) rows.add_interval(st, st.intervals.closed()[closed], &lines);
        if (closed > before) {  // as ResultsWriter does
          const size_t size = lines.size();
          rows.add_request_stats(st, /*last=*/false, &lines);
          stats_bytes += lines.size() - size;
        }
      }
      if (lines.size() > (4 << 20)) {
        all_bytes += lines.size();
        if (!post(host, &lines)) return 1;
      }
    }
    st.intervals.finish();
    for (; closed < st.intervals.closed().size(); ++closed) rows.add_interval(st, st.intervals.closed()[closed], &lines);
    const size_t size = lines.size();
    rows.add_request_stats(st, /*last=*/true, &lines);
    stats_bytes += lines.size() - size;
    rows.add_statement(st, static_cast<size_t>(k), kStart, &lines);
  }
  stressql::stats::RunSummary run;
  run.start_unix_ns = kStart;
  run.duration_ns = seconds * 1'000'000'000;
  run.reactors = 1;
  rows.add_run(run, static_cast<size_t>(statements), &lines);
  all_bytes += lines.size();
  if (!post(host, &lines)) return 1;
  std::printf("%llu attempt rows of %lld statements over %lld s written\n", static_cast<unsigned long long>(written),
              static_cast<long long>(statements), static_cast<long long>(seconds));
  std::printf("request_stats rows: %.0f bytes per statement-second, %.2f %% of all %.0f MB of rows\n",
              static_cast<double>(stats_bytes) / static_cast<double>(seconds * statements),
              100.0 * static_cast<double>(stats_bytes) / static_cast<double>(all_bytes), static_cast<double>(all_bytes) / 1e6);
  return 0;
}
