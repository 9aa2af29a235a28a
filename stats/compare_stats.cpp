#include "stats/compare_stats.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace stressql::stats {
namespace {

// P(U = u) for u = 0 .. n·m: the coefficients of the Gaussian binomial
// [n + m, n]_q = Π_{i = 1..s} (1 − q^(l + i)) / (1 − q^i), s the smaller size and l the
// larger, each step scaled by i / (l + i) so that they stay probabilities. s·(s·l) steps
// and s·l values, so one small side against a long run (2 repeats against 3600 seconds)
// is cheap. The low coefficients, where the interval's rank lies, come from additions only.
std::vector<double> u_probabilities(size_t n, size_t m) {
  const size_t s = std::min(n, m), l = std::max(n, m);
  std::vector<double> f(s * l + s + 1, 0.0);
  f[0] = 1;
  for (size_t i = 1; i <= s; ++i) {
    const size_t degree = (i - 1) * l, product = degree + l + i;
    // × (1 − q^(l + i)), from the top so that f[k − l − i] is still the old one.
    for (size_t k = product; k >= l + i; --k) f[k] -= f[k - l - i];
    // ÷ (1 − q^i): the quotient's f[k] = product's f[k] + quotient's f[k − i].
    for (size_t k = i; k <= product; ++k) f[k] += f[k - i];
    // The division is exact: above degree i·l only rounding is left.
    for (size_t k = i * l + 1; k <= product; ++k) f[k] = 0;
    const double scale = double(i) / double(l + i);
    for (size_t k = 0; k <= i * l; ++k) f[k] = std::max(0.0, f[k] * scale);
  }
  f.resize(s * l + 1);
  return f;
}

double normal_variance(size_t n, size_t m, double ties) {
  const double nm = double(n) * double(m), total = double(n + m);
  return nm / 12.0 * ((total + 1) - ties / (total * (total - 1)));
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

bool mann_whitney_exact(size_t n, size_t m) {
  return std::min(n, m) <= kExactMax && n * m <= kExactCells;
}

double within_sample_ties(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (const std::vector<double>* v : {&a, &b}) {
    for (size_t i = 0; i < v->size();) {
      size_t j = i + 1;
      while (j < v->size() && (*v)[j] == (*v)[i]) ++j;
      const double t = double(j - i);
      sum += t * t * t - t;
      i = j;
    }
  }
  return sum;
}

double mann_whitney_cdf(size_t n, size_t m, double u, double ties) {
  if (n == 0 || m == 0) return 1.0;
  if (u < 0) return 0.0;
  const double nm = double(n) * double(m);
  if (u >= nm) return 1.0;
  if (mann_whitney_exact(n, m)) {
    const std::vector<double> p = u_probabilities(n, m);
    double below = 0;
    const size_t last = static_cast<size_t>(std::floor(u));
    for (size_t k = 0; k <= last; ++k) below += p[k];
    return std::min(1.0, below);
  }
  const double mean = nm / 2;
  const double variance = normal_variance(n, m, ties);
  if (variance <= 0) return std::floor(u) >= mean ? 1.0 : 0.0;
  return normal_cdf((std::floor(u) + 0.5 - mean) / std::sqrt(variance));
}

size_t moses_rank(size_t n, size_t m, double confidence, double ties) {
  const double half_alpha = (1.0 - confidence) / 2;
  const size_t nm = n * m;
  if (nm == 0) return 0;
  if (mann_whitney_exact(n, m)) {
    const std::vector<double> p = u_probabilities(n, m);
    // qu: the smallest u with P(U <= u) >= alpha/2; the interval's coverage is then
    // 1 − 2·P(U <= qu − 1) >= confidence. qu = 0: P(U = 0) alone is too likely, no interval.
    double cumulative = 0;
    for (size_t u = 0; u < p.size(); ++u) {
      cumulative += p[u];
      // A relative slack of 1e-12: P(U <= u) is a sum of rounded terms.
      if (cumulative >= half_alpha * (1 - 1e-12)) return u;
    }
    return 0;
  }
  const double mean = double(nm) / 2;
  const double variance = normal_variance(n, m, ties);
  if (variance <= 0) return 0;
  const double sd = std::sqrt(variance);
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
  const size_t k = moses_rank(base.size(), next.size(), confidence, within_sample_ties(base, next));
  if (k == 0) return s;
  s.low = kth_difference(base, next, k);
  s.high = kth_difference(base, next, nm + 1 - k);
  s.bounded = true;
  return s;
}

std::optional<Ratio> hodges_lehmann_ratio(const std::vector<double>& base, const std::vector<double>& next,
                                          double confidence) {
  std::vector<double> log_base, log_next;
  for (const auto& [from, to] : {std::pair{&base, &log_base}, std::pair{&next, &log_next}}) {
    for (double v : *from) {
      if (!(v > 0) || !std::isfinite(v)) return std::nullopt;
      to->push_back(std::log(v));
    }
  }
  const Shift s = hodges_lehmann(std::move(log_base), std::move(log_next), confidence);
  Ratio r;
  r.estimate = std::exp(s.estimate);
  r.bounded = s.bounded;
  if (s.bounded) r.low = std::exp(s.low), r.high = std::exp(s.high);
  return r;
}

}  // namespace stressql::stats
