#include "stats/compare_stats.h"

#include <algorithm>
#include <cmath>

namespace stressql::stats {
namespace {

// Counts of U = u over all C(n+m, n) arrangements of two samples of sizes n and m, by the
// recurrence f(i, j, u) = f(i − 1, j, u − j) + f(i, j − 1, u) (the largest value belongs to
// the first sample, adding j to U, or to the second). Rows over i, columns over j.
std::vector<double> u_counts(size_t n, size_t m) {
  // prev[j]: f(i − 1, j, ·); cur[j]: f(i, j, ·).
  std::vector<std::vector<double>> prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = {1.0};  // i = 0: one arrangement, U = 0
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = {1.0};  // j = 0: U = 0
    for (size_t j = 1; j <= m; ++j) {
      std::vector<double> f(i * j + 1, 0.0);
      const std::vector<double>& a = prev[j];     // f(i − 1, j, u − j)
      for (size_t u = 0; u < a.size(); ++u) f[u + j] += a[u];
      const std::vector<double>& b = cur[j - 1];  // f(i, j − 1, u)
      for (size_t u = 0; u < b.size(); ++u) f[u] += b[u];
      cur[j] = std::move(f);
    }
    std::swap(prev, cur);
  }
  return prev[m];
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// The number of differences next[j] − base[i] that are <= x. Both sorted.
size_t count_at_most(const std::vector<double>& base, const std::vector<double>& next, double x) {
  size_t count = 0, j = 0;
  // As base[i] grows so does x + base[i]: one pointer into `next` serves every i.
  for (double a : base) {
    while (j < next.size() && next[j] <= x + a) ++j;
    count += j;
  }
  return count;
}

}  // namespace

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

double mann_whitney_cdf(size_t n, size_t m, double u) {
  if (n == 0 || m == 0) return 1.0;
  if (u < 0) return 0.0;
  const double nm = double(n) * double(m);
  if (u >= nm) return 1.0;
  if (n <= kExactMax && m <= kExactMax) {
    const std::vector<double> counts = u_counts(n, m);
    double total = 0, below = 0;
    const size_t last = static_cast<size_t>(std::floor(u));
    for (size_t k = 0; k < counts.size(); ++k) {
      total += counts[k];
      if (k <= last) below += counts[k];
    }
    return below / total;
  }
  const double mean = nm / 2;
  const double sd = std::sqrt(nm * double(n + m + 1) / 12.0);
  return normal_cdf((std::floor(u) + 0.5 - mean) / sd);
}

size_t moses_rank(size_t n, size_t m, double confidence) {
  const double half_alpha = (1.0 - confidence) / 2;
  const size_t nm = n * m;
  if (nm == 0) return 0;
  if (n <= kExactMax && m <= kExactMax) {
    const std::vector<double> counts = u_counts(n, m);
    double total = 0;
    for (double c : counts) total += c;
    // qu: the smallest u with P(U <= u) >= alpha/2; the interval's coverage is then
    // 1 − 2·P(U <= qu − 1) >= confidence.
    double cumulative = 0;
    for (size_t u = 0; u < counts.size(); ++u) {
      cumulative += counts[u];
      if (cumulative / total >= half_alpha) return u == 0 ? 0 : u;
    }
    return 0;
  }
  const double mean = double(nm) / 2;
  const double sd = std::sqrt(double(nm) * double(n + m + 1) / 12.0);
  // Inverse of the normal approximation: z for alpha/2 by bisection on normal_cdf.
  double lo = -10, hi = 0;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    (normal_cdf(mid) < half_alpha ? lo : hi) = mid;
  }
  const double qu = std::ceil(mean - 0.5 + hi * sd);
  return qu < 1 ? 0 : static_cast<size_t>(qu);
}

double kth_difference(const std::vector<double>& base, const std::vector<double>& next, size_t k) {
  double lo = next.front() - base.back();  // the smallest difference
  double hi = next.back() - base.front();  // the largest
  if (k <= 1) return lo;
  // Bisection on the value: count(hi) >= k always, count(lo) < k once lo moved. The n·m
  // differences are never formed (a one-hour run has 3600² of them).
  lo = std::nextafter(lo, -INFINITY);
  for (int i = 0; i < 2000; ++i) {
    const double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    (count_at_most(base, next, mid) >= k ? hi : lo) = mid;
  }
  // The k-th difference is the largest actual difference <= hi.
  double best = -INFINITY;
  for (double a : base) {
    auto it = std::upper_bound(next.begin(), next.end(), hi + a);
    if (it != next.begin()) best = std::max(best, *(it - 1) - a);
  }
  return best;
}

Shift hodges_lehmann(std::vector<double> base, std::vector<double> next, double confidence) {
  Shift s;
  if (base.empty() || next.empty()) return s;
  std::sort(base.begin(), base.end());
  std::sort(next.begin(), next.end());
  const size_t nm = base.size() * next.size();
  // The median of the differences: the middle one, or the mean of the middle two.
  s.estimate = nm % 2 == 1 ? kth_difference(base, next, nm / 2 + 1)
                           : (kth_difference(base, next, nm / 2) + kth_difference(base, next, nm / 2 + 1)) / 2;
  const size_t k = moses_rank(base.size(), next.size(), confidence);
  if (k == 0) return s;
  s.low = kth_difference(base, next, k);
  s.high = kth_difference(base, next, nm + 1 - k);
  s.bounded = true;
  return s;
}

}  // namespace stressql::stats
