// libFuzzer target: the template renderer. The input is parsed as a script; every INSERT
// is built into a PointPlan and a bounded number of its points are rendered into a buffer
// of exactly n * max_line_bytes(), as the engine sizes its send buffers. Built only with
// -DSTRESSQL_FUZZ=ON (the `fuzz` preset). Seed corpus: tests/generator/plan_corpus/.
//
// Checks, besides the sanitizers:
//  - render() writes exactly n lines, each ending in '\n' and no longer than
//    max_line_bytes() (a longer one would overrun a send buffer);
//  - a plan built with tiny memory budgets (series keys and value tables rendered on the
//    fly) writes the same bytes as one built with the defaults (pre-rendered tables), at the
//    start, in the middle and at the end of the points;
//  - rendering a range in two calls gives the same bytes as in one (reactors split ranges).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "generator/point_plan.h"
#include "parser/parser.h"

namespace {

using stressql::generator::PointPlan;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

constexpr uint64_t kMaxPoints = 48;             // rendered per range
constexpr size_t kMaxBuffer = size_t{4} << 20;  // bytes per render call

// True when the default budgets would make create() itself expensive (big tables): the
// default-budget plan is then skipped and only the tiny-budget one is built.
bool cheap(const stressql::parser::InsertStmt& in) {
  for (const auto* kvs : {&in.tags, &in.fields}) {
    for (const auto& kv : *kvs) {
      for (const auto& seg : kv.value) {
        if (seg.kind != stressql::parser::Segment::Kind::kGenerator) continue;
        if (seg.generator.count > 4096 || seg.generator.arg > 4096) return false;
      }
    }
  }
  return true;
}

// Renders points [first, first + n) of `plan`; checks the lines; returns the bytes.
std::string render(const PointPlan& plan, uint64_t first, uint64_t n) {
  const size_t line = plan.max_line_bytes();
  check(line > 0);
  std::vector<char> buf(n * line + 1, '\x7f');
  const size_t len = plan.render(first, n, buf.data());
  check(len <= n * line);
  check(buf[n * line] == '\x7f');
  std::string_view out(buf.data(), len);
  uint64_t lines = 0;
  size_t at = 0;
  while (at < out.size()) {
    size_t eol = out.find('\n', at);
    check(eol != std::string_view::npos);  // every line ends in '\n'
    check(eol + 1 - at <= line);           // and fits max_line_bytes()
    at = eol + 1;
    ++lines;
  }
  check(lines == n);
  return std::string(out);
}

void exercise(const stressql::parser::InsertStmt& in, const stressql::parser::Settings& settings) {
  const int64_t start = settings.start_date.now ? int64_t{1700000000} * 1000000000 : settings.start_date.unix_ns;
  const stressql::generator::PlanOptions options = stressql::generator::plan_options(settings, 7, start);
  stressql::generator::PlanOptions tight = options;
  tight.key_budget_bytes = 4096;
  tight.table_budget_bytes = 1024;
  std::shared_ptr<const PointPlan> tiny;
  if (!PointPlan::create(in, tight, &tiny)) return;  // a template the plan refuses, with a message
  std::shared_ptr<const PointPlan> full;
  if (cheap(in)) {
    const bool built = static_cast<bool>(PointPlan::create(in, options, &full));
    check(built);  // the budgets decide how, never whether
    // max_line_bytes() is an upper bound each plan computes its own way (looser for keys
    // rendered on the fly); each plan's lines are checked against its own.
    check(full->series() == tiny->series());
  }
  const uint64_t points = tiny->points();
  if (points == 0) return;
  const uint64_t n = std::min<uint64_t>({points, kMaxPoints, std::max<size_t>(1, kMaxBuffer / tiny->max_line_bytes())});
  if (n * tiny->max_line_bytes() > 4 * kMaxBuffer) return;  // one line alone is huge
  for (uint64_t first : {uint64_t{0}, (points - n) / 2, points - n}) {
    const std::string a = render(*tiny, first, n);
    if (full) check(render(*full, first, n) == a);
    if (n >= 2) {
      const uint64_t half = n / 2;
      check(render(*tiny, first, half) + render(*tiny, first + half, n - half) == a);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stressql::parser;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseOptions options;
  options.id_seed = 1;
  options.max_errors = 4;
  ParseResult r = parse_script("fuzz.iql", text, options);
  if (!r.ok()) return 0;
  for (size_t i = 0; i < r.script.statements.size(); ++i) {
    if (const auto* in = std::get_if<InsertStmt>(&r.script.statements[i].body)) {
      exercise(*in, r.settings_for(i));
    }
  }
  return 0;
}
