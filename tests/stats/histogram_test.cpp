#include "stats/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace stressql::stats {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kS = 1'000'000'000;

// Percentiles to check, in tenths of a percent so the reference rank is pure integer math.
constexpr int kTenths[] = {0, 1, 10, 250, 500, 750, 900, 950, 990, 999, 1000};

// Nearest rank from a sorted vector: the ceil(p/100 * n)-th smallest value (at least the 1st).
int64_t exact_percentile(const std::vector<int64_t>& sorted, int tenths) {
  const uint64_t n = sorted.size();
  uint64_t rank = (static_cast<uint64_t>(tenths) * n + 999) / 1000;
  rank = std::max<uint64_t>(rank, 1);
  return sorted[rank - 1];
}

// Every percentile within 1/2048 of the exact nearest-rank value (exact below 2048 ns), and
// count/min/max/mean/stddev against a long-double two-pass computation.
void expect_matches(std::vector<int64_t> values, const Histogram& h) {
  ASSERT_FALSE(values.empty());
  std::sort(values.begin(), values.end());
  ASSERT_EQ(h.count(), values.size());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
  for (int tenths : kTenths) {
    const int64_t exact = exact_percentile(values, tenths);
    const int64_t got = h.value_at_percentile(tenths / 10.0);
    const int64_t error = got > exact ? got - exact : exact - got;
    if (exact < 2048) {
      EXPECT_EQ(got, exact) << "p" << tenths / 10.0;
    } else {
      EXPECT_LE(static_cast<long double>(error) * 2048, static_cast<long double>(exact))
          << "p" << tenths / 10.0 << " exact=" << exact << " got=" << got;
    }
    EXPECT_LE(static_cast<long double>(error), 0.001L * exact) << "p" << tenths / 10.0;
  }
  long double sum = 0;
  for (int64_t v : values) sum += v;
  const long double mean = sum / values.size();
  long double squares = 0;
  for (int64_t v : values) squares += (v - mean) * (v - mean);
  const long double stddev = std::sqrt(squares / values.size());
  EXPECT_NEAR(h.mean(), static_cast<double>(mean), 1e-12 * std::fabs(static_cast<double>(mean)));
  EXPECT_NEAR(h.stddev(), static_cast<double>(stddev), 1e-9 + 1e-12 * static_cast<double>(stddev));
}

Histogram record_all(const std::vector<int64_t>& values) {
  Histogram h;
  for (int64_t v : values) h.record(v);
  return h;
}

void check(const std::vector<int64_t>& values) {
  Histogram h = record_all(values);
  expect_matches(values, h);
}

std::vector<int64_t> uniform(uint64_t seed, size_t n, int64_t lo, int64_t hi) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  std::vector<int64_t> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

std::vector<int64_t> lognormal(uint64_t seed, size_t n) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(std::log(1e6), 1.5);  // median 1 ms, long tail
  std::vector<int64_t> v(n);
  for (auto& x : v) x = std::min<int64_t>(std::llround(dist(rng)), Histogram::kOneHourNs);
  return v;
}

std::vector<int64_t> bimodal(uint64_t seed, size_t n) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> fast(200e3, 20e3);  // 200 µs
  std::normal_distribution<double> slow(50e6, 5e6);    // 50 ms
  std::bernoulli_distribution is_slow(0.2);
  std::vector<int64_t> v(n);
  for (auto& x : v) x = std::max<int64_t>(0, std::llround(is_slow(rng) ? slow(rng) : fast(rng)));
  return v;
}

TEST(Histogram, Empty) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0);
  EXPECT_EQ(h.stddev(), 0);
  EXPECT_EQ(h.value_at_percentile(50), 0);
}

TEST(Histogram, BucketsTileTheRangeAndAreNarrow) {
  Histogram h;
  for (size_t i = 0; i + 1 < h.bucket_count(); ++i) {
    const uint64_t lo = Histogram::bucket_lowest(i);
    const uint64_t width = Histogram::bucket_width(i);
    ASSERT_EQ(Histogram::bucket_lowest(i + 1), lo + width) << i;
    ASSERT_EQ(Histogram::bucket_index(lo), i);
    ASSERT_EQ(Histogram::bucket_index(lo + width - 1), i);
    if (width > 1) {
      ASSERT_GE(lo, 1024 * width) << i;  // 3 significant digits
    }
  }
  EXPECT_EQ(Histogram::bucket_index(Histogram::kOneHourNs), h.bucket_count() - 1);
  EXPECT_LE(h.bucket_count() * sizeof(uint64_t), 300u * 1024);
  // The largest int64 still has a bucket (for custom ranges).
  const uint64_t top = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(Histogram::bucket_lowest(Histogram::bucket_index(top)) +
                Histogram::bucket_width(Histogram::bucket_index(top)) - 1,
            top);
}

TEST(Histogram, Uniform) { check(uniform(1, 100'000, 1, 1'000'000'000)); }
TEST(Histogram, UniformSmall) { check(uniform(2, 50'000, 0, 5'000)); }
TEST(Histogram, Lognormal) { check(lognormal(3, 200'000)); }
TEST(Histogram, Bimodal) { check(bimodal(4, 100'000)); }
TEST(Histogram, Constant) {
  check(std::vector<int64_t>(1000, 12'345'678));
  Histogram h = record_all(std::vector<int64_t>(1000, 12'345'678));
  for (int tenths : kTenths) EXPECT_EQ(h.value_at_percentile(tenths / 10.0), 12'345'678);
  EXPECT_EQ(h.stddev(), 0);
}
TEST(Histogram, Zeros) { check(std::vector<int64_t>(100, 0)); }
TEST(Histogram, SingleSampleIsExactEverywhere) {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{2047}, int64_t{2049}, 123'456'789 * int64_t{7},
                    Histogram::kOneHourNs}) {
    Histogram h;
    h.record(v);
    for (int tenths : kTenths) EXPECT_EQ(h.value_at_percentile(tenths / 10.0), v);
    EXPECT_EQ(h.mean(), static_cast<double>(v));
    EXPECT_EQ(h.stddev(), 0);
  }
}
TEST(Histogram, TwoSamples) {
  Histogram h;
  h.record(3 * kMs);
  h.record(100);
  EXPECT_EQ(h.value_at_percentile(50), 100);  // rank ceil(1.0) = 1
  EXPECT_EQ(h.value_at_percentile(50.1), 3 * kMs);
  EXPECT_EQ(h.value_at_percentile(95), 3 * kMs);
  check({3 * kMs, 100});
}

TEST(Histogram, TinyRunsFollowNearestRankExactly) {
  // Values 10, 20, ..., 10n: all below 2048, so answers are exact and show the rank rule alone.
  for (int n = 1; n <= 10; ++n) {
    Histogram h;
    std::vector<int64_t> values;
    for (int i = 1; i <= n; ++i) values.push_back(10 * i);
    for (int64_t v : values) h.record(v);
    for (int tenths : kTenths) {
      EXPECT_EQ(h.value_at_percentile(tenths / 10.0), exact_percentile(values, tenths))
          << "n=" << n << " p" << tenths / 10.0;
    }
    EXPECT_EQ(h.value_at_percentile(50), 10 * ((n + 1) / 2)) << n;  // ceil(n/2)-th
  }
}

TEST(Histogram, P95IsNotMaxJustBecauseTheRunIsSmall) {
  Histogram h;
  for (int i = 1; i <= 20; ++i) h.record(i * kMs);
  // Nearest rank ceil(0.95 * 20) = 19: the 19th value. (The original tool took index n*19/20,
  // the 21st of 20 clamped to the max.)
  EXPECT_NEAR(h.value_at_percentile(95), 19 * kMs, 19 * kMs / 2048);
  EXPECT_NE(h.value_at_percentile(95), h.max());
  Histogram ten;
  for (int i = 1; i <= 10; ++i) ten.record(i * kMs);
  EXPECT_EQ(ten.value_at_percentile(95), 10 * kMs);  // ceil(9.5) = 10: nearest rank says max
  Histogram thousand;
  for (int i = 1; i <= 1000; ++i) thousand.record(i);
  EXPECT_EQ(thousand.value_at_percentile(99.9), 999);  // not 1000 from 999.0000000001
  EXPECT_EQ(thousand.value_at_percentile(99), 990);
}

TEST(Histogram, PercentArgumentIsClamped) {
  Histogram h;
  for (int i = 1; i <= 100; ++i) h.record(i);
  EXPECT_EQ(h.value_at_percentile(-5), 1);
  EXPECT_EQ(h.value_at_percentile(0), 1);
  EXPECT_EQ(h.value_at_percentile(100), 100);
  EXPECT_EQ(h.value_at_percentile(250), 100);
  EXPECT_EQ(h.value_at_percentile(std::nan("")), 1);
}

TEST(Histogram, NegativeCountsAsZero) {
  Histogram h;
  h.record(-5);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.value_at_percentile(50), 0);
}

TEST(Histogram, HugeValuesNearTheTopOfTheRange) {
  check(uniform(5, 10'000, Histogram::kOneHourNs - 60 * kS, Histogram::kOneHourNs));
}

TEST(Histogram, ValuesAboveTheRangeAreClampedButMaxIsExact) {
  Histogram h(10 * kS);
  h.record(kMs);
  h.record(20 * kS);
  h.record(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.clamped_count(), 2u);
  EXPECT_EQ(h.max(), std::numeric_limits<int64_t>::max());
  EXPECT_NEAR(h.value_at_percentile(50), 10 * kS, 10 * kS / 1000);
  EXPECT_EQ(h.value_at_percentile(100), h.max());  // the last rank is known exactly
  const long double mean = (1e6L + 2e10L + 9223372036854775807.0L) / 3;
  EXPECT_NEAR(h.mean(), static_cast<double>(mean), 1e-12 * static_cast<double>(mean));
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  const std::vector<int64_t> values = lognormal(6, 50'000);
  Histogram all = record_all(values);
  std::vector<Histogram> parts;
  for (int i = 0; i < 4; ++i) parts.emplace_back();
  for (size_t i = 0; i < values.size(); ++i) parts[i % 4].record(values[i]);
  Histogram merged;
  merged.merge(Histogram());  // merging an empty one changes nothing
  for (const Histogram& p : parts) merged.merge(p);
  EXPECT_EQ(merged.encode(), all.encode());  // identical buckets and sums
  expect_matches(values, merged);
}

TEST(Histogram, MergeFromWiderRangeClampsIntoTopBucket) {
  Histogram wide(100 * kS);
  wide.record(kMs);
  wide.record(50 * kS);
  wide.record(60 * kS);
  Histogram narrow(10 * kS);
  narrow.merge(wide);
  EXPECT_EQ(narrow.count(), 3u);
  EXPECT_EQ(narrow.clamped_count(), 2u);
  EXPECT_EQ(narrow.max(), 60 * kS);
  EXPECT_NEAR(narrow.value_at_percentile(50), 10 * kS, 10 * kS / 1000);  // 50 s, clamped
  EXPECT_EQ(narrow.value_at_percentile(100), 60 * kS);                   // last rank: exact
}

TEST(Histogram, RecordNEqualsRepeatedRecord) {
  Histogram a;
  Histogram b;
  for (int i = 0; i < 1000; ++i) a.record(7 * kMs);
  a.record(std::numeric_limits<int64_t>::max());
  b.record_n(7 * kMs, 1000);
  b.record_n(std::numeric_limits<int64_t>::max(), 1);
  b.record_n(5, 0);
  EXPECT_EQ(a.encode(), b.encode());
}

TEST(Histogram, SumsDoNotOverflow) {
  // 10^9 requests of 60 s: the sum of squares is 3.6e30, far past int64 and double's exact range.
  Histogram h;
  h.record_n(60 * kS, 1'000'000'000);
  EXPECT_EQ(h.mean(), 60.0 * kS);
  EXPECT_EQ(h.stddev(), 0);
  h.record_n(1 * kS, 1'000'000'000);
  EXPECT_EQ(h.mean(), 30.5 * kS);
  EXPECT_EQ(h.stddev(), 29.5 * kS);  // two equal halves: (a - b) / 2, exactly
  // Squares of int64 max through record() itself, overflowing the low 128 bits many times.
  Histogram top;
  for (int i = 0; i < 1000; ++i) top.record(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(top.mean(), 9223372036854775807.0);
  EXPECT_EQ(top.stddev(), 0);
  for (int i = 0; i < 1000; ++i) top.record(0);
  EXPECT_DOUBLE_EQ(top.stddev(), 9223372036854775807.0 / 2);
}

TEST(Histogram, TinySpreadOnALargeMeanIsExact) {
  // 60 s +- a few ns: sum(x^2)/n - mean^2 in floating point would cancel to noise.
  Histogram h;
  for (int i = 0; i < 300'000; ++i) h.record(60 * kS + i % 3);
  EXPECT_DOUBLE_EQ(h.mean(), 60.0 * kS + 1);
  EXPECT_DOUBLE_EQ(h.stddev(), std::sqrt(2.0 / 3.0));
}

TEST(Histogram, ResetForgetsEverything) {
  Histogram h = record_all(bimodal(7, 1000));
  h.reset();
  EXPECT_EQ(h.encode(), Histogram().encode());
  h.record(42);
  EXPECT_EQ(h.value_at_percentile(50), 42);
}

TEST(Histogram, EncodeDecodeRoundTrip) {
  const std::vector<int64_t> values = bimodal(8, 20'000);
  Histogram h(2 * Histogram::kOneHourNs);
  for (int64_t v : values) h.record(v);
  const std::string bytes = h.encode();
  EXPECT_LT(bytes.size(), 20'000u);
  Histogram back;
  ASSERT_TRUE(Histogram::decode(bytes, &back));
  EXPECT_EQ(back.highest_trackable(), 2 * Histogram::kOneHourNs);
  EXPECT_EQ(back.encode(), bytes);
  expect_matches(values, back);

  Histogram empty_back;
  ASSERT_TRUE(Histogram::decode(Histogram().encode(), &empty_back));
  EXPECT_EQ(empty_back.count(), 0u);
}

TEST(Histogram, DecodeRejectsDamage) {
  Histogram h = record_all(lognormal(9, 1000));
  const std::string bytes = h.encode();
  Histogram out;
  EXPECT_FALSE(Histogram::decode("", &out));
  EXPECT_FALSE(Histogram::decode(bytes.substr(0, bytes.size() - 1), &out));
  std::string wrong_version = bytes;
  wrong_version[0] = 9;
  EXPECT_FALSE(Histogram::decode(wrong_version, &out));
  EXPECT_FALSE(Histogram::decode(bytes + std::string("\x7f\x01", 2), &out));  // bucket past end
  // Every truncation is rejected, none crashes.
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(Histogram::decode(bytes.substr(0, n), &out));
}

TEST(Histogram, TextRoundTripMergesExactly) {
  const std::vector<int64_t> values = bimodal(10, 20'000);
  Histogram h = record_all(values);
  const std::string text = h.encode_text();
  EXPECT_EQ(text.rfind("h1;", 0), 0u) << text.substr(0, 40);
  EXPECT_EQ(text.find_first_not_of("h0123456789;:,"), std::string::npos);
  Histogram back;
  std::string why;
  ASSERT_TRUE(back.merge_text(text, &why)) << why;
  EXPECT_EQ(back.encode(), h.encode());  // identical buckets, sums, min, max
  expect_matches(values, back);
  // Into a histogram that already holds values: the same as merge().
  Histogram a = record_all(lognormal(11, 5'000));
  Histogram b = record_all(lognormal(11, 5'000));
  a.merge(h);
  ASSERT_TRUE(b.merge_text(text, &why)) << why;
  EXPECT_EQ(a.encode(), b.encode());
  // The empty histogram, and one over a narrower range merged into the default one.
  Histogram empty;
  ASSERT_TRUE(empty.merge_text(Histogram().encode_text(), &why)) << why;
  EXPECT_EQ(empty.encode(), Histogram().encode());
  Histogram narrow(kS);
  narrow.record(3 * kMs);
  narrow.record(2 * kS);  // clamped
  Histogram wide;
  ASSERT_TRUE(wide.merge_text(narrow.encode_text(), &why)) << why;
  EXPECT_EQ(wide.count(), 2u);
  EXPECT_EQ(wide.max(), 2 * kS);
  EXPECT_EQ(wide.clamped_count(), 1u);
}

TEST(Histogram, BadTextIsAnErrorAndChangesNothing) {
  const Histogram h = record_all(lognormal(12, 1000));
  const std::string text = h.encode_text();
  Histogram target = record_all(uniform(13, 100, 0, kS));
  const std::string before = target.encode();
  std::string why;
  for (const std::string& bad : {std::string(), std::string("h2;") + text.substr(3), std::string("garbage"),
                                text + ",", text + ",1", text + ",0:1", text + ",99999999:1", text + ";",
                                std::string("h1;") + std::string(200, '9')}) {
    why.clear();
    EXPECT_FALSE(target.merge_text(bad, &why)) << bad.substr(0, 60);
    EXPECT_FALSE(why.empty());
  }
  // Every truncation is rejected (the buckets would not add up to the count).
  for (size_t n = 0; n < text.size(); ++n) EXPECT_FALSE(target.merge_text(text.substr(0, n), &why)) << n;
  // Random damage: rejected or taken, never a crash, and a rejected text adds nothing.
  std::mt19937_64 rng(14);
  const std::string alphabet = "0123456789;:,h-x \"\\";
  for (int round = 0; round < 3000; ++round) {
    std::string damaged = text;
    for (int k = 0; k < 1 + round % 3; ++k) {
      const size_t at = rng() % damaged.size();
      switch (rng() % 3) {
        case 0: damaged[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: damaged.erase(at, 1); break;
        default: damaged.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      }
    }
    Histogram probe = record_all(uniform(13, 100, 0, kS));
    if (!probe.merge_text(damaged, &why)) {
      EXPECT_EQ(probe.encode(), before) << damaged.substr(0, 80);
    }
  }
  EXPECT_EQ(target.encode(), before);
}

}  // namespace
}  // namespace stressql::stats
