#include "generator/point_plan.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

#include "generator/gzip_encoder.h"
#include "generator/value_gen.h"
#include "generator/write_source.h"
#include "parser/script_builders.h"
#include "tests/support/gunzip.h"

namespace stressql::generator {
namespace {

using parser::ValueFn;
using parser::ValueType;
using parser::build::gen;
using parser::build::kv;
using parser::build::list;
using parser::build::lit;

parser::Generator spec(ValueType type, ValueFn fn, int64_t arg, int64_t count) {
  return parser::Generator{type, fn, arg, count, {}};
}

std::string value_text(const ValueGen& g, uint64_t i) {
  std::string buf(g.max_chars(), '\0');
  buf.resize(g.write(i, buf.data()) - buf.data());
  return buf;
}

TEST(Permutation, IsABijectionOnSmallDomains) {
  for (uint64_t domain = 1; domain < 300; domain += 7) {
    Permutation p;
    p.init(domain, domain * 31);
    std::set<uint64_t> seen;
    for (uint64_t i = 0; i < domain; ++i) {
      uint64_t v = p.at(i);
      ASSERT_LT(v, domain);
      seen.insert(v);
    }
    EXPECT_EQ(seen.size(), domain);
  }
}

TEST(ValueGen, CountedRandValuesAreDistinctAndInRange) {
  struct Case {
    ValueType type;
    int64_t arg, count;
  } cases[] = {{ValueType::kInt, 10, 10},   {ValueType::kInt, 1000000, 5000},
               {ValueType::kFloat, 1, 5000}, {ValueType::kFloat, 100, 5000},
               {ValueType::kStr, 1, 36},    {ValueType::kStr, 3, 5000},
               {ValueType::kStr, 20, 5000}};
  for (const Case& c : cases) {
    ValueGen g;
    ASSERT_TRUE(ValueGen::create(spec(c.type, ValueFn::kRand, c.arg, c.count), 5, &g).is_ok());
    std::set<std::string> seen;
    for (int64_t i = 0; i < c.count; ++i) {
      std::string v = value_text(g, i);
      ASSERT_LE(v.size(), g.max_chars());
      if (c.type == ValueType::kStr) {
        ASSERT_EQ(v.size(), static_cast<size_t>(c.arg));
        ASSERT_EQ(v.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz"), std::string::npos);
      } else {
        double d = std::stod(v);
        ASSERT_GE(d, 0);
        ASSERT_LT(d, c.arg);
      }
      seen.insert(v);
    }
    EXPECT_EQ(seen.size(), static_cast<size_t>(c.count)) << c.arg;
  }
}

TEST(ValueGen, FloatFormatIsFixedShortestRoundTrip) {
  ValueGen inc;
  ASSERT_TRUE(ValueGen::create(spec(ValueType::kFloat, ValueFn::kInc, -2, 0), 1, &inc).is_ok());
  EXPECT_EQ(value_text(inc, 0), "-2");
  EXPECT_EQ(value_text(inc, 5), "3");
  ValueGen rnd;
  ASSERT_TRUE(ValueGen::create(spec(ValueType::kFloat, ValueFn::kRand, 1, 0), 1, &rnd).is_ok());
  for (uint64_t t = 0; t < 1000; ++t) {
    std::string v = value_text(rnd, t);
    EXPECT_EQ(v.find('e'), std::string::npos) << v;
    EXPECT_LT(std::stod(v), 1.0);
  }
}

TEST(ValueGen, UnboundedRandChangesWithTheIndexAndTheKey) {
  ValueGen a, b;
  ASSERT_TRUE(ValueGen::create(spec(ValueType::kStr, ValueFn::kRand, 10, 0), 1, &a).is_ok());
  ASSERT_TRUE(ValueGen::create(spec(ValueType::kStr, ValueFn::kRand, 10, 0), 2, &b).is_ok());
  EXPECT_NE(value_text(a, 0), value_text(a, 1));
  EXPECT_NE(value_text(a, 0), value_text(b, 0));
  EXPECT_EQ(value_text(a, 7), value_text(a, 7));
}

parser::InsertStmt sample_insert() {
  parser::InsertStmt stmt;
  stmt.name = "sample";
  stmt.measurement = "cpu";
  stmt.tags = {kv("loc", {list({"a", "b", "c"})}),
               kv("host", {lit("-"), gen(ValueType::kInt, ValueFn::kInc, 0, 7)})};
  stmt.fields = {kv("a", {gen(ValueType::kFloat, ValueFn::kRand, 100, 0)}),
                 kv("b", {gen(ValueType::kInt, ValueFn::kRand, 50, 4)}), kv("c", {lit("true")})};
  stmt.count = 1000;
  stmt.interval_ns = 1'000'000'000;
  return stmt;
}

PlanOptions sample_options() {
  PlanOptions o;
  o.start_unix_ns = 1'000'000'000'000'000'000;
  o.seed = 3;
  return o;
}

std::string render(const PointPlan& plan, uint64_t first, uint64_t n) {
  std::string out(n * plan.max_line_bytes(), '\0');
  out.resize(plan.render(first, n, out.data()));
  return out;
}

TEST(PointPlan, BudgetsChangeMemoryNotBytes) {
  const parser::InsertStmt stmt = sample_insert();
  PlanOptions spec = sample_options();
  std::shared_ptr<const PointPlan> full, tight, none;
  ASSERT_TRUE(PointPlan::create(stmt, spec, &full).is_ok());
  EXPECT_EQ(full->keys_on_the_fly_dims(), 0u);
  spec.key_budget_bytes = 300;  // room for the 7 host suffixes only
  spec.table_budget_bytes = 0;
  ASSERT_TRUE(PointPlan::create(stmt, spec, &tight).is_ok());
  EXPECT_EQ(tight->keys_on_the_fly_dims(), 1u);
  spec.key_budget_bytes = 0;
  ASSERT_TRUE(PointPlan::create(stmt, spec, &none).is_ok());
  EXPECT_EQ(none->keys_on_the_fly_dims(), 2u);
  std::string want = render(*full, 0, 1000);
  EXPECT_EQ(render(*tight, 0, 1000), want);
  EXPECT_EQ(render(*none, 0, 1000), want);
}

TEST(PointPlan, RenderingAnyRangeIsASliceOfTheWhole) {
  std::shared_ptr<const PointPlan> plan;
  ASSERT_TRUE(PointPlan::create(sample_insert(), sample_options(), &plan).is_ok());
  std::string whole = render(*plan, 0, 1000);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 200; ++i) {
    uint64_t first = rng() % 1000, n = rng() % (1000 - first + 1);
    std::string part = render(*plan, first, n);
    size_t begin = 0;
    for (uint64_t l = 0; l < first; ++l) begin = whole.find('\n', begin) + 1;
    EXPECT_EQ(whole.compare(begin, part.size(), part), 0) << first << "+" << n;
  }
}

TEST(WriteSource, RequestsCoverThePointsInBatches) {
  EXPECT_EQ(WriteSource::request_count(0, 5), 0u);
  EXPECT_EQ(WriteSource::request_count(10, 5), 2u);
  EXPECT_EQ(WriteSource::request_count(11, 5), 3u);
  std::shared_ptr<const PointPlan> plan;
  ASSERT_TRUE(PointPlan::create(sample_insert(), sample_options(), &plan).is_ok());
  std::shared_ptr<const WriteSource> source;
  EXPECT_FALSE(WriteSource::create(plan, 0, "/w", &source).is_ok());
  ASSERT_TRUE(WriteSource::create(plan, 300, "/write?db=x&precision=s", &source).is_ok());
  ASSERT_EQ(source->requests(), 4u);
  std::string target(source->max_target_bytes(), '\0'), body(source->max_body_bytes(), '\0');
  std::string joined;
  uint64_t points = 0;
  for (uint64_t i = 0; i < 4; ++i) {
    auto r = source->render(i, target.data(), body.data());
    EXPECT_EQ(target.substr(0, r.target_len), "/write?db=x&precision=s");
    EXPECT_EQ(r.points, i < 3 ? 300u : 100u);
    points += r.points;
    joined.append(body.data(), r.body_len);
  }
  EXPECT_EQ(points, 1000u);
  EXPECT_EQ(joined, render(*plan, 0, 1000));
  EXPECT_EQ(source->make_encoder(), nullptr);  // no gzip unless asked
}

TEST(WriteSource, GzipEncoderRoundTripsEveryBatchAtEveryLevel) {
  std::shared_ptr<const PointPlan> plan;
  ASSERT_TRUE(PointPlan::create(sample_insert(), sample_options(), &plan).is_ok());
  for (int level : {1, 6, 12}) {
    std::shared_ptr<const WriteSource> source;
    ASSERT_TRUE(WriteSource::create(plan, 300, "/w", &source, level).is_ok());
    std::unique_ptr<engine::BodyEncoder> gzip = source->make_encoder();
    ASSERT_NE(gzip, nullptr);
    std::string target(source->max_target_bytes(), '\0'), body(source->max_body_bytes(), '\0');
    std::string out(gzip->max_encoded_bytes(source->max_body_bytes()), '\0');
    for (uint64_t i = 0; i < source->requests(); ++i) {
      auto r = source->render(i, target.data(), body.data());
      const size_t n = gzip->encode(body.data(), r.body_len, out.data());
      ASSERT_GT(n, 18u);
      EXPECT_LT(n, r.body_len) << "level " << level;  // repetitive line protocol shrinks
      std::string back;
      ASSERT_TRUE(testing::gunzip(out.data(), n, &back));
      EXPECT_EQ(back, body.substr(0, r.body_len));
    }
  }
}

// Bodies deflate cannot shrink (random bytes) fit the encoder's bound at every level: level 1
// (igzip) stores them, and what it writes inflates back to the body.
TEST(WriteSource, GzipEncoderFitsIncompressibleBodiesInItsBound) {
  std::string body(300000, '\0');
  uint64_t x = 0x9e3779b97f4a7c15u;
  for (char& c : body) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  for (int level : {1, 2, 12}) {
    GzipEncoder gzip(level);
    std::string out(gzip.max_encoded_bytes(body.size()), '\0');
    const size_t n = gzip.encode(body.data(), body.size(), out.data());
    ASSERT_GT(n, body.size()) << "level " << level;  // stored, with headers
    ASSERT_LE(n, out.size());
    std::string back;
    ASSERT_TRUE(testing::gunzip(out.data(), n, &back));
    EXPECT_EQ(back, body) << "level " << level;
  }
}

}  // namespace
}  // namespace stressql::generator
