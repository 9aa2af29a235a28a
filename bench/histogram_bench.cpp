// Histogram micro-benchmarks, each beside the obvious reference measured in the same run:
//   record()              vs  std::vector<int64_t>::push_back (reserved; cleared every 1M)
//   value_at_percentile() vs  std::nth_element over 1M recorded values (copy not timed)
// The ratios printed at the end are reference time / histogram time (> 1: histogram faster).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "bench/ratio_reporter.h"
#include "stats/histogram.h"

namespace {

using stressql::stats::Histogram;

constexpr size_t kRing = 4096;  // values recycled by the record benchmarks
constexpr size_t kPercentileSamples = 1 << 20;

// Lognormal latencies around 1 ms, like a loaded InfluxDB.
std::vector<int64_t> latencies(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(std::log(1e6), 1.0);
  std::vector<int64_t> v(n);
  for (auto& x : v) x = static_cast<int64_t>(dist(rng));
  return v;
}

void BM_histogram_record(benchmark::State& state) {
  const std::vector<int64_t> values = latencies(kRing, 1);
  Histogram h;
  size_t i = 0;
  for (auto _ : state) {
    h.record(values[i++ & (kRing - 1)]);
  }
  benchmark::DoNotOptimize(h.count());
}

void BM_vector_push_back(benchmark::State& state) {
  const std::vector<int64_t> values = latencies(kRing, 1);
  std::vector<int64_t> v;
  v.reserve(kPercentileSamples);
  size_t i = 0;
  for (auto _ : state) {
    if (v.size() == kPercentileSamples) v.clear();  // keep memory bounded; no reallocation
    v.push_back(values[i++ & (kRing - 1)]);
  }
  benchmark::DoNotOptimize(v.data());
}

void BM_histogram_p99(benchmark::State& state) {
  Histogram h;
  for (int64_t x : latencies(kPercentileSamples, 2)) h.record(x);
  for (auto _ : state) benchmark::DoNotOptimize(h.value_at_percentile(99));
}

void BM_vector_nth_element_p99(benchmark::State& state) {
  const std::vector<int64_t> values = latencies(kPercentileSamples, 2);
  std::vector<int64_t> work;
  const size_t rank = (values.size() * 99 + 99) / 100;  // nearest rank, as the histogram
  for (auto _ : state) {
    state.PauseTiming();
    work = values;  // nth_element reorders; start each query from the recorded order
    state.ResumeTiming();
    std::nth_element(work.begin(), work.begin() + (rank - 1), work.end());
    benchmark::DoNotOptimize(work[rank - 1]);
  }
}

BENCHMARK(BM_histogram_record);
BENCHMARK(BM_vector_push_back);
BENCHMARK(BM_histogram_p99)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_vector_nth_element_p99)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  return stressql::bench::run_with_ratios(
      argc, argv,
      {{"record:", "BM_histogram_record", "BM_vector_push_back"},
       {"p99 of 1M samples:", "BM_histogram_p99", "BM_vector_nth_element_p99"}});
}
