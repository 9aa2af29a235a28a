#include "stats/interval_stats.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "stats/sample_counts.h"

namespace stressql::stats {
namespace {

constexpr int64_t kSecondNs = 1'000'000'000;
constexpr size_t kHalf = size_t{1} << (IntervalHistogram::kSubBits - 1);

}  // namespace

size_t IntervalHistogram::bucket_index(uint64_t v) {
  constexpr uint64_t kLinear = (uint64_t{1} << kSubBits) - 1;
  constexpr uint64_t kTop = (uint64_t{1} << kMaxBits) - 1;
  if (v > kTop) v = kTop;
  const int shift = 64 - kSubBits - __builtin_clzll(v | kLinear);
  return (static_cast<size_t>(shift) << (kSubBits - 1)) + static_cast<size_t>(v >> shift);
}

uint64_t IntervalHistogram::bucket_lowest(size_t index) {
  if (index < 2 * kHalf) return index;
  const size_t shift = index / kHalf - 1;
  return static_cast<uint64_t>(index - shift * kHalf) << shift;
}

uint64_t IntervalHistogram::bucket_width(size_t index) {
  if (index < 2 * kHalf) return 1;
  return uint64_t{1} << (index / kHalf - 1);
}

void IntervalHistogram::record(int64_t value_ns) {
  const int64_t v = value_ns < 0 ? 0 : value_ns;
  if (count_ == 0 || v < min_) min_ = v;
  if (count_ == 0 || v > max_) max_ = v;
  ++count_;
  ++counts_[bucket_index(static_cast<uint64_t>(v))];
}

void IntervalHistogram::reset() {
  counts_.fill(0);
  count_ = 0;
  min_ = max_ = 0;
}

int64_t IntervalHistogram::value_at_percentile(double percent) const {
  if (count_ == 0) return 0;
  percent = std::clamp(percent, 0.0, 100.0);
  uint64_t rank = static_cast<uint64_t>(std::ceil(percent / 100.0 * static_cast<double>(count_) - 1e-9));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  if (rank == count_) return max_;
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const uint64_t mid = bucket_lowest(i) + bucket_width(i) / 2;
      return std::clamp(static_cast<int64_t>(mid), min_, max_);
    }
  }
  return max_;
}

size_t failure_class_slot(std::vector<std::string>* classes, const std::string& name) {
  for (size_t i = 0; i < classes->size(); ++i) {
    if ((*classes)[i] == name) return i;
  }
  if (classes->size() + 1 < kIntervalClasses) {
    classes->push_back(name);
    return classes->size() - 1;
  }
  if (classes->size() + 1 == kIntervalClasses) classes->push_back(kOtherFailureClass);
  return kIntervalClasses - 1;
}

bool add_restored_failures(std::deque<IntervalRecord>* closed, std::vector<std::string>* classes,
                           int64_t second, const std::string& name, uint32_t count) {
  auto k = std::lower_bound(closed->begin(), closed->end(), second,
                            [](const IntervalRecord& r, int64_t s) { return r.second < s; });
  if (k == closed->end() || k->second != second) return false;
  k->by_class[failure_class_slot(classes, name)] += count;
  return true;
}

void IntervalStats::start(int64_t start_unix_ns) { start_unix_ns_ = start_unix_ns; }

void IntervalStats::add(const engine::Sample& s) {
  const SampleCounts c = classify(s);
  if (c.rendered || finished_) return;
  int64_t second = s.due_unix_ns <= start_unix_ns_ ? 0 : (s.due_unix_ns - start_unix_ns_) / kSecondNs;
  if (ring_.empty()) ring_.resize(kOpenSeconds);
  if (second < first_open_) {
    ++late_samples_;
    second = first_open_;
  }
  while (second >= first_open_ + kOpenSeconds) close_oldest();
  open_through(second);
  Open& o = slot(second);
  o.retries += c.retry;
  o.requests += c.ok || c.failed;
  o.failures += c.failed;
  if (c.failed) ++o.by_class[failure_class_slot(&classes_, failure_class(s))];
  o.points_accepted += c.points_accepted;
  if (c.ok) {
    o.from_due.record(s.latency_ns);
    o.from_send.record(s.latency_ns - s.lag_ns);
  }
}

void IntervalStats::open_through(int64_t second) {
  for (; end_open_ <= second; ++end_open_) {
    Open& o = slot(end_open_);
    o.requests = o.failures = o.retries = 0;
    o.points_accepted = 0;
    o.by_class.fill(0);
    o.from_due.reset();
    o.from_send.reset();
  }
}

void IntervalStats::close_oldest() {
  IntervalRecord r;
  r.second = static_cast<int32_t>(first_open_);
  if (first_open_ < end_open_) {
    const Open& o = slot(first_open_);
    r.requests = o.requests;
    r.failures = o.failures;
    r.retries = o.retries;
    r.by_class = o.by_class;
    r.points_accepted = o.points_accepted;
    r.from_due_p50 = o.from_due.value_at_percentile(50);
    r.from_due_p99 = o.from_due.value_at_percentile(99);
    r.from_due_max = o.from_due.max();
    r.from_send_p50 = o.from_send.value_at_percentile(50);
    r.from_send_p99 = o.from_send.value_at_percentile(99);
    r.from_send_max = o.from_send.max();
  } else {
    end_open_ = first_open_ + 1;  // an empty second nobody opened
  }
  closed_.push_back(r);
  ++first_open_;
}

void IntervalStats::close_before(int64_t unix_ns) {
  if (finished_ || ring_.empty() || unix_ns <= start_unix_ns_) return;
  const int64_t ended = (unix_ns - start_unix_ns_) / kSecondNs;  // seconds [0, ended) are over
  while (first_open_ < ended) close_oldest();
}

void IntervalStats::finish() {
  if (finished_) return;
  finished_ = true;
  while (first_open_ < end_open_) close_oldest();
  std::vector<Open>().swap(ring_);
}

void IntervalStats::restore(std::deque<IntervalRecord> closed, std::vector<std::string> failure_classes,
                            uint64_t late_samples, int64_t start_unix_ns) {
  closed_ = std::move(closed);
  classes_ = std::move(failure_classes);
  late_samples_ = late_samples;
  start_unix_ns_ = start_unix_ns;
  first_open_ = end_open_ = closed_.empty() ? 0 : closed_.back().second + 1;
  finished_ = true;
}

}  // namespace stressql::stats
