// The pure part of shard barriers: reading every barrier row from InfluxDB's answer, and
// judging them: who arrived, another N or script (fail at once), an earlier run's rows.
#include "statements/barrier.h"

#include <gtest/gtest.h>

namespace stressql::statements {
namespace {

constexpr int64_t kT = 1700000000000000000;

std::string series(const std::string& shard, const std::string& barrier, int64_t t, int n,
                   const std::string& script, const std::string& run) {
  return R"({"name":"barrier","tags":{"barrier":")" + barrier + R"(","shard":")" + shard +
         R"("},"columns":["time","shards","script","run"],"values":[[)" + std::to_string(t) + "," +
         std::to_string(n) + ",\"" + script + "\",\"" + run + "\"]]}";
}

BarrierSelf self(uint32_t index, uint32_t count, const std::string& script = "aaaa") {
  BarrierSelf s;
  s.test_id = "t1";
  s.shard.index = index;
  s.shard.count = count;
  s.script = script;
  s.run = "me";
  return s;
}

TEST(Barrier, ReadsEveryRowAndTheLatestArrival) {
  const std::string json = R"({"results":[{"statement_id":0,"series":[)" +
                           series("0", "start", kT + 100, 3, "aaaa", "me") + "," +
                           series("2", "start", kT + 900, 3, "aaaa", "r2") + "," +
                           series("x", "start", kT, 3, "aaaa", "rx") + "]}]}";
  std::vector<BarrierRow> rows;
  std::string error;
  ASSERT_TRUE(parse_barrier_rows(json, &rows, &error)) << error;
  ASSERT_EQ(rows.size(), 2u);  // an odd shard tag is ignored
  EXPECT_EQ(rows[1].shard, 2u);
  EXPECT_EQ(rows[1].script, "aaaa");
  EXPECT_EQ(rows[1].run, "r2");
  BarrierVerdict v = judge_barrier(rows, "start", self(0, 3), kT - 1);
  EXPECT_FALSE(v.done);
  EXPECT_EQ(v.conflict, "");
  EXPECT_EQ(v.missing, "shard 1 of 3");
  rows.push_back({1, "start", kT + 500, 3, "aaaa", "r1"});
  v = judge_barrier(rows, "start", self(0, 3), kT - 1);
  EXPECT_TRUE(v.done);
  EXPECT_EQ(v.release_ns, kT + 900);
}

TEST(Barrier, AnotherNOrScriptFailsAtOnceNamingBoth) {
  std::vector<BarrierRow> rows = {{0, "start", kT, 2, "aaaa", "me"}, {1, "start", kT, 3, "aaaa", "r1"}};
  BarrierVerdict v = judge_barrier(rows, "start", self(0, 2), kT - 1);
  EXPECT_FALSE(v.done);
  EXPECT_EQ(v.conflict,
            "shard 1 (--shard 1/3, script aaaa) and shard 0 (--shard 0/2, script aaaa) of test t1 do not "
            "run the same test: every shard needs the same N and the same script");
  rows = {{1, "start", kT, 2, "bbbbbbbbbbbbbbbbbbbb", "r1"}};
  v = judge_barrier(rows, "start", self(0, 2), kT - 1);
  EXPECT_NE(v.conflict.find("shard 1 (--shard 1/2, script bbbbbbbbbbbb…) and shard 0 (--shard 0/2, script aaaa)"),
            std::string::npos)
      << v.conflict;
}

TEST(Barrier, AnEarlierRunsRowsAreRefusedAtTheStart) {
  // At this shard's index, at a later barrier, or older than a shard waits: not this run.
  for (const BarrierRow& r : {BarrierRow{0, "start", kT, 2, "aaaa", "old"}, BarrierRow{1, "end", kT, 2, "aaaa", "old"},
                              BarrierRow{1, "start", kT - 10, 2, "aaaa", "old"}}) {
    BarrierVerdict v = judge_barrier({r}, "start", self(0, 2), kT - 1);
    EXPECT_NE(v.conflict.find("test ID t1 already has barrier rows of an earlier run"), std::string::npos)
        << v.conflict;
    EXPECT_FALSE(v.done);
  }
  // A faster shard of this run may be past the start while this one still looks at it: its
  // own start row says it is this run's (seen first in a 2-shard run against influxd).
  {
    std::vector<BarrierRow> rows = {{0, "start", kT, 2, "aaaa", "me"}, {1, "start", kT, 2, "aaaa", "r1"},
                                    {1, "end", kT + 5, 2, "aaaa", "r1"}};
    BarrierVerdict v = judge_barrier(rows, "start", self(0, 2), kT - 1);
    EXPECT_EQ(v.conflict, "");
    EXPECT_TRUE(v.done);
  }
  // Later barriers meet rows of this run's past barriers: no conflict.
  std::vector<BarrierRow> rows = {{0, "start", kT, 2, "aaaa", "me"}, {1, "start", kT, 2, "aaaa", "r1"},
                                  {1, "end", kT + 5, 2, "aaaa", "r1"}};
  BarrierVerdict v = judge_barrier(rows, "end", self(0, 2), kT + 10);
  EXPECT_EQ(v.conflict, "");
  EXPECT_EQ(v.missing, "shard 0 of 2");
}

TEST(Barrier, ErrorsAndGarbageAreErrors) {
  std::vector<BarrierRow> rows;
  std::string error;
  EXPECT_FALSE(parse_barrier_rows(R"({"results":[{"statement_id":0,"error":"database not found: x"}]})",
                                  &rows, &error));
  EXPECT_EQ(error, "database not found: x");
  EXPECT_FALSE(parse_barrier_rows("<html>", &rows, &error));
  EXPECT_NE(error.find("not InfluxDB query JSON"), std::string::npos);
  ASSERT_TRUE(parse_barrier_rows(R"({"results":[{"statement_id":0}]})", &rows, &error));
  EXPECT_TRUE(rows.empty());
}

TEST(Barrier, LongListsAreCut) {
  std::vector<bool> arrived(30, false);
  arrived[0] = true;
  EXPECT_EQ(missing_shards_text(arrived),
            "shards 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 and 9 more "
            "of 30");
}

}  // namespace
}  // namespace stressql::statements
