#include "base/line_protocol.h"

#include <gtest/gtest.h>

namespace stressql::base {
namespace {

TEST(LineProtocol, EscapesEachPlaceItsOwnWay) {
  EXPECT_EQ(lp_escaped("a b,c=d", LpPlace::kMeasurement), "a\\ b\\,c=d");
  EXPECT_EQ(lp_escaped("a b,c=d", LpPlace::kKey), "a\\ b\\,c\\=d");
  EXPECT_EQ(lp_escaped("say \"hi\" \\o/", LpPlace::kStringField), "say \\\"hi\\\" \\\\o/");
}

TEST(LineProtocol, UnescapeUndoesOnlyTheSeparators) {
  EXPECT_EQ(lp_unescape("a\\ b\\,c\\=d", LpPlace::kKey), "a b,c=d");
  EXPECT_EQ(lp_unescape("x\\y", LpPlace::kKey), "x\\y");
  EXPECT_EQ(lp_unescape("a\\ b\\,c=d", LpPlace::kMeasurement), "a b,c=d");
}

// A point is one line: a line break inside a value would end it early.
TEST(LineProtocol, LineBreaksBecomeSpaces) {
  EXPECT_EQ(lp_escaped("a\nb\rc", LpPlace::kKey), "a\\ b\\ c");
  EXPECT_EQ(lp_escaped("a\nb", LpPlace::kMeasurement), "a\\ b");
  EXPECT_EQ(lp_escaped("a\r\nb", LpPlace::kStringField), "a  b");
}

// InfluxDB keeps a backslash that escapes nothing, but pairs backslashes while scanning:
// an odd run right before an escaped separator, or at the end, would swallow the escape.
TEST(LineProtocol, OddBackslashRunsBeforeSeparatorsAndAtTheEndArePaired) {
  EXPECT_EQ(lp_escaped("a\\b", LpPlace::kKey), "a\\b");             // kept as written
  EXPECT_EQ(lp_escaped("a\\", LpPlace::kKey), "a\\\\");             // odd at the end
  EXPECT_EQ(lp_escaped("a\\\\", LpPlace::kKey), "a\\\\");           // even: as written
  EXPECT_EQ(lp_escaped("a\\,b", LpPlace::kKey), "a\\\\\\,b");       // odd before `,`
  EXPECT_EQ(lp_escaped("a\\ b", LpPlace::kMeasurement), "a\\\\\\ b");
  EXPECT_EQ(lp_escaped("a\\\\=b", LpPlace::kKey), "a\\\\\\=b");     // even before `=`
  // A piece that more of the value follows keeps its backslash as written.
  EXPECT_EQ(lp_escaped("a\\", LpPlace::kKey, /*ends_value=*/false), "a\\");
}

TEST(LineProtocol, WritesDigits) {
  char buf[24];
  EXPECT_EQ(std::string(buf, write_i64(buf, -9223372036854775807LL - 1)), "-9223372036854775808");
  EXPECT_EQ(std::string(buf, write_u64(buf, 18446744073709551615ULL)), "18446744073709551615");
}

}  // namespace
}  // namespace stressql::base
