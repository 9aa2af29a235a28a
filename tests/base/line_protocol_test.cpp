#include "base/line_protocol.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

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
  // Every digit count, at and around its bounds, and random values: as printf writes them.
  auto expect_digits = [](uint64_t v) {
    char want[32], got[32] = {};
    std::snprintf(want, sizeof want, "%llu", static_cast<unsigned long long>(v));
    ASSERT_EQ(std::string(got, write_u64(got, v)), want);
    std::snprintf(want, sizeof want, "%lld", static_cast<long long>(v));
    ASSERT_EQ(std::string(got, write_i64(got, static_cast<int64_t>(v))), want);
  };
  uint64_t p10 = 1;
  for (int d = 0; d < 20; ++d, p10 *= 10) {
    for (uint64_t v : {p10 - 1, p10, p10 + 1, 2 * p10 - 1, 9 * p10 + 7}) expect_digits(v);
  }
  std::mt19937_64 rng(11);
  for (int i = 0; i < 100000; ++i) expect_digits(rng() >> (rng() % 64));
}

// write_fixed_width splits eight digits into two lanes of four, each into two of two, each
// into two digits, with multiply-shifts for the divisions. The lanes are independent, so
// every value of each lane (0-9999) covers the arithmetic; each width and random values on top.
TEST(LineProtocol, FixedWidthDigitsKeepLeadingZeros) {
  auto expect_width = [](uint64_t v, int width) {
    char want[32], got[32];
    std::snprintf(want, sizeof want, "%0*llu", width, static_cast<unsigned long long>(v));
    ASSERT_EQ(std::string(got, write_fixed_width(got, v, width)), want) << v << " width " << width;
  };
  for (uint64_t i = 0; i < 10000; ++i) {
    expect_width(i, 8);                           // the low lane, high lane 0
    expect_width(i * 10000, 8);                   // the high lane
    expect_width(i * 10000 + (9999 - i), 8);      // both
    expect_width(i * 100000 + 9 - i % 10, 9);     // a ninth digit in front
  }
  std::mt19937_64 rng(7);
  uint64_t p10 = 1;
  for (int width = 1; width <= 9; ++width) {
    p10 *= 10;
    expect_width(0, width);
    expect_width(p10 - 1, width);
    for (int i = 0; i < 20000; ++i) expect_width(rng() % p10, width);
  }
}

}  // namespace
}  // namespace stressql::base
