// Parser speed on ten-megabyte inputs of the hard shapes (tests/parser/big_inputs.h),
// against a reference measured in the same run: one pass over the same bytes that only
// finds line ends (memchr), the least any parser must do. Prints bytes/s and the ratio.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <map>

#include "parser/parser.h"
#include "tests/parser/big_inputs.h"

namespace {

const std::vector<std::pair<std::string, std::string>>& inputs() {
  static const auto* all = new std::vector<std::pair<std::string, std::string>>(
      stressql::parser::big_inputs());
  return *all;
}

size_t count_lines(const std::string& s) {
  size_t n = 0;
  for (const char* p = s.data(); (p = static_cast<const char*>(
                                      std::memchr(p, '\n', s.data() + s.size() - p))) != nullptr;
       ++p) {
    ++n;
  }
  return n;
}

void BM_Reference_LineScan(benchmark::State& state) {
  const std::string& text = inputs()[static_cast<size_t>(state.range(0))].second;
  for (auto _ : state) benchmark::DoNotOptimize(count_lines(text));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
  state.SetLabel(inputs()[static_cast<size_t>(state.range(0))].first);
}

void BM_Parse(benchmark::State& state) {
  const std::string& text = inputs()[static_cast<size_t>(state.range(0))].second;
  stressql::parser::ParseOptions options;
  options.id_seed = 1;
  for (auto _ : state) {
    auto r = stressql::parser::parse_script("big.iql", text, options);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
  state.SetLabel(inputs()[static_cast<size_t>(state.range(0))].first);
}

BENCHMARK(BM_Reference_LineScan)->DenseRange(0, 7)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Parse)->DenseRange(0, 7)->Unit(benchmark::kMillisecond)->Iterations(3);

// Prints parse time / reference time per shape, from the same run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      double t = r.GetAdjustedRealTime();
      if (r.benchmark_name().rfind("BM_Reference", 0) == 0) ref_[r.report_label] = t;
      else if (ref_.count(r.report_label)) parse_[r.report_label] = t;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nparse time / memchr line scan of the same 10 MiB (same run):\n");
    for (const auto& [label, t] : parse_) {
      std::printf("  %-12s %8.1f ms  ratio %6.1fx\n", label.c_str(), t, t / ref_[label]);
    }
  }

 private:
  std::map<std::string, double> ref_, parse_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  return 0;
}
