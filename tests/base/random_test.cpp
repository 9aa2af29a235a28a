#include "base/random.h"

#include <gtest/gtest.h>

#include <set>

namespace stressql::base {
namespace {

// The published splitmix64 sequence for seed 0 (Vigna's reference implementation).
TEST(SplitMix64, MatchesTheReferenceSequence) {
  SplitMix64 r(0);
  EXPECT_EQ(r.next(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(r.next(), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(r.next(), 0x06c45d188009454fULL);
}

TEST(SplitMix64, SameSeedSameNumbers) {
  SplitMix64 a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    EXPECT_NE(x, c.next());
  }
}

TEST(SplitMix64, UniformStaysWithinTheBoundAndReachesBothEnds) {
  SplitMix64 r(7);
  std::set<int64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    int64_t v = r.uniform(4);
    ASSERT_GE(v, 0);
    ASSERT_LE(v, 4);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(r.uniform(0), 0);
  EXPECT_EQ(r.uniform(-3), 0);
}

TEST(Mix64, IsTheFinalizerOfTheGenerator) {
  SplitMix64 r(123);
  EXPECT_EQ(r.next(), mix64(123));
  EXPECT_EQ(hash2(5, 9), mix64(5 ^ mix64(9)));
}

TEST(RandomSeed, IsNeverZero) {
  for (int i = 0; i < 16; ++i) EXPECT_NE(random_seed(), 0u);
}

}  // namespace
}  // namespace stressql::base
