#include "generator/series_fields.h"

#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "base/line_protocol.h"
#include "base/random.h"
#include "generator/normal_table.h"

namespace stressql::generator {

namespace {

constexpr size_t kFixedMaxChars = 32;

// The draw of step u of a series: one mix per value.
inline uint64_t step_hash(uint64_t key, uint64_t idh, uint64_t u) {
  return base::mix64(key ^ idh ^ (u * 0xd1b54a32d192ed03ULL));
}

inline uint32_t float_bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}
inline float bits_float(uint32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}

inline uint32_t counter_check(uint64_t value, uint64_t t) {
  return static_cast<uint32_t>(base::mix64(value ^ (t << 1) ^ 0x5bd1e995ULL));
}

inline uint64_t mul_hi(uint64_t a, uint64_t b) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64);
}

}  // namespace

char* write_fixed(double v, int decimals, double scale, char* dst) {
  if (!(std::fabs(v * scale) < 9e18)) {  // huge or not a number: shortest form
    return std::to_chars(dst, dst + kFixedMaxChars, v, std::chars_format::general, 17).ptr;
  }
  if (decimals == 0) return base::write_i64(dst, std::llround(v));
  int64_t q = std::llround(v * scale);
  if (q < 0) {
    *dst++ = '-';
    q = -q;
  }
  const uint64_t p10 = static_cast<uint64_t>(scale);
  uint64_t ip = static_cast<uint64_t>(q) / p10, fp = static_cast<uint64_t>(q) % p10;
  dst = base::write_u64(dst, ip);
  *dst++ = '.';
  for (int i = decimals - 1; i >= 0; --i) {
    dst[i] = static_cast<char>('0' + fp % 10);
    fp /= 10;
  }
  return dst + decimals;
}

SeriesFields::SeriesFields() : z_(normal_table()) {}

SeriesFields::~SeriesFields() {
  std::free(walk_state_);
  std::free(counter_state_);
}

base::Status SeriesFields::add(const parser::Generator& g, uint64_t key, size_t* index) {
  Spec s;
  s.fn = g.fn;
  s.is_int = g.type == parser::ValueType::kInt;
  s.key = key;
  s.a0 = g.args[0];
  s.a1 = g.args[1];
  s.decimals = s.is_int ? 0 : g.decimals;
  s.scale = std::pow(10.0, s.decimals);
  s.max_chars = kFixedMaxChars;
  switch (g.fn) {
    case parser::ValueFn::kWalk:
      if (!(g.args[2] <= g.args[0] && g.args[0] <= g.args[3]) || g.args[1] < 0)
        return base::Status::error("walk(start, step, min, max) needs min <= start <= max, step >= 0");
      s.step = static_cast<float>(g.args[1]);
      s.lo = static_cast<float>(g.args[2] - g.args[0]);
      s.hi = static_cast<float>(g.args[3] - g.args[0]);
      s.state = walks_++;
      break;
    case parser::ValueFn::kCounter:
      if (g.args[1] < 0 || g.args[1] > 9e15)
        return base::Status::error("counter(start, max_step) needs 0 <= max_step < 9e15");
      s.max_step_plus_1 = static_cast<uint64_t>(g.args[1]) + 1;
      s.state = counters_++;
      s.max_chars = 21;
      break;
    case parser::ValueFn::kNormal:
      if (g.args[1] < 0) return base::Status::error("normal(mean, stddev) needs stddev >= 0");
      break;
    default:
      return base::Status::error("not a per-series template");
  }
  *index = specs_.size();
  specs_.push_back(s);
  return base::Status::ok();
}

base::Status SeriesFields::allocate(uint64_t slots) {
  slots_ = slots;
  auto zeroed = [](uint64_t words, uint64_t** out) {
    if (words == 0) return true;
    if (words > (uint64_t{1} << 40) / 8) return false;
    *out = static_cast<uint64_t*>(std::calloc(words, sizeof(uint64_t)));
    return *out != nullptr;
  };
  uint64_t w = 0, c = 0;
  if (__builtin_mul_overflow(slots, walks_, &w) || __builtin_mul_overflow(slots, counters_ * 2, &c) ||
      !zeroed(w, &walk_state_) || !zeroed(c, &counter_state_)) {
    return base::Status::error("cannot hold the state of " + std::to_string(slots) +
                               " series for the walk/counter templates");
  }
  return base::Status::ok();
}

size_t SeriesFields::state_bytes() const {
  return static_cast<size_t>(slots_ * (walks_ + 2 * counters_) * sizeof(uint64_t));
}

float SeriesFields::walk_offset(const Spec& s, uint64_t slot, uint64_t idh, uint64_t t,
                                uint64_t t_birth) const {
  std::atomic_ref<uint64_t> cell(walk_state_[slot * walks_ + s.state]);
  const uint64_t m = cell.load(std::memory_order_relaxed);
  const uint64_t mt = m >> 32;  // t + 1 of the memo, 0 when empty
  uint64_t from = t_birth;
  float d = 0;
  if (mt != 0 && mt - 1 >= t_birth && mt - 1 <= t) {
    from = mt - 1;
    d = bits_float(static_cast<uint32_t>(m));
  }
  if (from == t && mt != 0) return d;
  for (uint64_t u = from + 1; u <= t; ++u) {
    d += s.step * std_normal(z_, step_hash(s.key, idh, u));
    d = d < s.lo ? s.lo : d > s.hi ? s.hi : d;
  }
  cell.store(((t + 1) << 32) | float_bits(d), std::memory_order_relaxed);
  return d;
}

int64_t SeriesFields::counter_value(const Spec& s, uint64_t slot, uint64_t idh, uint64_t t,
                                    uint64_t t_birth) const {
  uint64_t* words = counter_state_ + 2 * (slot * counters_ + s.state);
  std::atomic_ref<uint64_t> value_cell(words[0]), tag_cell(words[1]);
  const uint64_t value = value_cell.load(std::memory_order_relaxed);
  const uint64_t tag = tag_cell.load(std::memory_order_relaxed);
  const uint64_t mt = tag >> 32;
  uint64_t from = t_birth;
  uint64_t sum = 0;  // growth since birth
  if (mt != 0 && mt - 1 >= t_birth && mt - 1 <= t &&
      static_cast<uint32_t>(tag) == counter_check(value, mt - 1)) {
    from = mt - 1;
    sum = value;
  }
  if (from == t && mt != 0) return static_cast<int64_t>(s.a0) + static_cast<int64_t>(sum);
  for (uint64_t u = from + 1; u <= t; ++u) sum += mul_hi(step_hash(s.key, idh, u), s.max_step_plus_1);
  value_cell.store(sum, std::memory_order_relaxed);
  tag_cell.store(((t + 1) << 32) | counter_check(sum, t), std::memory_order_relaxed);
  return static_cast<int64_t>(s.a0) + static_cast<int64_t>(sum);
}

double SeriesFields::value(size_t i, uint64_t slot, uint64_t idh, uint64_t t,
                           uint64_t t_birth) const {
  const Spec& s = specs_[i];
  switch (s.fn) {
    case parser::ValueFn::kWalk:
      return s.a0 + static_cast<double>(walk_offset(s, slot, idh, t, t_birth));
    case parser::ValueFn::kCounter:
      return static_cast<double>(counter_value(s, slot, idh, t, t_birth));
    default:
      return s.a0 + s.a1 * static_cast<double>(std_normal(z_, step_hash(s.key, idh, t)));
  }
}

char* SeriesFields::write(size_t i, uint64_t slot, uint64_t idh, uint64_t t, uint64_t t_birth,
                          char* dst) const {
  const Spec& s = specs_[i];
  switch (s.fn) {
    case parser::ValueFn::kWalk: {
      const double v = s.a0 + static_cast<double>(walk_offset(s, slot, idh, t, t_birth));
      return write_fixed(v, s.decimals, s.scale, dst);
    }
    case parser::ValueFn::kCounter:
      return base::write_i64(dst, counter_value(s, slot, idh, t, t_birth));
    default: {
      const double v = s.a0 + s.a1 * static_cast<double>(std_normal(z_, step_hash(s.key, idh, t)));
      return write_fixed(v, s.decimals, s.scale, dst);
    }
  }
}

}  // namespace stressql::generator
