// Point generation speed (issue 4), per core. Every case renders 5000-point batches (the
// default BatchSize) into one buffer, like a reactor filling a send buffer, and reports
// points/s and bytes/s. Absolute numbers drift on a shared machine, so the same binary
// runs a reference "bare loop" — memcpy of pre-rendered series keys plus one
// per-timestamp suffix, the least any generator must do — and prints each case's ratio
// to it, measured in the same run.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <fstream>
#include <sstream>

#include "generator/point_plan.h"
#include "parser/script.h"
#include "parser/variables.h"
#include "parser/script_builders.h"
#include "parser/settings.h"
#include "canonical_templates.h"

namespace {

using namespace stressql;
using parser::Segment;
using parser::ValueFn;
using parser::ValueType;

constexpr uint64_t kBatch = 5000;
constexpr int64_t k2016 = 1451606400LL * 1000000000LL;

using parser::build::gen;
using parser::build::kv;
using parser::build::list;
using parser::build::lit;
using bench_templates::case_a;
using bench_templates::case_b;

// (b') as (b) but the float fields have counts: each advances per point.
parser::InsertStmt case_b_counted() {
  parser::InsertStmt s = case_b();
  s.fields = {kv("used", {gen(ValueType::kFloat, ValueFn::kRand, 100, 100)}),
              kv("free", {gen(ValueType::kFloat, ValueFn::kRand, 1000, 7)}),
              kv("total", {gen(ValueType::kFloat, ValueFn::kInc, 0, 10)})};
  return s;
}

// (c) 10 million series: host keys beyond the 64 MiB key budget, rendered on the fly.
parser::InsertStmt case_c() {
  parser::InsertStmt s;
  s.measurement = "cpu";
  s.tags = {kv("host", {lit("server-"), gen(ValueType::kInt, ValueFn::kInc, 0, 10000)}),
            kv("rack", {gen(ValueType::kStr, ValueFn::kRand, 6, 1000)})};
  s.fields = {kv("value", {gen(ValueType::kFloat, ValueFn::kRand, 100, 0)})};
  s.count = 1'000'000'000;
  s.interval_ns = 10'000'000'000;
  return s;
}

std::map<std::string, double>& points_per_sec() {
  static std::map<std::string, double> m;
  return m;
}

void set_counters(benchmark::State& state, uint64_t points, uint64_t bytes) {
  state.counters["points/s"] = benchmark::Counter(static_cast<double>(points),
                                                  benchmark::Counter::kIsRate);
  state.counters["bytes/s"] = benchmark::Counter(static_cast<double>(bytes),
                                                 benchmark::Counter::kIsRate);
}

void run_plan(benchmark::State& state, const parser::InsertStmt& stmt) {
  std::shared_ptr<const generator::PointPlan> plan;
  base::Status s = generator::PointPlan::create(stmt, generator::plan_options(parser::Settings{}, 1, k2016), &plan);
  if (!s) {
    state.SkipWithError(s.message().c_str());
    return;
  }
  std::vector<char> buf(kBatch * plan->max_line_bytes());
  uint64_t k = 0, bytes = 0;
  for (auto _ : state) {
    bytes += plan->render(k, kBatch, buf.data());
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
    k += kBatch;
  }
  set_counters(state, k, bytes);
  state.SetLabel("on-the-fly dims " + std::to_string(plan->keys_on_the_fly_dims()));
}

// The reference: the series keys of (a), pre-rendered, and one suffix per timestamp.
void BM_bare_loop(benchmark::State& state) {
  std::string keys;
  std::vector<uint32_t> off{0};
  const char* locs[] = {"us-west", "us-east", "eu-north"};
  for (int h = 0; h < 10000; ++h)
    for (const char* loc : locs) {
      keys += "cpu,host=server-" + std::to_string(h) + ",loc=" + loc;
      off.push_back(static_cast<uint32_t>(keys.size()));
    }
  const uint64_t series = off.size() - 1;
  std::vector<char> buf(kBatch * 128);
  uint64_t k = 0, bytes = 0;
  int64_t ts = 1451606400;
  for (auto _ : state) {
    char* out = buf.data();
    for (uint64_t i = 0; i < kBatch;) {
      // One suffix per timestamp, rendered at the start of its run of series.
      char suffix[64];
      int len = std::snprintf(suffix, sizeof suffix, " value=%.4f %lld\n", 42.4242,
                              static_cast<long long>(ts + static_cast<int64_t>(k / series)));
      uint64_t s = (k + i) % series;
      uint64_t run = std::min(kBatch - i, series - s);
      for (uint64_t j = 0; j < run; ++j, ++s) {
        std::memcpy(out, keys.data() + off[s], off[s + 1] - off[s]);
        out += off[s + 1] - off[s];
        std::memcpy(out, suffix, len);
        out += len;
      }
      i += run;
    }
    bytes += out - buf.data();
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
    k += kBatch;
  }
  set_counters(state, k, bytes);
}

void BM_a_cpu_30k_series(benchmark::State& state) { run_plan(state, case_a()); }
void BM_b_three_str_tags_three_floats(benchmark::State& state) { run_plan(state, case_b()); }
void BM_b_counted_floats(benchmark::State& state) { run_plan(state, case_b_counted()); }
void BM_c_10M_series(benchmark::State& state) { run_plan(state, case_c()); }

// CPU time of this thread: a shared machine's other work does not count.
double thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// (d) examples/tsbs/devops.iql at scale 1000 (bench/tsbs_shapes.sh's data): its nine
// INSERTs' plans, each rendering 5000-point batches in turn, as one reactor's dry run does.
// 1000 hours, so that no run wraps back to the first timestamp (stepping every walk back).
// Counters: each measurement's CPU ns per point, so the cost can be told apart.
void BM_d_tsbs_devops(benchmark::State& state) {
  std::ifstream in(STRESSQL_SOURCE_DIR "/examples/tsbs/devops.iql");
  std::stringstream text;
  text << in.rdbuf();
  const std::string source = text.str();
  parser::ParseResult parsed = parser::parse_script_with_defines(
      "devops.iql", source, {{"scale", "1000"}, {"duration", "1000h"}});
  if (!parsed.ok()) {
    state.SkipWithError("examples/tsbs/devops.iql did not parse");
    return;
  }
  std::vector<std::shared_ptr<const generator::PointPlan>> plans;
  for (size_t i = 0; i < parsed.script.statements.size(); ++i) {
    const auto* insert = std::get_if<parser::InsertStmt>(&parsed.script.statements[i].body);
    if (!insert) continue;
    std::shared_ptr<const generator::PointPlan> plan;
    base::Status s = generator::PointPlan::create(
        *insert, generator::plan_options(parsed.settings_for(i), 1, k2016), &plan);
    if (!s) {
      state.SkipWithError(s.message().c_str());
      return;
    }
    plans.push_back(plan);
  }
  size_t room = 0;
  for (const auto& p : plans) room = std::max(room, p->max_line_bytes());
  std::vector<char> buf(kBatch * room);
  std::vector<double> ns(plans.size());
  uint64_t k = 0, bytes = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < plans.size(); ++i) {
      const double t0 = thread_cpu_ns();
      bytes += plans[i]->render(k % plans[i]->points(), kBatch, buf.data());
      benchmark::DoNotOptimize(buf.data());
      benchmark::ClobberMemory();
      ns[i] += thread_cpu_ns() - t0;
    }
    k += kBatch;
  }
  set_counters(state, k * plans.size(), bytes);
  for (size_t i = 0; i < plans.size(); ++i)
    state.counters[plans[i]->measurement() + " ns/pt"] = ns[i] / static_cast<double>(k);
}

BENCHMARK(BM_bare_loop);
BENCHMARK(BM_a_cpu_30k_series);
BENCHMARK(BM_b_three_str_tags_three_floats);
BENCHMARK(BM_b_counted_floats);
BENCHMARK(BM_c_10M_series);
BENCHMARK(BM_d_tsbs_devops);

// Captures points/s per benchmark so main() can print ratios measured in this run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      // With --benchmark_repetitions the median stands for the case.
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      auto it = r.counters.find("points/s");
      if (it != r.counters.end()) points_per_sec()[r.run_name.function_name] = it->second.value;
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  auto& pps = points_per_sec();
  auto ref = pps.find("BM_bare_loop");
  if (ref == pps.end() || ref->second <= 0) return 0;
  std::printf("\nCompared against BM_bare_loop (memcpy of pre-rendered keys + one suffix per "
              "timestamp), same run:\n");
  for (const auto& [name, value] : pps)
    std::printf("  %-40s %8.1f M points/s  ratio %.2f\n", name.c_str(), value / 1e6,
                value / ref->second);
  return 0;
}
