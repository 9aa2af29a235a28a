// compare's statistics on data with a known answer: the Mann–Whitney distribution against
// hand-counted and tabled values, the pairwise-difference selection against brute force,
// and, seeded, how often the verdicts are wrong: with no true difference the interval
// excludes 0 about 5 % of the time (a false regression, one direction, about half of that),
// and a true 20 % shift is found in at least 95 % of the comparisons.
#include "stats/compare_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "base/random.h"

using namespace stressql::base;
namespace stressql::stats {
namespace {

TEST(CompareStats, Median) {
  EXPECT_EQ(median({}), 0);
  EXPECT_EQ(median({3}), 3);
  EXPECT_EQ(median({5, 1, 3}), 3);
  EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
}

TEST(CompareStats, MannWhitneyExactDistribution) {
  // n = m = 2: the 6 arrangements give U = 0, 1, 2, 2, 3, 4.
  EXPECT_DOUBLE_EQ(mann_whitney_cdf(2, 2, 0), 1.0 / 6);
  EXPECT_DOUBLE_EQ(mann_whitney_cdf(2, 2, 2), 4.0 / 6);
  EXPECT_DOUBLE_EQ(mann_whitney_cdf(2, 2, 4), 1.0);
  // n = m = 5 (252 arrangements): P(U <= 2) = 4/252, P(U <= 3) = 7/252 (tables).
  EXPECT_NEAR(mann_whitney_cdf(5, 5, 2), 4.0 / 252, 1e-12);
  EXPECT_NEAR(mann_whitney_cdf(5, 5, 3), 7.0 / 252, 1e-12);
  // Symmetric: P(U <= u) = 1 − P(U <= nm − u − 1).
  EXPECT_NEAR(mann_whitney_cdf(7, 4, 9), 1 - mann_whitney_cdf(7, 4, 28 - 9 - 1), 1e-12);
}

TEST(CompareStats, MosesRankAsRsQwilcox) {
  EXPECT_EQ(moses_rank(5, 5, 0.95), 3u);    // qwilcox(0.025, 5, 5)
  EXPECT_EQ(moses_rank(10, 10, 0.95), 24u);  // qwilcox(0.025, 10, 10)
  EXPECT_EQ(moses_rank(3, 3, 0.95), 0u);    // 1/20 > 2.5 %: no 95 % interval from 3 and 3
  EXPECT_EQ(moses_rank(0, 5, 0.95), 0u);
  // The normal approximation past kExactMax lands next to the exact value at the border.
  const double exact = double(moses_rank(50, 50, 0.95));
  const double approx_51 = double(moses_rank(51, 51, 0.95));
  EXPECT_NEAR(approx_51, exact * (51.0 * 51) / (50.0 * 50), 0.02 * exact);
}

TEST(CompareStats, KthDifferenceMatchesBruteForce) {
  base::SplitMix64 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<double> a, b;
    for (int i = 0; i < 3 + round; ++i) a.push_back(double(rng.uniform(20)));  // ties on purpose
    for (int i = 0; i < 5 + round / 2; ++i) b.push_back(double(rng.uniform(20)) + 0.5 * double(round % 3));
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    std::vector<double> all;
    for (double x : a) {
      for (double y : b) all.push_back(y - x);
    }
    std::sort(all.begin(), all.end());
    for (size_t k = 1; k <= all.size(); ++k) {
      ASSERT_EQ(kth_difference(a, b, k), all[k - 1]) << "round " << round << " k " << k;
    }
  }
}

TEST(CompareStats, HodgesLehmannOfAPureShift) {
  const std::vector<double> base = {10, 12, 11, 15, 13, 14, 9, 30};  // one outlier
  std::vector<double> next;
  for (double v : base) next.push_back(v + 5);
  const Shift s = hodges_lehmann(base, next);
  EXPECT_EQ(s.estimate, 5);
  ASSERT_TRUE(s.bounded);
  EXPECT_LE(s.low, 5);
  EXPECT_GE(s.high, 5);
  EXPECT_TRUE(s.significant());
  // The same data against itself: no change, the interval holds 0.
  const Shift same = hodges_lehmann(base, base);
  EXPECT_EQ(same.estimate, 0);
  EXPECT_FALSE(same.significant());
  // Identical constant seconds (a rate that was kept): a zero-width interval at 0.
  const Shift flat = hodges_lehmann({2000, 2000, 2000, 2000, 2000}, {2000, 2000, 2000, 2000, 2000});
  EXPECT_TRUE(flat.bounded);
  EXPECT_EQ(flat.low, 0);
  EXPECT_EQ(flat.high, 0);
  EXPECT_FALSE(flat.significant());
  // Too few samples for a 95 % interval: no verdict, whatever the values.
  EXPECT_FALSE(hodges_lehmann({1, 2, 3}, {10, 11, 12}).bounded);
  EXPECT_FALSE(hodges_lehmann({}, {1}).bounded);
}

// A standard normal draw (Box–Muller over splitmix64): the same numbers on any machine.
double normal(base::SplitMix64& rng) {
  const double u1 = (double(rng.next() >> 11) + 1.0) / 9007199254740993.0;
  const double u2 = double(rng.next() >> 11) / 9007199254740992.0;
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
}

struct Rates {
  double changed = 0;    // the interval excluded 0, either way
  double regressed = 0;  // significantly worse and beyond the 5 % limit
};

// 1000 comparisons of n against m draws of `draw`, the new run scaled by `factor`; "worse"
// is higher (latency) when higher_is_worse, else lower (throughput).
template <typename Draw>
Rates simulate(uint64_t seed, size_t n, size_t m, double factor, bool higher_is_worse, Draw draw) {
  base::SplitMix64 rng(seed);
  const int kComparisons = 1000;
  int changed = 0, regressed = 0;
  for (int c = 0; c < kComparisons; ++c) {
    std::vector<double> base, next;
    for (size_t i = 0; i < n; ++i) base.push_back(draw(rng));
    for (size_t i = 0; i < m; ++i) next.push_back(draw(rng) * factor);
    const double base_median = median(base);
    const Shift s = hodges_lehmann(base, next);
    if (s.significant()) ++changed;
    const bool worse = higher_is_worse ? s.low > 0 : s.high < 0;
    if (worse && std::fabs(s.estimate / base_median) > 0.05) ++regressed;
  }
  return {double(changed) / kComparisons, double(regressed) / kComparisons};
}

// Per-second p99 latencies: log-normal, sigma 0.25 (the spread of one-second p99s seen in the
// intervals of runs against influxd here), 60 seconds a run.
double second_p99(base::SplitMix64& rng) { return 2e6 * std::exp(0.25 * normal(rng)); }
// Per-second points of a closed-loop run: skewed to the slow side (stalls), CV about 10 %.
double second_points(base::SplitMix64& rng) { return 50000 * (1.1 - std::exp(0.4 * normal(rng)) / 10); }
// A run's points/s across repeats: CV 3 %.
double run_points(base::SplitMix64& rng) { return 40000 * (1 + 0.03 * normal(rng)); }

TEST(CompareSimulation, NoTrueDifferenceRarelyRegresses) {
  const Rates p99 = simulate(1, 60, 60, 1.0, true, second_p99);
  const Rates points = simulate(2, 60, 60, 1.0, false, second_points);
  const Rates repeats = simulate(3, 5, 5, 1.0, false, run_points);
  std::printf("no difference: changed %.3f / %.3f / %.3f, regressed %.3f / %.3f / %.3f "
              "(p99 over 60 s, points over 60 s, points over 5 repeats)\n",
              p99.changed, points.changed, repeats.changed, p99.regressed, points.regressed,
              repeats.regressed);
  // Nominal 5 % for "changed"; a 1000-comparison estimate has a standard error of 0.7 %.
  EXPECT_LE(p99.changed, 0.065);
  EXPECT_LE(points.changed, 0.065);
  EXPECT_LE(repeats.changed, 0.065);
  EXPECT_LE(p99.regressed, 0.05);
  EXPECT_LE(points.regressed, 0.05);
  EXPECT_LE(repeats.regressed, 0.05);
}

TEST(CompareSimulation, ATrue20PercentShiftIsFound) {
  const Rates p99 = simulate(4, 60, 60, 1.2, true, second_p99);
  const Rates points = simulate(5, 60, 60, 0.8, false, second_points);
  const Rates repeats = simulate(6, 5, 5, 0.8, false, run_points);
  std::printf("20%% shift: regressed %.3f / %.3f / %.3f (p99 over 60 s, points over 60 s, "
              "points over 5 repeats)\n", p99.regressed, points.regressed, repeats.regressed);
  EXPECT_GE(p99.regressed, 0.95);
  EXPECT_GE(points.regressed, 0.95);
  EXPECT_GE(repeats.regressed, 0.95);
}

}  // namespace
}  // namespace stressql::stats
