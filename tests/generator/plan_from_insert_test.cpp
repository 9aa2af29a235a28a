#include "generator/point_plan.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "generator/write_source.h"
#include "parser/script_builders.h"
#include "tests/generator/plan_reference.h"

namespace stressql::generator {
namespace {

using parser::Generator;
using parser::InsertStmt;
using parser::KeyValue;
using parser::Precision;
using parser::Segment;
using parser::Settings;
using parser::ValueFn;
using parser::ValueType;

constexpr int64_t k2016 = 1451606400LL * 1000000000LL;

using parser::build::gen;
using parser::build::kv;
using parser::build::list;
using parser::build::lit;

std::shared_ptr<const PointPlan> build(const InsertStmt& stmt, Precision p,
                                               uint64_t seed = 1, int64_t start = k2016) {
  Settings settings;
  settings.precision = p;
  std::shared_ptr<const PointPlan> plan;
  base::Status s = PointPlan::create(stmt, plan_options(settings, seed, start), &plan);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return plan;
}

std::string render_all(const PointPlan& plan, uint64_t first, uint64_t n) {
  std::string out(n * plan.max_line_bytes(), '\0');
  out.resize(plan.render(first, n, out.data()));
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl + 1 - start));
    start = nl + 1;
  }
  return lines;
}

TEST(PlanFromInsert, SpecExampleByteForByte) {
  InsertStmt stmt;
  stmt.name = "x";
  stmt.measurement = "cpu";
  stmt.tags = {kv("host", {lit("server-"), gen(ValueType::kInt, ValueFn::kInc, 0, 3)}),
               kv("loc", {list({"a", "b"})})};
  stmt.fields = {kv("value", {gen(ValueType::kInt, ValueFn::kInc, 100, 0)})};
  stmt.count = 8;
  stmt.interval_ns = 10'000'000'000;
  auto plan = build(stmt, Precision::kSeconds);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->series(), 6u);
  EXPECT_EQ(render_all(*plan, 0, 8),
            "cpu,host=server-0,loc=a value=100i 1451606400\n"
            "cpu,host=server-0,loc=b value=100i 1451606400\n"
            "cpu,host=server-1,loc=a value=100i 1451606400\n"
            "cpu,host=server-1,loc=b value=100i 1451606400\n"
            "cpu,host=server-2,loc=a value=100i 1451606400\n"
            "cpu,host=server-2,loc=b value=100i 1451606400\n"
            "cpu,host=server-0,loc=a value=101i 1451606410\n"
            "cpu,host=server-0,loc=b value=101i 1451606410\n");
}

TEST(PlanFromInsert, EveryPrecisionUnit) {
  InsertStmt stmt;
  stmt.measurement = "m";
  stmt.fields = {kv("v", {lit("1i")})};
  stmt.count = 2;
  stmt.interval_ns = 1'500'000'000;  // 1.5 s: floored in coarse units
  struct Case {
    Precision p;
    const char* want;
  } cases[] = {
      {Precision::kNanoseconds, "m v=1i 1451606400000000000\nm v=1i 1451606401500000000\n"},
      {Precision::kMicroseconds, "m v=1i 1451606400000000\nm v=1i 1451606401500000\n"},
      {Precision::kMilliseconds, "m v=1i 1451606400000\nm v=1i 1451606401500\n"},
      {Precision::kSeconds, "m v=1i 1451606400\nm v=1i 1451606401\n"},
      {Precision::kMinutes, "m v=1i 24193440\nm v=1i 24193440\n"},
      {Precision::kHours, "m v=1i 403224\nm v=1i 403224\n"},
  };
  for (const Case& c : cases) {
    auto plan = build(stmt, c.p);
    ASSERT_TRUE(plan);
    EXPECT_EQ(render_all(*plan, 0, 2), c.want) << static_cast<int>(c.p);
  }
}

TEST(PlanFromInsert, EscapesListItemsForTheirPlace) {
  InsertStmt stmt;
  stmt.measurement = "cpu";
  stmt.tags = {kv("t", {list({"a b", "c,d", "e=f", "q\""})})};
  stmt.fields = {kv("s", {list({"x \"y\"", "back\\slash", "c,d=e"})}),
                 kv("n", {gen(ValueType::kStr, ValueFn::kInc, -2, 0)})};
  stmt.count = 4;
  stmt.interval_ns = 1'000'000'000;
  auto plan = build(stmt, Precision::kSeconds);
  ASSERT_TRUE(plan);
  EXPECT_EQ(render_all(*plan, 0, 4),
            "cpu,t=a\\ b s=\"x \\\"y\\\"\",n=\"-2\" 1451606400\n"
            "cpu,t=c\\,d s=\"back\\\\slash\",n=\"-2\" 1451606400\n"
            "cpu,t=e\\=f s=\"c,d=e\",n=\"-2\" 1451606400\n"
            "cpu,t=q\" s=\"x \\\"y\\\"\",n=\"-2\" 1451606400\n");
  EXPECT_EQ(plan->tag_value(1, 0), "c,d");
}

TEST(PlanFromInsert, RejectsTemplatesThatCannotBeGenerated) {
  Settings settings;
  std::shared_ptr<const PointPlan> plan;
  InsertStmt stmt;
  stmt.measurement = "m";
  stmt.count = 1;
  stmt.fields = {kv("v", {gen(ValueType::kInt, ValueFn::kRand, 5, 10)})};
  EXPECT_FALSE(PointPlan::create(stmt, plan_options(settings, 1, k2016), &plan).is_ok());
  stmt.fields = {kv("v", {lit("1")})};
  stmt.tags = {kv("h", {gen(ValueType::kInt, ValueFn::kInc, 0, 0)})};
  base::Status s = PointPlan::create(stmt, plan_options(settings, 1, k2016), &plan);
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("tag 'h'"), std::string::npos) << s.message();
  stmt.tags = {kv("h", {gen(ValueType::kStr, ValueFn::kRand, 1, 37)})};
  EXPECT_FALSE(PointPlan::create(stmt, plan_options(settings, 1, k2016), &plan).is_ok());
  stmt.tags = {kv("h", {gen(ValueType::kStr, ValueFn::kRand, 1, 36)})};
  EXPECT_TRUE(PointPlan::create(stmt, plan_options(settings, 1, k2016), &plan).is_ok());
}

// ---- Seeded random templates against the reference ----

std::string pick(std::mt19937_64& rng, const std::vector<std::string>& v) {
  return v[rng() % v.size()];
}

Segment random_template(std::mt19937_64& rng, bool tag) {
  static const std::vector<std::string> kItems = {"a", "b c", "x,y", "k=v", "q\"", "s\\", "long-item-42"};
  if (rng() % 3 == 0) {
    std::vector<std::string> items;
    size_t n = 1 + rng() % 4;
    for (size_t i = 0; i < n; ++i) items.push_back(pick(rng, kItems));
    return list(items);
  }
  auto type = static_cast<ValueType>(rng() % 3);
  auto fn = rng() % 2 ? ValueFn::kInc : ValueFn::kRand;
  int64_t count = tag ? 1 + rng() % 5 : rng() % 5;
  int64_t arg;
  if (fn == ValueFn::kInc) {
    arg = static_cast<int64_t>(rng() % 21) - 10;  // negative args too
  } else if (type == ValueType::kStr) {
    arg = 1 + rng() % 14;  // across the 12-char permuted head
  } else {
    arg = count + static_cast<int64_t>(rng() % 1000);
    if (arg < 1) arg = 1;
  }
  return gen(type, fn, arg, count);
}

InsertStmt random_insert(std::mt19937_64& rng) {
  InsertStmt stmt;
  stmt.name = "r";
  stmt.measurement = rng() % 4 ? "cpu" : "my\\ meas\\,x";
  size_t tags = rng() % 4;
  for (size_t i = 0; i < tags; ++i) {
    std::vector<Segment> value;
    size_t segs = 1 + rng() % 3;
    for (size_t j = 0; j < segs; ++j) {
      // Literals start with a letter so a number before them ends clearly; two
      // templates in a row always have one between them.
      if (j > 0 || rng() % 2) value.push_back(lit(pick(rng, {"h-", "x", "v\\ 1", "z."})));
      value.push_back(random_template(rng, true));
    }
    stmt.tags.push_back(kv("t" + std::to_string(i) + (rng() % 5 ? "" : "\\=k"), value));
  }
  size_t fields = 1 + rng() % 4;
  for (size_t i = 0; i < fields; ++i) {
    Segment v = rng() % 4 ? random_template(rng, false)
                          : lit(pick(rng, {"1i", "2.5", "\"s\"", "true"}));
    stmt.fields.push_back(kv("f" + std::to_string(i), {v}));
  }
  stmt.count = static_cast<int64_t>(rng() % 400);
  static const int64_t kIntervals[] = {0, 1, 1'500'000'000, 10'000'000'000, 3'600'000'000'000};
  stmt.interval_ns = kIntervals[rng() % 5];
  return stmt;
}

TEST(PlanFromInsert, MatchesReferenceOnRandomTemplates) {
  std::mt19937_64 rng(20240601);
  for (int iter = 0; iter < 300; ++iter) {
    InsertStmt stmt = random_insert(rng);
    auto precision = static_cast<Precision>(rng() % 6);
    int64_t start = k2016 + static_cast<int64_t>(rng() % 1'000'000'000'000) -
                    (iter % 10 == 0 ? 2 * k2016 : 0);  // some before 1970
    Settings settings;
    settings.precision = precision;
    PlanOptions options = plan_options(settings, rng(), start);
    // Small budgets now and then, so on-the-fly keys and values get compared too.
    if (rng() % 3 == 0) options.key_budget_bytes = rng() % 400;
    if (rng() % 3 == 0) options.table_budget_bytes = rng() % 100;
    std::shared_ptr<const PointPlan> plan;
    base::Status s = PointPlan::create(stmt, options, &plan);
    ASSERT_TRUE(s.is_ok()) << s.message();
    uint64_t batch = 1 + rng() % 50;
    std::shared_ptr<const WriteSource> source;
    ASSERT_TRUE(WriteSource::create(plan, batch, "/write?db=x", &source).is_ok());
    std::vector<char> target(source->max_target_bytes()), body(source->max_body_bytes());
    testing::LineMatcher matcher;
    uint64_t k = 0;
    for (uint64_t r = 0; r < source->requests(); ++r) {
      auto rendered = source->render(r, target.data(), body.data());
      ASSERT_LE(rendered.body_len, source->max_body_bytes());
      auto lines = split_lines(std::string(body.data(), rendered.body_len));
      ASSERT_EQ(lines.size(), rendered.points);
      for (const std::string& line : lines) {
        ASSERT_LE(line.size(), plan->max_line_bytes());
        auto ref = testing::reference_line(stmt, options.unit_ns, start, k);
        std::string err = matcher.match(ref, line);
        ASSERT_EQ(err, "") << "iteration " << iter << " point " << k;
        ++k;
      }
    }
    EXPECT_EQ(k, static_cast<uint64_t>(stmt.count));
  }
}

// Reactors each render a disjoint share of the request indices; together they must
// produce exactly the single renderer's bytes.
TEST(PlanFromInsert, AnySplitAcrossReactorsGivesTheSameLines) {
  std::mt19937_64 rng(7);
  for (int iter = 0; iter < 40; ++iter) {
    InsertStmt stmt = random_insert(rng);
    stmt.count = 1 + rng() % 500;
    auto plan = build(stmt, static_cast<Precision>(rng() % 6), rng());
    ASSERT_TRUE(plan);
    std::vector<std::string> single = split_lines(render_all(*plan, 0, stmt.count));
    std::sort(single.begin(), single.end());
    uint64_t batch = 1 + rng() % 64;
    std::shared_ptr<const WriteSource> source;
    ASSERT_TRUE(WriteSource::create(plan, batch, "/w", &source).is_ok());
    for (uint64_t reactors = 1; reactors <= 8; ++reactors) {
      std::vector<std::string> all;
      for (uint64_t r = 0; r < reactors; ++r) {
        std::vector<char> target(source->max_target_bytes()), body(source->max_body_bytes());
        for (uint64_t i = r; i < source->requests(); i += reactors) {
          auto rendered = source->render(i, target.data(), body.data());
          EXPECT_EQ(std::string(target.data(), rendered.target_len), "/w");
          for (auto& l : split_lines(std::string(body.data(), rendered.body_len))) all.push_back(l);
        }
      }
      std::sort(all.begin(), all.end());
      ASSERT_EQ(all, single) << "iteration " << iter << " reactors " << reactors;
    }
  }
}

InsertStmt random_fields_insert() {
  InsertStmt stmt;
  stmt.measurement = "m";
  stmt.tags = {kv("h", {gen(ValueType::kStr, ValueFn::kRand, 8, 5)})};
  stmt.fields = {kv("a", {gen(ValueType::kFloat, ValueFn::kRand, 100, 0)}),
                 kv("b", {gen(ValueType::kInt, ValueFn::kRand, 1000, 3)})};
  stmt.count = 50;
  stmt.interval_ns = 1'000'000'000;
  return stmt;
}

TEST(PlanFromInsert, SameSeedSameBytesOtherSeedOtherValues) {
  InsertStmt stmt = random_fields_insert();
  std::string a = render_all(*build(stmt, Precision::kSeconds, 42), 0, 50);
  std::string b = render_all(*build(stmt, Precision::kSeconds, 42), 0, 50);
  std::string c = render_all(*build(stmt, Precision::kSeconds, 43), 0, 50);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // Only random values differ: line count and timestamps stay.
  auto la = split_lines(a), lc = split_lines(c);
  ASSERT_EQ(la.size(), lc.size());
  for (size_t i = 0; i < la.size(); ++i)
    EXPECT_EQ(la[i].substr(la[i].rfind(' ')), lc[i].substr(lc[i].rfind(' ')));
}

TEST(PlanFromInsert, QueryVariableAccessors) {
  InsertStmt stmt;
  stmt.measurement = "my\\ cpu";
  stmt.tags = {kv("ho\\,st", {lit("s\\ -"), gen(ValueType::kInt, ValueFn::kInc, 0, 3)}),
               kv("loc", {list({"it's", "b"})})};
  stmt.fields = {kv("value", {gen(ValueType::kFloat, ValueFn::kInc, 0, 0)}),
                 kv("f\\=2", {lit("1i")})};
  stmt.count = 100;
  stmt.interval_ns = 10'000'000'000;
  auto plan = build(stmt, Precision::kSeconds);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->measurement(), "my cpu");
  ASSERT_EQ(plan->tag_count(), 2u);
  EXPECT_EQ(plan->tag_key(0), "ho,st");
  EXPECT_EQ(plan->tag_key(1), "loc");
  ASSERT_EQ(plan->field_count(), 2u);
  EXPECT_EQ(plan->field_key(0), "value");
  EXPECT_EQ(plan->field_key(1), "f=2");
  EXPECT_EQ(plan->tag_value(3, 0), "s -1");
  EXPECT_EQ(plan->tag_value(2, 1), "it's");
  EXPECT_EQ(plan->tag_value(9, 0), "s -1");  // series 3 again
  EXPECT_EQ(plan->timestamp_ns(0), k2016);
  EXPECT_EQ(plan->timestamp_ns(13), k2016 + 2 * 10'000'000'000LL);
}

// ---- 10 million series: keys beyond the budget are rendered on the fly ----

long max_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void check_sampled_points(const InsertStmt& stmt, const PointPlan& plan) {
  std::mt19937_64 rng(99);
  testing::LineMatcher matcher;
  const uint64_t total = static_cast<uint64_t>(stmt.count);
  for (int i = 0; i < 3000; ++i) {
    uint64_t first = rng() % total;
    uint64_t n = std::min<uint64_t>(1 + rng() % 40, total - first);
    auto lines = split_lines(render_all(plan, first, n));
    ASSERT_EQ(lines.size(), n);
    for (uint64_t j = 0; j < n; ++j) {
      auto ref = testing::reference_line(stmt, 1'000'000'000, k2016, first + j);
      ASSERT_EQ(matcher.match(ref, lines[j]), "") << "point " << first + j;
    }
  }
}

TEST(PlanFromInsert, TenMillionSeriesStayWithinBudget) {
  long rss_before = max_rss_kib();
  InsertStmt stmt;
  stmt.measurement = "cpu";
  stmt.tags = {kv("host", {lit("server-"), gen(ValueType::kInt, ValueFn::kInc, 0, 10000)}),
               kv("rack", {gen(ValueType::kStr, ValueFn::kRand, 6, 1000)})};
  stmt.fields = {kv("value", {gen(ValueType::kFloat, ValueFn::kRand, 100, 0)})};
  stmt.count = 30'000'000;
  stmt.interval_ns = 10'000'000'000;
  auto plan = build(stmt, Precision::kSeconds);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->series(), 10'000'000u);
  EXPECT_EQ(plan->keys_on_the_fly_dims(), 1u);  // host on the fly, rack pre-rendered
  EXPECT_LE(plan->prerendered_key_bytes(), kDefaultKeyBudgetBytes);
  check_sampled_points(stmt, *plan);

  // One dimension of 10 M values: nothing fits, everything on the fly.
  stmt.tags = {kv("id", {gen(ValueType::kInt, ValueFn::kRand, 1'000'000'000, 10'000'000)})};
  auto single = build(stmt, Precision::kSeconds);
  ASSERT_TRUE(single);
  EXPECT_EQ(single->keys_on_the_fly_dims(), 1u);
  check_sampled_points(stmt, *single);
  // Generous: the budgets are 64 MiB of keys and 16 MiB per table; 10 M pre-rendered
  // keys would be ~300 MiB.
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  // (Sanitizers keep freed memory in quarantine, so RSS says nothing there.)
  EXPECT_LT(max_rss_kib() - rss_before, 100 * 1024);
#else
  (void)rss_before;
#endif
}

}  // namespace
}  // namespace stressql::generator
