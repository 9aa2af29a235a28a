#include "parser/rate.h"

#include <gtest/gtest.h>

#include "parser/settings.h"

namespace stressql::parser {
namespace {

Rate ok(std::string_view text, bool writes = true) {
  Rate r;
  std::string error;
  EXPECT_TRUE(parse_rate(text, writes, &r, &error)) << text << ": " << error;
  return r;
}

std::string bad(std::string_view text, bool writes = true) {
  Rate r;
  std::string error;
  EXPECT_FALSE(parse_rate(text, writes, &r, &error)) << text;
  EXPECT_FALSE(error.empty()) << text;
  return error;
}

TEST(Rate, ZeroIsTheClosedLoop) {
  for (std::string_view z : {"0", "0.0", "0 req/s", "0 pts/s"}) EXPECT_FALSE(ok(z).open_loop()) << z;
}

TEST(Rate, ConstantRatesInEveryUnit) {
  Rate r = ok("2000 req/s");
  EXPECT_EQ(r.unit, Rate::Unit::kRequests);
  EXPECT_EQ(r.from, 2000);
  EXPECT_EQ(r.to, 2000);
  EXPECT_EQ(r.ramp_ns, 0);
  EXPECT_EQ(ok("2.5k pts/s").to, 2500);
  EXPECT_EQ(ok("2.5k pts/s").unit, Rate::Unit::kPoints);
  EXPECT_EQ(ok("1M pts/s").to, 1e6);
  EXPECT_EQ(ok("0.5 req/s").to, 0.5);
  EXPECT_EQ(ok("12 MB/s").unit, Rate::Unit::kMegabytes);
  EXPECT_EQ(ok("12 mb/s").to, 12);
  EXPECT_EQ(ok("2kreq/s").to, 2000);   // number and unit may touch
  EXPECT_EQ(ok("1MB/s").to, 1);        // 1 in MB/s, not 1M in B/s
  EXPECT_EQ(ok("1MMB/s").to, 1e6);
  EXPECT_EQ(ok("  300   REQ/S ").to, 300);
}

TEST(Rate, Ramps) {
  Rate r = ok("0 pts/s to 200k pts/s over 1m30s");
  EXPECT_EQ(r.unit, Rate::Unit::kPoints);
  EXPECT_EQ(r.from, 0);
  EXPECT_EQ(r.to, 200000);
  EXPECT_EQ(r.ramp_ns, 90'000'000'000);
  Rate down = ok("500 req/s to 100 req/s over 10s", false);
  EXPECT_EQ(down.from, 500);
  EXPECT_EQ(down.to, 100);
}

TEST(Rate, CanonicalText) {
  struct Case {
    std::string_view in, out;
  } cases[] = {{"0", "0"},
               {"2000 req/s", "2000 req/s"},
               {"2.5k pts/s", "2500 pts/s"},
               {"1.25M pts/s", "1250000 pts/s"},
               {"0.5 req/s", "0.5 req/s"},
               {"12 mb/s", "12 MB/s"},
               {"0 req/s to 2k req/s over 10s", "0 req/s to 2000 req/s over 10s"},
               {"1k pts/s to 3k pts/s over 1500ms", "1000 pts/s to 3000 pts/s over 1500ms"}};
  for (const Case& c : cases) {
    EXPECT_EQ(rate_text(ok(c.in)), c.out);
    EXPECT_EQ(rate_text(ok(rate_text(ok(c.in)))), c.out);  // the text parses back to itself
  }
}

TEST(Rate, Errors) {
  EXPECT_NE(bad("fast").find("expected 0 (no rate)"), std::string::npos);
  bad("");
  bad("2000");           // no unit
  bad("2000 req");       // not a unit
  bad("-5 req/s");       // negative
  bad("1.2.3 req/s");
  bad(".5 req/s");
  bad("5k5 req/s");
  bad("2000 req/s 3");   // leftover
  bad("1 req/s to 2 req/s");          // no duration
  bad("1 req/s to 2 req/s over");     // no duration
  bad("1 req/s to 2 req/s over 0s");  // zero ramp
  bad("1 req/s to 2 req/s over 10");  // not a duration
  bad("1 req/s to 2 req/s during 10s");
  EXPECT_NE(bad("1 req/s to 2 pts/s over 10s").find("keeps one unit"), std::string::npos);
  EXPECT_NE(bad("10 req/s to 0 req/s over 10s").find("end above 0"), std::string::npos);
  EXPECT_NE(bad("100 pts/s", false).find("WriteRate"), std::string::npos);
  bad("1 MB/s", false);
}

TEST(Rate, IsASetting) {
  Settings s;
  std::string error;
  ASSERT_EQ(find_setting("writerate"), SetName::kWriteRate);
  ASSERT_EQ(find_setting("QueryRate"), SetName::kQueryRate);
  EXPECT_EQ(setting_info(SetName::kWriteRate).flag, "write-rate");
  ASSERT_TRUE(apply_setting(SetName::kWriteRate, "2k pts/s", &s, &error)) << error;
  EXPECT_EQ(s.write_rate.to, 2000);
  EXPECT_FALSE(apply_setting(SetName::kQueryRate, "2k pts/s", &s, &error));
  EXPECT_FALSE(s.query_rate.open_loop());  // unchanged on error
  ASSERT_TRUE(apply_setting(SetName::kWriteRate, "0", &s, &error)) << error;
  EXPECT_FALSE(s.write_rate.open_loop());
}

}  // namespace
}  // namespace stressql::parser
