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
#include <optional>
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
  EXPECT_EQ(moses_rank(4, 4, 0.95), 1u);    // P(U = 0) = 1/70 < 2.5 % <= P(U <= 1) = 2/70
  EXPECT_EQ(moses_rank(3, 3, 0.95), 0u);    // 1/20 > 2.5 %: no 95 % interval from 3 and 3
  EXPECT_EQ(moses_rank(0, 5, 0.95), 0u);
  // The normal approximation past kExactMax lands next to the exact value at the border.
  const double exact = double(moses_rank(50, 50, 0.95));
  const double approx_51 = double(moses_rank(51, 51, 0.95));
  EXPECT_NEAR(approx_51, exact * (51.0 * 51) / (50.0 * 50), 0.02 * exact);
}

// One small side against a long one is exact, not the normal approximation (which gives 9
// for 2 vs 51). The values: the rank sums of every subset, counted in Python.
TEST(CompareStats, UnbalancedSizesAreExact) {
  EXPECT_TRUE(mann_whitney_exact(2, 51));
  EXPECT_TRUE(mann_whitney_exact(3, 3600));
  EXPECT_FALSE(mann_whitney_exact(60, 60));
  EXPECT_EQ(moses_rank(2, 51, 0.95), 10u);  // P(U <= 9) = 30/1378, P(U <= 10) = 36/1378
  EXPECT_EQ(moses_rank(51, 2, 0.95), 10u);
  EXPECT_EQ(moses_rank(3, 200, 0.95), 104u);
  EXPECT_EQ(moses_rank(6, 300, 0.95), 482u);  // P(U <= 482) = 0.0250126
  EXPECT_NEAR(mann_whitney_cdf(3, 200, 50), 4248.0 / 1373701, 1e-12);
  EXPECT_NEAR(mann_whitney_cdf(200, 3, 50), 4248.0 / 1373701, 1e-12);
}

// The normal approximation's variance shrinks with ties: nm/12 · ((N + 1) − Σ(t³ − t) / (N(N − 1))).
TEST(CompareStats, TieCorrectionInTheNormalApproximation) {
  std::vector<double> a(30, 1.0), b(30, 2.0);
  a.insert(a.end(), 30, 5.0);
  b.insert(b.end(), 30, 7.0);
  EXPECT_EQ(within_sample_ties(a, b), 4 * (27000.0 - 30));  // four groups of 30
  EXPECT_EQ(within_sample_ties({1, 2, 3}, {4, 5}), 0);
  // 60 vs 60, Σ(t³ − t) = 107880: variance 34033.61, P(U <= 1500) = Φ((1500.5 − 1800) / 184.48).
  EXPECT_NEAR(mann_whitney_cdf(60, 60, 1500, 107880), 0.0522450734, 1e-9);
  EXPECT_NEAR(mann_whitney_cdf(60, 60, 1500), 0.0579790648, 1e-9);  // without ties
  EXPECT_EQ(moses_rank(60, 60, 0.95, 107880), 1438u);
  EXPECT_EQ(moses_rank(60, 60, 0.95), 1427u);
}

TEST(CompareStats, RatioIntervalsStayAboveZero) {
  // A drop to a two-hundredth: the additive interval reaches below −base, the ratio's not.
  std::vector<double> base, next;
  for (int i = 0; i < 10; ++i) base.push_back(20000 + 3000 * ((i * 7) % 5)), next.push_back(100 + 10 * (i % 3));
  next.push_back(9000);  // one second of the old speed
  const std::optional<Ratio> r = hodges_lehmann_ratio(base, next);
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->bounded);
  EXPECT_GT(r->low, 0);
  EXPECT_LT(r->high, 0.01);
  EXPECT_NEAR(r->estimate, 110.0 / 26000, 0.002);
  EXPECT_TRUE(r->significant());
  // A pure factor is found exactly, and the same data is no change.
  std::vector<double> doubled;
  for (double v : base) doubled.push_back(2 * v);
  EXPECT_NEAR(hodges_lehmann_ratio(base, doubled)->estimate, 2.0, 1e-12);
  EXPECT_FALSE(hodges_lehmann_ratio(base, base)->significant());
  // No ratio of a zero (a second without errors) or a negative value.
  EXPECT_FALSE(hodges_lehmann_ratio({0, 1, 2, 3}, {1, 2, 3, 4}));
  EXPECT_FALSE(hodges_lehmann_ratio({1, 2, 3, 4}, {1, -2, 3, 4}));
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
    const Ratio r = *hodges_lehmann_ratio(base, next);  // as compare judges them
    if (r.significant()) ++changed;
    const bool worse = higher_is_worse ? r.low > 1 : r.high < 1;
    if (worse && std::fabs(r.estimate - 1) > 0.05) ++regressed;
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
