#include "stats/histogram.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

namespace stressql::stats {

namespace {

using u128 = unsigned __int128;

// Just enough 256-bit arithmetic to evaluate n * sum(x^2) - (sum x)^2 exactly: with n < 2^64
// and values < 2^63 both terms stay below 2^254. Limbs are little-endian.
struct Wide {
  uint64_t limb[4] = {0, 0, 0, 0};
};

Wide multiply(const uint64_t* a, int na, const uint64_t* b, int nb) {
  Wide out;
  for (int i = 0; i < na; ++i) {
    uint64_t carry = 0;
    for (int j = 0; j < nb && i + j < 4; ++j) {
      const u128 t = static_cast<u128>(a[i]) * b[j] + out.limb[i + j] + carry;
      out.limb[i + j] = static_cast<uint64_t>(t);
      carry = static_cast<uint64_t>(t >> 64);
    }
    if (i + nb < 4) out.limb[i + nb] = carry;  // earlier rows never reached this limb
  }
  return out;
}

// Returns false if b > a (cannot happen for a variance, by Cauchy-Schwarz).
bool subtract(const Wide& a, const Wide& b, Wide* out) {
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const u128 t = static_cast<u128>(a.limb[i]) - b.limb[i] - borrow;
    out->limb[i] = static_cast<uint64_t>(t);
    borrow = (t >> 64) != 0 ? 1 : 0;
  }
  return borrow == 0;
}

long double to_long_double(const Wide& w) {
  long double r = 0;
  for (int i = 3; i >= 0; --i) r = std::ldexp(r, 64) + static_cast<long double>(w.limb[i]);
  return r;
}

void put_varint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool get_varint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

constexpr uint8_t kFormatVersion = 1;

}  // namespace

Histogram::Histogram(int64_t highest_trackable_ns)
    : highest_(static_cast<uint64_t>(std::max<int64_t>(highest_trackable_ns, 1))),
      counts_(bucket_index(highest_) + 1, 0) {}

uint64_t Histogram::bucket_lowest(size_t index) {
  const size_t half = kSubBucketHalf;
  const size_t shift = index < 2 * half ? 0 : (index / half) - 1;
  return static_cast<uint64_t>(index - shift * half) << shift;
}

uint64_t Histogram::bucket_width(size_t index) {
  const size_t half = kSubBucketHalf;
  const size_t shift = index < 2 * half ? 0 : (index / half) - 1;
  return uint64_t{1} << shift;
}

void Histogram::record_n(int64_t value_ns, uint64_t n) {
  if (n == 0) return;
  const uint64_t v = value_ns < 0 ? 0 : static_cast<uint64_t>(value_ns);
  count_ += n;
  sum_ += static_cast<u128>(v) * n;
  const u128 square = static_cast<u128>(v) * v;
  const uint64_t sq[2] = {static_cast<uint64_t>(square), static_cast<uint64_t>(square >> 64)};
  const Wide add = multiply(sq, 2, &n, 1);
  const u128 add_lo = (static_cast<u128>(add.limb[1]) << 64) | add.limb[0];
  sum_squares_lo_ += add_lo;
  sum_squares_hi_ += add.limb[2] + (sum_squares_lo_ < add_lo ? 1 : 0);
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
  const bool over = v > highest_;
  if (over) clamped_ += n;
  counts_[bucket_index(over ? highest_ : v)] += n;
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  const size_t common = std::min(counts_.size(), other.counts_.size());
  for (size_t i = 0; i < common; ++i) counts_[i] += other.counts_[i];
  uint64_t beyond = 0;
  for (size_t i = common; i < other.counts_.size(); ++i) beyond += other.counts_[i];
  counts_.back() += beyond;
  clamped_ += other.clamped_ + beyond;
  count_ += other.count_;
  sum_ += other.sum_;
  sum_squares_lo_ += other.sum_squares_lo_;
  sum_squares_hi_ += other.sum_squares_hi_ + (sum_squares_lo_ < other.sum_squares_lo_ ? 1 : 0);
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void Histogram::reset() {
  if (count_ == 0) return;  // every bucket is empty already
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  clamped_ = 0;
  min_ = std::numeric_limits<uint64_t>::max();
  max_ = 0;
  sum_ = 0;
  sum_squares_lo_ = 0;
  sum_squares_hi_ = 0;
}

double Histogram::mean() const {
  if (count_ == 0) return 0;
  return static_cast<double>(static_cast<long double>(sum_) / count_);
}

double Histogram::stddev() const {
  if (count_ < 2) return 0;
  // variance = (n * sum(x^2) - (sum x)^2) / n^2, numerator exact: no cancellation, no overflow.
  const uint64_t squares[3] = {static_cast<uint64_t>(sum_squares_lo_),
                               static_cast<uint64_t>(sum_squares_lo_ >> 64), sum_squares_hi_};
  const uint64_t sum[2] = {static_cast<uint64_t>(sum_), static_cast<uint64_t>(sum_ >> 64)};
  const Wide scaled = multiply(squares, 3, &count_, 1);
  const Wide sum_squared = multiply(sum, 2, sum, 2);
  Wide numerator;
  if (!subtract(scaled, sum_squared, &numerator)) return 0;
  const long double n = static_cast<long double>(count_);
  return static_cast<double>(std::sqrt(to_long_double(numerator) / (n * n)));
}

int64_t Histogram::value_at_percentile(double percent) const {
  if (count_ == 0) return 0;
  if (!(percent > 0)) percent = 0;  // also catches NaN
  if (percent > 100) percent = 100;
  // Integer rank, so that 99.9 % of 1000 samples is rank 999, not 1000 from 999.0000000001.
  constexpr uint64_t kScale = 1'000'000'000;  // percent * 1e7 -> parts per 1e9
  const auto parts = static_cast<uint64_t>(std::llround(static_cast<double>(percent) * 1e7));
  uint64_t rank = static_cast<uint64_t>((static_cast<u128>(parts) * count_ + kScale - 1) / kScale);
  rank = std::max<uint64_t>(rank, 1);
  // The first and last ranks are known exactly; small runs hit them often (p95 of 10 samples).
  if (rank == 1) return min();
  if (rank == count_) return max();

  uint64_t seen = 0;
  size_t i = bucket_index(std::min(min_, highest_));
  for (; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) break;
  }
  if (i == counts_.size()) return max();  // unreachable while counts_ and count_ agree
  const uint64_t mid = bucket_lowest(i) + (bucket_width(i) >> 1);
  return static_cast<int64_t>(std::clamp(mid, min_, max_));
}

std::array<uint64_t, Histogram::kHeaderWords> Histogram::header_words() const {
  return {highest_,
          count_,
          clamped_,
          min_,
          max_,
          static_cast<uint64_t>(sum_),
          static_cast<uint64_t>(sum_ >> 64),
          static_cast<uint64_t>(sum_squares_lo_),
          static_cast<uint64_t>(sum_squares_lo_ >> 64),
          sum_squares_hi_};
}

std::string Histogram::encode() const {
  std::string out;
  out.push_back(static_cast<char>(kFormatVersion));
  out.push_back(static_cast<char>(kSubBucketBits));
  for (uint64_t v : header_words()) put_varint(v, &out);
  // Non-empty buckets as (empty buckets skipped since the previous one, count).
  size_t next = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    put_varint(i - next, &out);
    put_varint(counts_[i], &out);
    next = i + 1;
  }
  return out;
}

bool Histogram::decode(std::string_view data, Histogram* out) {
  if (data.size() < 2 || static_cast<uint8_t>(data[0]) != kFormatVersion ||
      static_cast<uint8_t>(data[1]) != kSubBucketBits) {
    return false;
  }
  data.remove_prefix(2);
  uint64_t h[10];
  for (uint64_t& v : h) {
    if (!get_varint(&data, &v)) return false;
  }
  if (h[0] == 0 || h[0] > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
  Histogram result(static_cast<int64_t>(h[0]));
  result.count_ = h[1];
  result.clamped_ = h[2];
  result.min_ = h[3];
  result.max_ = h[4];
  result.sum_ = (static_cast<u128>(h[6]) << 64) | h[5];
  result.sum_squares_lo_ = (static_cast<u128>(h[8]) << 64) | h[7];
  result.sum_squares_hi_ = h[9];
  uint64_t total = 0;
  size_t next = 0;
  while (!data.empty()) {
    uint64_t gap = 0;
    uint64_t count = 0;
    if (!get_varint(&data, &gap) || !get_varint(&data, &count)) return false;
    if (gap >= result.counts_.size() - next || count == 0) return false;
    next += gap;
    result.counts_[next++] = count;
    total += count;
  }
  if (total != result.count_) return false;
  *out = std::move(result);
  return true;
}

namespace {

void put_decimal(uint64_t v, char sep, std::string* out) {
  char buf[24];
  char* end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  out->append(buf, static_cast<size_t>(end - buf));
  out->push_back(sep);
}

// The decimal number at the start of *in, taken off it.
bool take_number(std::string_view* in, uint64_t* v) {
  const char* begin = in->data();
  auto [ptr, ec] = std::from_chars(begin, begin + in->size(), *v);
  if (ec != std::errc() || ptr == begin) return false;
  in->remove_prefix(static_cast<size_t>(ptr - begin));
  return true;
}

// The decimal number at the start of *in and the `sep` after it, taken off it.
bool take_decimal(std::string_view* in, char sep, uint64_t* v) {
  if (!take_number(in, v)) return false;
  if (in->empty() || in->front() != sep) return false;
  in->remove_prefix(1);
  return true;
}

constexpr std::string_view kTextVersion = "h1;";

}  // namespace

std::string Histogram::encode_text() const {
  std::string out(kTextVersion);
  for (uint64_t v : header_words()) put_decimal(v, ';', &out);
  size_t next = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    put_decimal(i - next, ':', &out);
    put_decimal(counts_[i], ',', &out);
    next = i + 1;
  }
  if (out.back() == ',') out.pop_back();
  return out;
}

bool Histogram::merge_text(std::string_view text, std::string* why) {
  auto bad = [&](const std::string& what) {
    *why = what;
    return false;
  };
  if (text.substr(0, kTextVersion.size()) != kTextVersion) {
    return bad("not a histogram (it should start with \"" + std::string(kTextVersion) + "\")");
  }
  text.remove_prefix(kTextVersion.size());
  static const char* const kHeader[] = {"highest", "count", "clamped", "min", "max", "sum", "sum",
                                        "sum of squares", "sum of squares", "sum of squares"};
  uint64_t h[kHeaderWords];
  for (size_t i = 0; i < kHeaderWords; ++i) {
    if (!take_decimal(&text, ';', &h[i])) return bad(std::string("its ") + kHeader[i] + " is not a number");
  }
  if (h[0] == 0 || h[0] > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return bad("its highest trackable value " + std::to_string(h[0]) + " is out of range");
  }
  if (h[2] > h[1]) return bad("it has more clamped values than values");
  if (h[1] > 0 && h[3] > h[4]) return bad("its min is above its max");
  const size_t buckets = bucket_index(h[0]) + 1;
  std::vector<std::pair<size_t, uint64_t>> counts;  // checked whole before anything is added
  size_t next = 0;
  uint64_t total = 0;
  while (!text.empty()) {
    uint64_t gap = 0, count = 0;
    if (!take_decimal(&text, ':', &gap) || !take_number(&text, &count) ||
        !(text.empty() || text.front() == ',') || (text.size() == 1)) {
      return bad("bucket pair " + std::to_string(counts.size() + 1) + " is not GAP:COUNT");
    }
    if (!text.empty()) text.remove_prefix(1);
    if (gap >= buckets - next || count == 0) {
      return bad("bucket pair " + std::to_string(counts.size() + 1) + " is out of range");
    }
    next += gap;
    counts.emplace_back(next++, count);
    if (total + count < total) return bad("its bucket counts overflow");
    total += count;
  }
  if (total != h[1]) {
    return bad("its buckets hold " + std::to_string(total) + " values, its count says " + std::to_string(h[1]));
  }
  if (h[1] == 0) return true;
  uint64_t beyond = 0;
  for (const auto& [index, count] : counts) {
    if (index < counts_.size()) {
      counts_[index] += count;
    } else {
      beyond += count;
    }
  }
  counts_.back() += beyond;
  clamped_ += h[2] + beyond;
  count_ += h[1];
  sum_ += (static_cast<u128>(h[6]) << 64) | h[5];
  const u128 squares = (static_cast<u128>(h[8]) << 64) | h[7];
  sum_squares_lo_ += squares;
  sum_squares_hi_ += h[9] + (sum_squares_lo_ < squares ? 1 : 0);
  min_ = std::min(min_, h[3]);
  max_ = std::max(max_, h[4]);
  return true;
}

}  // namespace stressql::stats
