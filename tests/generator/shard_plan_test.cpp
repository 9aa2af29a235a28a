// Shards: N shards of a statement together render exactly the requests of one process.
#include "generator/shard.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "generator/point_plan.h"
#include "generator/write_source.h"
#include "parser/parser.h"

namespace stressql::generator {
namespace {

// Every request of `source`, target and body, in request order.
std::vector<std::string> render_requests(const engine::RequestSource& source, uint64_t n) {
  std::vector<std::string> out;
  std::vector<char> target(source.max_target_bytes() + 1), body(source.max_body_bytes() + 1);
  for (uint64_t i = 0; i < n; ++i) {
    auto r = source.render(i, target.data(), body.data());
    out.push_back(std::string(target.data(), r.target_len) + "\n" + std::string(body.data(), r.body_len));
  }
  return out;
}

std::shared_ptr<const WriteSource> write_source(const std::string& insert, uint64_t seed,
                                                uint64_t batch) {
  parser::ParseResult parsed = parser::parse_script("s.iql", insert);
  EXPECT_TRUE(parsed.ok());
  const auto& stmt = std::get<parser::InsertStmt>(parsed.script.statements.at(0).body);
  std::shared_ptr<const PointPlan> plan;
  EXPECT_TRUE(PointPlan::create(stmt, plan_options(parser::Settings{}, seed, 1451606400'000'000'000),
                                &plan)
                  .is_ok());
  std::shared_ptr<const WriteSource> source;
  EXPECT_TRUE(WriteSource::create(plan, batch, "/write?db=stress&precision=s", &source).is_ok());
  return source;
}

// Under a rate, shard I of N schedules its request j by its statement-wide index jN + I:
// the N shards send at exactly the due times of one process (not request jN's, up to N − 1
// spacings early), under a flat rate and along a ramp.
TEST(Shard, EachRequestIsDueWhenOneProcessWouldSendIt) {
  engine::RequestSchedule flat;
  flat.from_per_s = flat.to_per_s = 300;  // req/s: request g is due at g/300 s
  engine::RequestSchedule ramp;
  ramp.from_per_s = 0;
  ramp.to_per_s = 7000;  // pts/s, 10 points per request, from 0 over 2 s
  ramp.ramp_ns = 2'000'000'000;
  ramp.units_per_request = 10;
  for (uint32_t n : {3u, 7u}) {
    // Flat, by the numbers: shard 2's request 4 is request 4N + 2.
    const Shard two{2, n};
    EXPECT_EQ(two.schedule(flat).due_offset_ns(4), std::llround((4.0 * n + 2) / 300 * 1e9)) << "N=" << n;
    EXPECT_EQ(two.schedule(flat).due_offset_ns(0), std::llround(2.0 / 300 * 1e9)) << "N=" << n;
    for (const engine::RequestSchedule& whole : {flat, ramp}) {
      const uint64_t total = 1000;
      std::vector<int64_t> merged, single;
      for (uint64_t g = 0; g < total; ++g) single.push_back(whole.due_offset_ns(g));
      for (uint32_t i = 0; i < n; ++i) {
        const Shard shard{i, n};
        const engine::RequestSchedule mine = shard.schedule(whole);
        for (uint64_t j = 0; j < shard.requests(total); ++j) {
          const uint64_t g = shard.global_index(j);
          ASSERT_EQ(mine.due_offset_ns(j), whole.due_offset_ns(g))
              << "N=" << n << " shard " << i << " request " << j << " (statement request " << g << ")";
          merged.push_back(mine.due_offset_ns(j));
        }
      }
      std::sort(merged.begin(), merged.end());
      EXPECT_EQ(merged, single) << "N=" << n;
    }
  }
}

TEST(Shard, SeedFromTheTestIdIsTheSameOnEveryShardAndDiffersPerTest) {
  EXPECT_EQ(seed_from_test_id("nightly-42"), seed_from_test_id("nightly-42"));
  EXPECT_NE(seed_from_test_id("nightly-42"), seed_from_test_id("nightly-43"));
  const std::string insert = "INSERT r\nm,t=[str rand(4) 5]\nf=[float rand(10) 0]\n40 1s\n";
  auto a = write_source(insert, seed_from_test_id("t1"), 8);
  auto b = write_source(insert, seed_from_test_id("t1"), 8);
  auto c = write_source(insert, seed_from_test_id("t2"), 8);
  EXPECT_EQ(render_requests(*a, a->requests()), render_requests(*b, b->requests()));
  EXPECT_NE(render_requests(*a, a->requests()), render_requests(*c, c->requests()));
}

TEST(Shard, RequestsPointsConcurrencyAndRateAddUpToTheWhole) {
  for (uint32_t n = 1; n <= 17; ++n) {
    for (uint64_t total : {0u, 1u, 5u, 16u, 17u, 1000u}) {
      uint64_t sum = 0;
      for (uint32_t i = 0; i < n; ++i) sum += Shard{i, n}.requests(total);
      EXPECT_EQ(sum, total) << "N=" << n;
    }
    for (uint32_t conns : {1u, 5u, 15u, 64u}) {
      uint32_t sum = 0;
      for (uint32_t i = 0; i < n; ++i) {
        const uint32_t c = Shard{i, n}.concurrency(conns);
        EXPECT_GE(c, 1u);
        sum += c;
      }
      EXPECT_EQ(sum, std::max(conns, n)) << "N=" << n << " connections " << conns;
    }
    for (uint64_t batch : {1u, 7u, 50u}) {  // the statement's last request is shorter
      uint64_t points = 0;
      for (uint32_t i = 0; i < n; ++i) points += Shard{i, n}.points(1003, batch);
      EXPECT_EQ(points, 1003u) << "N=" << n << " batch " << batch;
    }
    parser::Rate rate;
    rate.unit = parser::Rate::Unit::kPoints;
    rate.from = 1000;
    rate.to = 34000;
    rate.ramp_ns = 5'000'000'000;
    parser::Rate part = Shard{0, n}.rate(rate);
    EXPECT_DOUBLE_EQ(part.from * n, 1000);
    EXPECT_DOUBLE_EQ(part.to * n, 34000);
    EXPECT_EQ(part.ramp_ns, rate.ramp_ns);
    EXPECT_EQ(part.unit, rate.unit);
  }
  EXPECT_FALSE((Shard{0, 1}.rate(parser::Rate{}).open_loop()));
}

TEST(Shard, ParsesIndexOverCountAndAuto) {
  Shard s;
  std::string error;
  ASSERT_TRUE(parse_shard("2/5", nullptr, &s, &error)) << error;
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(s.text(), "2/5");
  ASSERT_TRUE(parse_shard("auto/4", "3", &s, &error)) << error;
  EXPECT_EQ(s.index, 3u);
  EXPECT_EQ(s.count, 4u);
  ASSERT_TRUE(parse_shard("0/1", nullptr, &s, &error));
  EXPECT_FALSE(s.sharded());

  struct Bad {
    const char* text;
    const char* env;
    const char* says;
  } bad[] = {{"5/5", nullptr, "from 0 to 4, got '5'"},
             {"-1/5", nullptr, "got '-1'"},
             {"2", nullptr, "expected I/N or auto/N"},
             {"1/0", nullptr, "1 <= N <= 10000"},
             {"1/x", nullptr, "expected I/N"},
             {"0/10001", nullptr, "1 <= N <= 10000"},
             {"auto/3", nullptr, "JOB_COMPLETION_INDEX"},
             {"auto/3", "", "JOB_COMPLETION_INDEX"},
             {"auto/3", "3", "got '3' (from JOB_COMPLETION_INDEX)"},
             {"1 /3", nullptr, "got '1 '"}};
  for (const Bad& b : bad) {
    error.clear();
    EXPECT_FALSE(parse_shard(b.text, b.env, &s, &error)) << b.text;
    EXPECT_NE(error.find(b.says), std::string::npos) << b.text << ": " << error;
  }
}

}  // namespace
}  // namespace stressql::generator
