#pragma once
// A console reporter that keeps each benchmark's real time per iteration, so main() can
// print "reference/ours" ratios measured in the same run (house rule for benchmarks).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

namespace stressql::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.iterations == 0) continue;
      const double ns = run.real_accumulated_time * 1e9 / static_cast<double>(run.iterations);
      ns_[run.run_name.function_name] = ns;
    }
  }

  void print_ratio(const char* what, const char* ours, const char* reference) const {
    const auto a = ns_.find(ours);
    const auto b = ns_.find(reference);
    if (a == ns_.end() || b == ns_.end()) return;  // filtered out
    std::printf("%-22s %s %.2f ns  vs  %s %.2f ns  ->  reference/ours = %.2fx\n", what, ours,
                a->second, reference, b->second, b->second / a->second);
  }

 private:
  std::map<std::string, double> ns_;
};

struct Ratio {
  const char* what;       // label, e.g. "record:"
  const char* ours;       // benchmark function names
  const char* reference;
};

// The whole main() of a benchmark binary whose output ends with reference/ours ratios.
inline int run_with_ratios(int argc, char** argv, std::initializer_list<Ratio> ratios) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\n");
  for (const Ratio& r : ratios) reporter.print_ratio(r.what, r.ours, r.reference);
  benchmark::Shutdown();
  return 0;
}

}  // namespace stressql::bench
