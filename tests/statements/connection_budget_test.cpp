// How many connections a script holds at once (statements/connection_budget.h): pure logic
// over a parsed script, no server.
#include <gtest/gtest.h>

#include <string>

#include "parser/parser.h"
#include "statements/connection_budget.h"

namespace stressql::statements {
namespace {

uint64_t peak(const std::string& source, generator::Shard shard = {}) {
  parser::ParseResult r = parser::parse_script("t.iql", source);
  EXPECT_TRUE(r.ok()) << source;
  return peak_connections(r.script, parser::Settings{}, shard);
}

constexpr const char* kInsert = "INSERT a\nm,h=[int inc(0) 10]\nv=1i\n100 1s\n";
constexpr const char* kQuery = "QUERY q\nSELECT count(v) FROM m\nDO 10\n";

TEST(ConnectionBudget, GoStatementsAddUpUntilWait) {
  const std::string w = "SET WriteConcurrency [30]\n\n";
  const std::string q = "SET QueryConcurrency [7]\n\n";
  // Two GO INSERTs and a GO QUERY run together: 30 + 30 + 7.
  EXPECT_EQ(peak(w + q + "GO " + kInsert + "\nGO " + kInsert + "\nGO " + kQuery), 67u);
  // A WAIT ends them: the INSERT after it holds its own 30 alone.
  EXPECT_EQ(peak(w + "GO " + kInsert + "\nWAIT\n\n" + kInsert), 30u);
  // A statement without GO runs beside the GO ones before it: 30 + 30.
  EXPECT_EQ(peak(w + "GO " + kInsert + "\n" + kInsert + "\n" + kInsert), 60u);
  // In turn, the largest alone; a SET in between changes the next statement's share.
  EXPECT_EQ(peak(w + kInsert + "\nSET WriteConcurrency [45]\n\n" + kInsert), 45u);
  // An InfluxQL statement holds one.
  EXPECT_EQ(peak(w + "GO " + kInsert + "\nCREATE DATABASE x\n"), 31u);
}

TEST(ConnectionBudget, AShardCountsItsShare) {
  generator::Shard shard;
  shard.count = 4;
  EXPECT_EQ(peak(std::string("SET WriteConcurrency [10]\n\n") + kInsert, shard), 3u);  // ⌈10/4⌉ on shard 0
}

}  // namespace
}  // namespace stressql::statements
