#pragma once
// The statistics behind `stressql compare` (SPEC §6.3), pure functions: the Hodges–Lehmann
// estimate of the shift between two samples and its distribution-free confidence interval
// from the Mann–Whitney (Wilcoxon rank-sum) distribution (Moses' interval, as R's
// wilcox.test(conf.int = TRUE) computes it). Rank-based, so it holds on skewed latency data
// and is not thrown by one outlier second; it assumes only independent samples whose
// distributions differ by a shift.

#include <cstddef>
#include <vector>

namespace stressql::stats {

// The median of the values (the mean of the middle two for an even count); 0 when empty.
double median(std::vector<double> values);

// P(U <= u) for the Mann–Whitney U of samples of sizes n and m with no ties: exact (a
// counting recurrence) for n, m <= kExactMax, otherwise the normal approximation with
// continuity correction.
inline constexpr size_t kExactMax = 50;
double mann_whitney_cdf(size_t n, size_t m, double u);

// The rank k (1-based) of the pairwise difference that bounds the two-sided interval at
// `confidence` from below (the upper bound is rank n·m + 1 − k): the smallest k with
// P(U <= k) >= (1 − confidence) / 2, as R's qwilcox, so P(U <= k − 1) < (1 − confidence) / 2.
// 0 when the samples are too small for any interval at that confidence.
size_t moses_rank(size_t n, size_t m, double confidence);

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

}  // namespace stressql::stats
