#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>

#include "base/random.h"

namespace stressql::base {
namespace {

const std::string kFffd(kReplacementChar);

TEST(Utf8, WellFormedTextIsKeptAsItIs) {
  for (std::string s : {"", "plain ascii", "caf\xC3\xA9", "\xE2\x82\xAC 5", "\xF0\x9F\x98\x80!",
                        "\xED\x9F\xBF", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_TRUE(utf8_valid(s)) << s;
    EXPECT_EQ(utf8_sanitized(s), s);
  }
}

// A Latin-1 "é" is one stray byte: one U+FFFD, and the byte after it is kept.
TEST(Utf8, Latin1BytesBecomeOneReplacementEach) {
  EXPECT_FALSE(utf8_valid("caf\xE9"));
  EXPECT_EQ(utf8_sanitized("caf\xE9 cr\xE8me"), "caf" + kFffd + " cr" + kFffd + "me");
  EXPECT_EQ(utf8_sanitized("\xE9t\xE9"), kFffd + "t" + kFffd);
}

// Unicode's "maximal subpart" practice, examples from the Unicode Standard §3.9 (Table 3-8).
TEST(Utf8, EachMaximalSubpartBecomesOneReplacement) {
  EXPECT_EQ(utf8_sanitized("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64"),
            "a" + kFffd + kFffd + kFffd + "b" + kFffd + "c" + kFffd + kFffd + "d");
  EXPECT_EQ(utf8_sanitized("\xC0\xAF"), kFffd + kFffd);              // overlong '/'
  EXPECT_EQ(utf8_sanitized("\xE0\x80\xAF"), kFffd + kFffd + kFffd);  // overlong, 3 bytes
  EXPECT_EQ(utf8_sanitized("\xED\xA0\x80"), kFffd + kFffd + kFffd);  // a surrogate
  EXPECT_EQ(utf8_sanitized("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // > U+10FFFF
  EXPECT_EQ(utf8_sanitized("\xF5x\xFF"), kFffd + "x" + kFffd);
  EXPECT_EQ(utf8_sanitized("ab\xE2\x82"), "ab" + kFffd);             // cut off at the end
}

TEST(Utf8, SanitizeInPlaceCopiesOnlyWhatIsIllFormed) {
  std::string s = "ok \xC3\xA9";
  utf8_sanitize_in_place(&s);
  EXPECT_EQ(s, "ok \xC3\xA9");
  s = "bad \xFF";
  utf8_sanitize_in_place(&s);
  EXPECT_EQ(s, "bad " + kFffd);
}

TEST(Utf8, ACutNeverSplitsACharacter) {
  const std::string euro = "a\xE2\x82\xAC" "b";  // a € b: bytes 1..3 are one character
  EXPECT_EQ(utf8_cut(euro, 0), 0u);
  EXPECT_EQ(utf8_cut(euro, 1), 1u);
  EXPECT_EQ(utf8_cut(euro, 2), 1u);
  EXPECT_EQ(utf8_cut(euro, 3), 1u);
  EXPECT_EQ(utf8_cut(euro, 4), 4u);
  EXPECT_EQ(utf8_cut(euro, 99), 5u);
  const std::string smile = "\xF0\x9F\x98\x80";
  for (size_t max = 0; max < 4; ++max) EXPECT_EQ(utf8_cut(smile, max), 0u) << max;
  EXPECT_EQ(utf8_complete_prefix("x\xC3"), 1u);
  EXPECT_EQ(utf8_complete_prefix("x\xC3\xA9"), 3u);
  // Ill-formed bytes are not the cutter's business: kept, for the sanitizer to replace.
  EXPECT_EQ(utf8_complete_prefix("x\xE9"), 1u);  // could still be the start of U+9xxx
  EXPECT_EQ(utf8_complete_prefix("x\xFF"), 2u);
  EXPECT_EQ(utf8_complete_prefix("x\xE9t"), 3u);
}

// Whatever the bytes, a cut and a sanitize give well-formed text, and a cut of well-formed
// text is well-formed as it stands.
TEST(Utf8, AnyBytesComeOutWellFormed) {
  SplitMix64 random(2026);
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(random.next() % 12, '\0');
    for (char& c : bytes) c = static_cast<char>(0x70 + random.next() % 0x90);
    const std::string clean = utf8_sanitized(bytes);
    ASSERT_TRUE(utf8_valid(clean)) << round;
    EXPECT_EQ(utf8_valid(bytes), clean == bytes) << round;
    const size_t cut = utf8_cut(clean, random.next() % 12);
    ASSERT_TRUE(utf8_valid(std::string_view(clean).substr(0, cut))) << round;
  }
}

}  // namespace
}  // namespace stressql::base
