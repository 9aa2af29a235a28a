// The control thread's cost of a results row (ResultsWriter::add_sample: one row per request
// attempt, with the SPEC's tags and fields), beside the floor measured in the same run:
// appending the same finished row, already rendered, to a buffer handed over in the same
// batches. The rows go to /dev/null through the sender thread (the reporting server address
// is a closed port), so what is timed is the formatting and the hand-over, not a server.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/ratio_reporter.h"
#include "engine/engine.h"
#include "results/results_writer.h"
#include "tests/support/report_builders.h"

namespace {

using stressql::results::ResultsUpload;
using stressql::results::ResultsWriter;
using stressql::stats::StatementKind;
using stressql::stats::StatementReport;

StatementReport insert_statement() {
  return stressql::stats::testing::insert_statement("mockCpu", 100000000);
}

stressql::engine::Sample sample(uint64_t i) {
  stressql::engine::Sample s;
  s.status = 204;
  s.points = 5000;
  s.request_bytes = 276110;
  s.response_bytes = 0;
  s.request_index = i;
  s.latency_ns = 173354445 + static_cast<int64_t>(i % 1000) * 1000;
  s.due_unix_ns = 1'790'000'000'000'000'000 + static_cast<int64_t>(i) * 200'000;
  return s;
}

void BM_results_add_sample(benchmark::State& state) {
  const StatementReport st = insert_statement();
  ResultsWriter writer("127.0.0.1:1", "0123456789abcdef", "/dev/null", ResultsUpload::kAfterRun);
  uint64_t i = 0;
  for (auto _ : state) writer.add_sample(st, sample(i++));
  writer.finish();  // after the loop: not timed
}

void BM_append_rendered_row(benchmark::State& state) {
  // The same row add_sample renders, as the floor: copying its bytes in 5000-row batches.
  std::string row;
  {
    const StatementReport st = insert_statement();
    char path[] = "/tmp/stressql-rows-XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) close(fd);
    ResultsWriter writer("127.0.0.1:1", "0123456789abcdef", path, ResultsUpload::kAfterRun);
    writer.add_sample(st, sample(12345));
    writer.finish();
    std::FILE* f = std::fopen(path, "rb");
    char buf[1024];
    if (f != nullptr && std::fgets(buf, sizeof buf, f) != nullptr) row = buf;
    if (f != nullptr) std::fclose(f);
    std::remove(path);
  }
  state.counters["row_bytes"] = static_cast<double>(row.size());
  std::string buffer;
  size_t rows = 0;
  for (auto _ : state) {
    buffer += row;
    if (++rows == 5000) {
      std::string batch = std::move(buffer);
      benchmark::DoNotOptimize(batch.data());
      buffer.clear();
      rows = 0;
    }
  }
}

BENCHMARK(BM_results_add_sample);
BENCHMARK(BM_append_rendered_row);

}  // namespace

int main(int argc, char** argv) {
  return stressql::bench::run_with_ratios(
      argc, argv, {{"results row:", "BM_results_add_sample", "BM_append_rendered_row"}});
}
