// The pure part of shard barriers: reading who arrived from InfluxDB's answer.
#include "statements/barrier.h"

#include <gtest/gtest.h>

namespace stressql::statements {
namespace {

TEST(Barrier, ReadsArrivedShardsAndTheLatestArrival) {
  const std::string json = R"({"results":[{"statement_id":0,"series":[
    {"name":"barrier","tags":{"shard":"0"},"columns":["time","last"],"values":[[1700000000000000100,3]]},
    {"name":"barrier","tags":{"shard":"2"},"columns":["time","last"],"values":[[1700000000000000900,3]]},
    {"name":"barrier","tags":{"shard":"7"},"columns":["time","last"],"values":[[1800000000000000000,3]]},
    {"name":"barrier","tags":{"shard":"x"},"columns":["time","last"],"values":[[1800000000000000000,3]]}]}]})";
  std::vector<bool> arrived;
  int64_t latest = 0;
  std::string error;
  ASSERT_TRUE(parse_arrivals(json, 3, &arrived, &latest, &error)) << error;
  EXPECT_EQ(arrived, (std::vector<bool>{true, false, true}));
  EXPECT_EQ(latest, 1700000000000000900);  // shards beyond N and odd tags are ignored
  EXPECT_EQ(missing_shards_text(arrived), "shard 1 of 3");
}

TEST(Barrier, NoRowsYetMeansNobodyArrived) {
  std::vector<bool> arrived;
  int64_t latest = 5;
  std::string error;
  ASSERT_TRUE(parse_arrivals(R"({"results":[{"statement_id":0}]})", 4, &arrived, &latest, &error));
  EXPECT_EQ(arrived, std::vector<bool>(4, false));
  EXPECT_EQ(latest, 0);
  EXPECT_EQ(missing_shards_text(arrived), "shards 0, 1, 2, 3 of 4");
}

TEST(Barrier, ErrorsAndGarbageAreErrors) {
  std::vector<bool> arrived;
  int64_t latest = 0;
  std::string error;
  EXPECT_FALSE(parse_arrivals(R"({"results":[{"statement_id":0,"error":"database not found: x"}]})",
                              2, &arrived, &latest, &error));
  EXPECT_EQ(error, "database not found: x");
  EXPECT_FALSE(parse_arrivals("<html>", 2, &arrived, &latest, &error));
  EXPECT_NE(error.find("not InfluxDB query JSON"), std::string::npos);
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
