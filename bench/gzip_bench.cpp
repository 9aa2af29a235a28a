// Gzip of write batches (SET Gzip), per core: stressql's GzipEncoder (level 1: ISA-L's igzip;
// 6 and 12: libdeflate) against zlib's deflate at the same levels, in the same run, on
// 5000-point batches of the canonical
// templates: (a) cpu,host=server-[int inc(0) 10000],loc=[us-west|us-east|eu-north]
// value=[float rand(100) 0] and (b) three `str rand` tags with three unbounded floats.
// Counters: points/s through the compressor and the compression ratio (raw ÷ gzip bytes).
// The last lines print zlib's time ÷ stressql's per level (goal at level 1: ≥ 2×).
// zlib stops at level 9, so libdeflate's 12 is compared with zlib's 9.
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "generator/gzip_encoder.h"
#include "generator/point_plan.h"
#include "parser/script_builders.h"
#include "parser/settings.h"
#include "canonical_templates.h"
#include "ratio_reporter.h"

namespace {

using namespace stressql;

constexpr uint64_t kBatch = 5000;
constexpr int kBatches = 16;

parser::InsertStmt canonical(char which) {
  return which == 'a' ? bench_templates::case_a() : bench_templates::case_b();
}

// kBatches consecutive 5000-point batches, rendered once.
const std::vector<std::string>& batches(char which) {
  static std::vector<std::string> cache[2];
  std::vector<std::string>& out = cache[which == 'a' ? 0 : 1];
  if (!out.empty()) return out;
  std::shared_ptr<const generator::PointPlan> plan;
  parser::Settings settings;
  if (!generator::PointPlan::create(canonical(which), generator::plan_options(settings, 1, 1451606400LL * 1000000000LL), &plan)) {
    std::abort();
  }
  std::string buf(plan->max_line_bytes() * kBatch, '\0');
  for (int b = 0; b < kBatches; ++b) {
    out.emplace_back(buf.data(), plan->render(uint64_t(b) * kBatch, kBatch, buf.data()));
  }
  return out;
}

void run(benchmark::State& state, char which, const std::function<size_t(const std::string&, std::string*)>& gz) {
  const std::vector<std::string>& in = batches(which);
  std::string out(in[0].size() * 2 + 1024, '\0');
  uint64_t raw = 0, packed = 0;
  size_t i = 0;
  for (auto _ : state) {
    const std::string& batch = in[i++ % in.size()];
    const size_t n = gz(batch, &out);
    benchmark::DoNotOptimize(out.data());
    raw += batch.size();
    packed += n;
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kBatch));
  state.counters["ratio"] = packed ? double(raw) / double(packed) : 0;
}

size_t zlib_gzip(int level, const std::string& in, std::string* out) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // +16: gzip wrapper
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out->data());
  z.avail_out = static_cast<uInt>(out->size());
  deflate(&z, Z_FINISH);
  const size_t n = z.total_out;
  deflateEnd(&z);
  return n;
}

void register_all() {
  for (char which : {'a', 'b'}) {
    for (int level : {1, 6, 12}) {
      const std::string suffix = std::string("_") + which + "_l" + std::to_string(level);
      benchmark::RegisterBenchmark(("stressql" + suffix).c_str(), [which, level](benchmark::State& st) {
        generator::GzipEncoder gz(level);
        run(st, which, [&gz](const std::string& in, std::string* out) {
          return gz.encode(in.data(), in.size(), out->data());
        });
      });
      const int zlevel = level > 9 ? 9 : level;
      benchmark::RegisterBenchmark(("zlib" + suffix).c_str(), [which, zlevel](benchmark::State& st) {
        run(st, which, [zlevel](const std::string& in, std::string* out) { return zlib_gzip(zlevel, in, out); });
      });
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  return bench::run_with_ratios(
      argc, argv,
      {{"(a) level 1:", "stressql_a_l1", "zlib_a_l1"},
       {"(a) level 6:", "stressql_a_l6", "zlib_a_l6"},
       {"(a) level 12 vs 9:", "stressql_a_l12", "zlib_a_l12"},
       {"(b) level 1:", "stressql_b_l1", "zlib_b_l1"},
       {"(b) level 6:", "stressql_b_l6", "zlib_b_l6"},
       {"(b) level 12 vs 9:", "stressql_b_l12", "zlib_b_l12"}});
}
