#pragma once
// The statistics behind `stressql compare` (SPEC §6.3), pure functions: the Hodges–Lehmann
// estimate of the shift between two samples and its distribution-free confidence interval
// from the Mann–Whitney (Wilcoxon rank-sum) distribution (Moses' interval, as R's
// wilcox.test(conf.int = TRUE) computes it). Rank-based, so it holds on skewed latency data
// and is not thrown by one outlier second; it assumes only independent samples whose
// distributions differ by a shift. On the logarithms of positive values the shift is a ratio
// (hodges_lehmann_ratio): "new is 0.8× base", whose interval never reaches 0× (−100 %).

#include <cstddef>
#include <optional>
#include <vector>

namespace stressql::stats {

// The median of the values (the mean of the middle two for an even count); 0 when empty.
double median(std::vector<double> values);

// Samples up to this size on the smaller side are judged with the exact distribution of U,
// whatever the size of the other (as long as n·m <= kExactCells); larger ones with the normal
// approximation, which is close there.
inline constexpr size_t kExactMax = 50;
inline constexpr size_t kExactCells = 2'000'000;
// Whether samples of sizes n and m get the exact distribution.
bool mann_whitney_exact(size_t n, size_t m);

// Σ (t³ − t) over the groups of t equal values within each sample: the ties that a shift
// keeps, for the tie correction of the normal approximation. REQUIRES: both sorted.
double within_sample_ties(const std::vector<double>& a, const std::vector<double>& b);

// P(U <= u) for the Mann–Whitney U of samples of sizes n and m: exact (the distribution
// without ties) when mann_whitney_exact(n, m), otherwise the normal approximation with
// continuity correction and, given `ties` = Σ (t³ − t), the tie correction of its variance:
// nm/12 · ((N + 1) − ties / (N (N − 1))), N = n + m.
double mann_whitney_cdf(size_t n, size_t m, double u, double ties = 0);

// The rank k (1-based) of the pairwise difference that bounds the two-sided interval at
// `confidence` from below (the upper bound is rank n·m + 1 − k): the smallest k with
// P(U <= k) >= (1 − confidence) / 2, as R's qwilcox, so P(U <= k − 1) < (1 − confidence) / 2.
// 0 when the samples are too small for any interval at that confidence. `ties` as above.
size_t moses_rank(size_t n, size_t m, double confidence, double ties = 0);

// The k-th smallest (1-based) of the n·m differences next[j] − base[i], without forming
// them. REQUIRES: both sorted ascending, non-empty, 1 <= k <= n·m.
double kth_difference(const std::vector<double>& base, const std::vector<double>& next, size_t k);

struct Shift {
  double estimate = 0;  // Hodges–Lehmann: the median of the pairwise differences next − base
  double low = 0;       // the confidence interval of the shift, when `bounded`
  double high = 0;
  bool bounded = false;  // false: too few samples for an interval at this confidence
  // Whether the interval excludes 0 (a significant change); false when not bounded.
  bool significant() const { return bounded && (low > 0 || high < 0); }
};

// The shift of `next` against `base` at `confidence` (0.95: a 95 % interval). Empty input:
// an unbounded zero shift.
Shift hodges_lehmann(std::vector<double> base, std::vector<double> next, double confidence = 0.95);

struct Ratio {
  double estimate = 1;  // the median of the pairwise ratios next / base
  double low = 1;       // its confidence interval, when `bounded`; always > 0
  double high = 1;
  bool bounded = false;
  // Whether the interval excludes 1 (a significant change); false when not bounded.
  bool significant() const { return bounded && (low > 1 || high < 1); }
};

// The ratio of `next` to `base`: hodges_lehmann() on the logarithms, back on the ratio scale.
// nullopt when a value is not finite or not above 0 (a second without errors, a stalled
// second): no ratio exists then, the caller falls back to the shift.
std::optional<Ratio> hodges_lehmann_ratio(const std::vector<double>& base, const std::vector<double>& next,
                                          double confidence = 0.95);

}  // namespace stressql::stats
