#pragma once
// Log-linear (HDR-style) latency histogram in nanoseconds.
//
// Layout: values below 2^11 get one bucket each; above that, every power of two [2^k, 2^(k+1))
// is split into 1024 equal buckets. A bucket is therefore never wider than 1/1024 of its lowest
// value, and reporting its midpoint is within 1/2048 (< 0.05 %) of any value inside it: better
// than 3 significant digits everywhere in the range.
//
// Memory is one flat uint64_t array sized at construction (about 261 KiB for the default
// one-hour range) and never reallocated, so record() cannot allocate or fail.
//
// Threading: none. A Histogram belongs to one thread: the control thread records each sample
// (handed over by the reactors through SPSC rings) into its statement's histograms. merge()
// adds one histogram into another of any range; the tool itself records samples one by one.
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace stressql::stats {

class Histogram {
 public:
  static constexpr int64_t kOneHourNs = 3'600'000'000'000;
  static constexpr int64_t kDefaultHighestTrackable = kOneHourNs;

  // REQUIRES: highest_trackable_ns >= 1 (smaller values are raised to 1).
  // Values above highest_trackable_ns are counted in the top bucket (see clamped_count()), but
  // max(), mean() and stddev() still see their real value.
  explicit Histogram(int64_t highest_trackable_ns = kDefaultHighestTrackable);

  // Not copyable: a copy is 261 KiB and never what the hot path wants. Movable, so histograms
  // can live in vectors; a moved-from histogram may only be assigned to or destroyed.
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;
  Histogram(Histogram&&) noexcept = default;
  Histogram& operator=(Histogram&&) noexcept = default;

  // Records one latency. Negative values (a clock that went backwards) count as 0.
  // Cost: a handful of integer instructions, no branches on the bucket path, no allocation.
  void record(int64_t value_ns) {
    const uint64_t v = value_ns < 0 ? 0 : static_cast<uint64_t>(value_ns);
    ++count_;
    sum_ += v;
    const unsigned __int128 square = static_cast<unsigned __int128>(v) * v;
    sum_squares_lo_ += square;
    sum_squares_hi_ += sum_squares_lo_ < square;  // carry out of the low 128 bits
    if (v < min_) min_ = v;
    if (v > max_) max_ = v;
    const bool over = v > highest_;
    clamped_ += over;
    ++counts_[bucket_index(over ? highest_ : v)];
  }

  // Records the same value n times, as if record() had been called n times.
  void record_n(int64_t value_ns, uint64_t n);

  // Adds other's samples to this one. Buckets are added element-wise; if other tracks a larger
  // range, its buckets beyond ours land in our top bucket and count as clamped.
  void merge(const Histogram& other);

  // Forgets every sample; keeps the memory.
  void reset();

  uint64_t count() const { return count_; }
  // Exact smallest / largest recorded value; 0 when empty.
  int64_t min() const { return count_ == 0 ? 0 : static_cast<int64_t>(min_); }
  int64_t max() const { return count_ == 0 ? 0 : static_cast<int64_t>(max_); }
  // Exact arithmetic mean (from a 128-bit sum), rounded once to double; 0 when empty.
  double mean() const;
  // Population standard deviation (divides by n, as the original tool did), computed exactly
  // from 128/192-bit sums of values and squares, rounded once at the end; 0 when empty.
  double stddev() const;

  // Nearest-rank percentile: the smallest recorded value v such that at least `percent`% of
  // samples are <= v, i.e. the ceil(percent/100 * count)-th smallest sample (at least the 1st).
  // The answer is the midpoint of that sample's bucket, clamped to [min(), max()], so it is
  // within 0.05 % of the exact value; exact below 2048 ns and whenever the rank is the first
  // or the last sample (then it is min() or max()), as for p95 of 10 samples.
  // `percent` is clamped to [0, 100] and read to 7 decimal places, so 99.9 means exactly 99.9.
  // Other ranks that fall among values above the tracked range report the top bucket's
  // midpoint (about highest_trackable()). 0 when empty.
  int64_t value_at_percentile(double percent) const;

  // How many recorded values were above highest_trackable().
  uint64_t clamped_count() const { return clamped_; }
  int64_t highest_trackable() const { return static_cast<int64_t>(highest_); }
  size_t bucket_count() const { return counts_.size(); }

  // Compact, self-describing serialization of the full state (varints, zero runs skipped):
  // decode(encode()) gives back a histogram with identical statistics. Typically a few hundred
  // bytes for a latency distribution, against 261 KiB in memory.
  std::string encode() const;
  // Replaces *out with the decoded histogram. Returns false (leaving *out unspecified but
  // valid) if `data` is truncated, corrupt or from an incompatible layout.
  static bool decode(std::string_view data, Histogram* out);

  // The same state as text for a results row's string field (`request_stats`, SPEC §5):
  // "h1;HIGHEST;COUNT;CLAMPED;MIN;MAX;SUM_LO;SUM_HI;SQ_0;SQ_1;SQ_2;" then the non-empty
  // buckets as "GAP:COUNT" pairs separated by ',' (GAP: empty buckets skipped since the
  // previous non-empty one), all decimal. About 5 bytes per non-empty bucket.
  std::string encode_text() const;
  // Adds the histogram `text` (encode_text's) to this one, exactly as merge() would. On bad
  // text (truncated, not numbers, counts that do not add up, another layout) returns false,
  // says why in *why and leaves this histogram unchanged.
  bool merge_text(std::string_view text, std::string* why);

  // Bucket geometry, exposed for tests and for anyone exporting buckets.
  static constexpr int kSubBucketBits = 11;
  static constexpr uint64_t kSubBucketHalf = uint64_t{1} << (kSubBucketBits - 1);

  // Index of the bucket holding v: identity below 2^11; above, `shift` drops all but the top
  // 11 significant bits and each power of two gets the next 1024 slots.
  static size_t bucket_index(uint64_t v) {
    constexpr uint64_t kLinear = (uint64_t{1} << kSubBucketBits) - 1;
    const int shift = 64 - kSubBucketBits - __builtin_clzll(v | kLinear);  // v | kLinear != 0
    return (static_cast<size_t>(shift) << (kSubBucketBits - 1)) + static_cast<size_t>(v >> shift);
  }
  // Lowest value mapping to bucket `index`, and the number of values it covers.
  static uint64_t bucket_lowest(size_t index);
  static uint64_t bucket_width(size_t index);

 private:
  // The state but the buckets, as encode() and encode_text() write it: highest, count,
  // clamped, min, max, the sum's low and high words, the sum of squares' three words.
  static constexpr size_t kHeaderWords = 10;
  std::array<uint64_t, kHeaderWords> header_words() const;

  uint64_t highest_;
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t clamped_ = 0;
  uint64_t min_ = std::numeric_limits<uint64_t>::max();
  uint64_t max_ = 0;
  // Exact sums: values are < 2^63 and count < 2^64, so the sum fits 127 bits and the sum of
  // squares fits 190 bits (low 128 bits + a 64-bit high word). Nothing overflows, ever.
  unsigned __int128 sum_ = 0;
  unsigned __int128 sum_squares_lo_ = 0;
  uint64_t sum_squares_hi_ = 0;
};

}  // namespace stressql::stats
