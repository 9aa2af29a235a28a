// INSERT <name> FROM '<path>' and the replay settings (SPEC §7.3): syntax only; that the
// file can be read is checked in tests/cli/replay_test.cpp.
#include <gtest/gtest.h>

#include "tests/parser/parse_helpers.h"

namespace stressql::parser {
namespace {

using testing::only;
using testing::only_error;
using testing::parse;

TEST(ReplayParser, FromTakesAQuotedPathAnywhereInTheLayout) {
  InsertStmt a = only<InsertStmt>("INSERT tsbs FROM 'data/devops.lp.gz'");
  EXPECT_TRUE(a.replay());
  EXPECT_EQ(a.name, "tsbs");
  EXPECT_EQ(a.from_path, "data/devops.lp.gz");
  EXPECT_EQ(a.from_pos.line, 1);
  EXPECT_EQ(a.from_pos.column, 18);
  InsertStmt b = only<InsertStmt>("insert x\n  from\n   '/abs path/with spaces.lp'  \n");
  EXPECT_EQ(b.from_path, "/abs path/with spaces.lp");
  EXPECT_EQ(b.from_pos.line, 3);
  EXPECT_EQ(b.from_pos.column, 4);
  EXPECT_TRUE(b.measurement.empty());
  EXPECT_TRUE(b.fields.empty());
}

TEST(ReplayParser, AMeasurementNamedFromIsStillATemplate) {
  InsertStmt t = only<InsertStmt>("INSERT x FROM v=1 10 1s");
  EXPECT_FALSE(t.replay());
  EXPECT_EQ(t.measurement, "FROM");
  EXPECT_EQ(t.count, 10);
}

TEST(ReplayParser, ErrorsNameThePlaceAndWhatWasExpected) {
  Diagnostic unquoted = only_error("INSERT x FROM data.lp");
  EXPECT_EQ(unquoted.pos.column, 15);
  EXPECT_NE(unquoted.message.find("expected a file path in single quotes"), std::string::npos)
      << unquoted.message;
  Diagnostic open = only_error("INSERT x FROM 'data.lp\n");
  EXPECT_EQ(open.pos.column, 15);
  EXPECT_NE(open.message.find("unterminated file path"), std::string::npos) << open.message;
  Diagnostic empty = only_error("INSERT x FROM '  '");
  EXPECT_NE(empty.message.find("expected a file path between the quotes"), std::string::npos);
  Diagnostic after = only_error("INSERT x FROM 'a.lp' 10 1s");
  EXPECT_EQ(after.pos.column, 22);
  EXPECT_NE(after.message.find("unexpected '10' after the file path"), std::string::npos)
      << after.message;
  Diagnostic nothing = only_error("INSERT x FROM\n");
  EXPECT_NE(nothing.message.find("found the end of the statement"), std::string::npos)
      << nothing.message;
}

TEST(ReplayParser, GoAndQueriesByNameWork) {
  ParseResult r = parse("GO INSERT x FROM 'a.lp'\n\nQUERY q SELECT count(*) FROM cpu DO 2\n\nWAIT\n");
  ASSERT_TRUE(r.ok()) << testing::error_list(r);
  EXPECT_TRUE(r.script.statements[0].go);
  EXPECT_TRUE(std::get<InsertStmt>(r.script.statements[0].body).replay());
}

TEST(ReplaySettings, ValuesAndDefaults) {
  Settings s;
  EXPECT_EQ(s.replay.time, ReplayTime::kKeep);
  EXPECT_EQ(s.replay.loops, 1);
  EXPECT_EQ(s.replay.speed, 0);
  std::string error;
  ASSERT_TRUE(apply_setting(*find_setting("replaytime"), "SHIFT", &s, &error)) << error;
  EXPECT_EQ(s.replay.time, ReplayTime::kShift);
  ASSERT_TRUE(apply_setting(SetName::kReplayTime, "keep", &s, &error)) << error;
  EXPECT_EQ(s.replay.time, ReplayTime::kKeep);
  ASSERT_TRUE(apply_setting(*find_setting("ReplayLoops"), "24", &s, &error)) << error;
  EXPECT_EQ(s.replay.loops, 24);
  ASSERT_TRUE(apply_setting(*find_setting("ReplaySpeed"), "10x", &s, &error)) << error;
  EXPECT_EQ(s.replay.speed, 10);
  ASSERT_TRUE(apply_setting(SetName::kReplaySpeed, "0.5X", &s, &error)) << error;
  EXPECT_EQ(s.replay.speed, 0.5);
  ASSERT_TRUE(apply_setting(SetName::kReplaySpeed, "0", &s, &error)) << error;
  EXPECT_EQ(s.replay.speed, 0);
}

TEST(ReplaySettings, MalformedValuesAreErrorsAtTheValue) {
  for (const char* text : {"SET ReplayTime [now]", "SET ReplayLoops [0]", "SET ReplayLoops [-1]",
                           "SET ReplayLoops [1000001]", "SET ReplaySpeed [10]",
                           "SET ReplaySpeed [-2x]", "SET ReplaySpeed [x]", "SET ReplaySpeed [infx]",
                           "SET ReplaySpeed [.5x]", "SET ReplaySpeed [2 x]"}) {
    Diagnostic d = only_error(text);
    EXPECT_EQ(d.pos.column, static_cast<int>(std::string_view(text).find('[')) + 2) << text;
    EXPECT_NE(d.message.find("expected"), std::string::npos) << text << ": " << d.message;
  }
}

}  // namespace
}  // namespace stressql::parser
