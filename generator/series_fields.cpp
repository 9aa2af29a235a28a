#include "generator/series_fields.h"

#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "base/line_protocol.h"
#include "base/random.h"
#include "generator/bits.h"
#include "generator/normal_table.h"

namespace stressql::generator {

namespace {

constexpr size_t kFixedMaxChars = 32;
constexpr double kWalkUnit = 4096;  // a walk counts its steps in 1/4096 of a standard step
// An int walk's field texts are tabled when the table is this small (it stays in L1: a
// 0..100 walk takes 3.2 KB); a wider walk with at most kMaxDigitTableValues values gets its
// digits from a shared table of 8 bytes a value (16 KB at most: 32 KB slots per field measured
// slower, out of L1); a wider one renders its digits.
constexpr size_t kMaxIntTableBytes = 8192;
constexpr int64_t kMaxDigitTableValues = 2048;


}  // namespace

// Round half away from zero, without a libm call. REQUIRES: |v| < 9e18.
inline int64_t round_half(double v) {
  return v >= 0 ? static_cast<int64_t>(v + 0.5) : -static_cast<int64_t>(-v + 0.5);
}

char* write_fixed(double v, int decimals, double scale, char* dst) {
  if (!(std::fabs(v * scale) < 9e18)) {  // huge or not a number: shortest form
    return std::to_chars(dst, dst + kFixedMaxChars, v, std::chars_format::general, 17).ptr;
  }
  if (decimals == 0) return base::write_i64(dst, round_half(v));
  int64_t q = round_half(v * scale);
  if (q < 0) {
    *dst++ = '-';
    q = -q;
  }
  const uint64_t p10 = static_cast<uint64_t>(scale);
  uint64_t ip = static_cast<uint64_t>(q) / p10, fp = static_cast<uint64_t>(q) % p10;
  dst = base::write_u64(dst, ip);
  *dst++ = '.';
  return base::write_fixed_width(dst, fp, decimals);
}

SeriesFields::SeriesFields() : z_(normal_table()) {
  for (int i = 0; i < 4096; ++i) zq_[i] = static_cast<int32_t>(std::lround(z_[i] * kWalkUnit));
}

SeriesFields::~SeriesFields() {
  std::free(walk_state_);
  std::free(counter_state_);
}

const char* SeriesFields::digit_table(int64_t lo, int64_t n, const std::string& post) {
  std::string head(sizeof lo + sizeof n, '\0');
  std::memcpy(head.data(), &lo, sizeof lo);
  std::memcpy(head.data() + sizeof lo, &n, sizeof n);
  head += post;
  for (const std::string& t : digit_tables_) {  // [header][8 bytes a value]
    if (t.compare(0, head.size(), head) == 0 && t.size() == head.size() + 8 * n)
      return t.data() + head.size();
  }
  std::string t = head;
  t.resize(head.size() + 8 * static_cast<size_t>(n), '\0');
  for (int64_t i = 0; i < n; ++i) {
    char* e = t.data() + head.size() + 8 * i;
    char* end = base::write_i64(e, lo + i);
    std::memcpy(end, post.data(), post.size());
    e[7] = static_cast<char>(end + post.size() - e);
  }
  digit_tables_.push_back(std::move(t));
  return digit_tables_.back().data() + head.size();
}

base::Status SeriesFields::add(const parser::Generator& g, uint64_t key, const std::string& pre,
                               const std::string& post, size_t* index) {
  Spec s;
  s.pre = pre;
  s.post = post;
  std::memcpy(s.pre32, pre.data(), std::min<size_t>(pre.size(), 32));
  s.fn = g.fn;
  s.is_int = g.type == parser::ValueType::kInt;
  s.key = key;
  s.a0 = g.args[0];
  s.a1 = g.args[1];
  s.decimals = s.is_int ? 0 : g.decimals;
  s.scale = std::pow(10.0, s.decimals);
  // The longest text: pre, the value (a counter's int64: at most 20 characters; an int walk
  // narrows it below; any other value, past 9e18 written as %.17g, up to 32), post.
  s.max_chars = pre.size() + (g.fn == parser::ValueFn::kCounter ? 20 : kFixedMaxChars) + post.size();
  switch (g.fn) {
    case parser::ValueFn::kWalk:
      if (!(g.args[2] <= g.args[0] && g.args[0] <= g.args[3]) || g.args[1] < 0)
        return base::Status::error("walk(start, step, min, max) needs min <= start <= max, step >= 0");
      s.min = g.args[2];
      if (const double range = g.args[3] - g.args[2]; range > 0 && std::isfinite(range)) {
        const double period = 2 * range;
        // start is within [min, max]: at most half the period, 2^63.
        s.wx0 = static_cast<uint64_t>(std::ldexp((g.args[0] - g.args[2]) / period, 64));
        // A step larger than the period (an absurd walk) wraps: only its share modulo one
        // period moves the walk.
        const double d = std::fmod(std::ldexp(g.args[1] / kWalkUnit / period, 64), 0x1p64);
        s.wd = static_cast<uint64_t>(d);
        s.wunit = std::ldexp(range, -52);
      }
      if (s.is_int && std::fabs(g.args[2]) < 9e17 && std::fabs(g.args[3]) < 9e17) {
        // Its values lie in [round(min), round(max)]: the longer bound is the longest text.
        s.max_chars = pre.size() + post.size() +
                      std::max(std::to_string(round_half(g.args[2])).size(),
                               std::to_string(round_half(g.args[3])).size());
      }
      if (s.is_int && std::fabs(g.args[2]) < 1e15 && std::fabs(g.args[3]) < 1e15 &&
          pre.size() + post.size() < 40 &&
          static_cast<size_t>(round_half(g.args[3]) - round_half(g.args[2]) + 1) *
                  (s.max_chars < 32 ? 32 : 64) <= kMaxIntTableBytes) {
        // Every field text the walk can write, rendered once: pre, integer, post in a slot
        // of 32 or 64 bytes, the length in the last byte (copied whole; kOverhang leaves
        // the room).
        s.ints_min = round_half(g.args[2]);
        const int64_t n = round_half(g.args[3]) - s.ints_min + 1;
        s.slot = s.max_chars < 32 ? 32 : 64;  // the longest text and its length byte fit
        s.ints.assign(static_cast<size_t>(n) * s.slot, '\0');
        for (int64_t i = 0; i < n; ++i) {
          char* slot = s.ints.data() + i * s.slot;
          char* end = slot;
          std::memcpy(end, pre.data(), pre.size());
          end = base::write_i64(end + pre.size(), s.ints_min + i);
          std::memcpy(end, post.data(), post.size());
          end += post.size();
          slot[s.slot - 1] = static_cast<char>(end - slot);
        }
        s.round_off = g.args[2] - static_cast<double>(s.ints_min) + 0.5;
        s.ints_last = n - 1;
        s.kind = Kind::kIntTable;
      } else if (s.is_int && std::fabs(g.args[2]) < 9e17 && std::fabs(g.args[3]) < 9e17) {
        s.kind = Kind::kIntWalk;
        const int64_t lo = round_half(g.args[2]), hi = round_half(g.args[3]);
        if (hi - lo < kMaxDigitTableValues && lo > -100000 && hi < 1000000 && post.size() <= 1) {
          s.kind = Kind::kIntDigits;
          s.ints_min = lo;
          s.ints_last = hi - lo;
          s.digits = digit_table(lo, hi - lo + 1, post);
        }
      }
      s.state = walks_++;
      break;
    case parser::ValueFn::kCounter:
      if (g.args[1] < 0 || g.args[1] > 9e15)
        return base::Status::error("counter(start, max_step) needs 0 <= max_step < 9e15");
      s.max_step_plus_1 = static_cast<uint64_t>(g.args[1]) + 1;
      s.a0_int = static_cast<int64_t>(g.args[0]);
      // Past INT64_MAX the counter wraps back to start (docs/realistic-data.md). The parser
      // keeps |start| and max_step within 9e15: R is far above any step.
      s.wrap = static_cast<uint64_t>(INT64_MAX) - static_cast<uint64_t>(s.a0_int) + 1;
      s.kind = Kind::kCounter;
      s.state = counters_++;
      break;
    case parser::ValueFn::kNormal:
      if (g.args[1] < 0) return base::Status::error("normal(mean, stddev) needs stddev >= 0");
      break;
    default:
      return base::Status::error("not a per-series template");
  }
  *index = specs_.size();
  const uint32_t i = static_cast<uint32_t>(specs_.size());
  if (s.kind == Kind::kIntTable) table_walks_.push_back(i);
  if (s.kind == Kind::kIntWalk) int_walks_.push_back(i);
  if (s.kind == Kind::kIntDigits) digit_walks_.push_back(i);
  if (s.kind == Kind::kCounter) counter_list_.push_back(i);
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

int64_t SeriesFields::walk_steps_memo(const Spec& s, uint64_t slot, uint64_t idh, uint64_t t,
                                      const Life& life) const {
  std::atomic_ref<uint64_t> cell(walk_state_[slot * walks_ + s.state]);
  Local* local = life.local ? &life.local[s.state] : nullptr;
  uint64_t mt = 0;  // t + 1 of the memo, 0 when empty
  uint64_t from = life.birth;
  int64_t u = 0;  // the free walk, in 1/4096 steps
  if (local && local->t1 != 0 && local->t1 - 1 >= life.birth && local->t1 - 1 < life.death) {
    mt = local->t1;
    from = mt - 1;
    u = local->sum;
  } else {
    const uint64_t m = cell.load(std::memory_order_relaxed);
    mt = m >> 32;
    if (mt != 0 && mt - 1 >= life.birth && mt - 1 < life.death) {  // this identity's memo
      from = mt - 1;
      u = static_cast<int32_t>(static_cast<uint32_t>(m));
    }
  }
  // Integer steps make the walk exact both ways: another reactor's memo ahead of t is
  // stepped back, never recomputed from the birth.
  for (uint64_t v = from; v > t; --v) u -= zq_[step_hash(s.key, idh, v) >> 52];
  for (uint64_t v = from + 1; v <= t; ++v) u += zq_[step_hash(s.key, idh, v) >> 52];
  if (t > from || mt == 0) publish_walk(s, slot, t, u);
  if (local) *local = {t + 1, u};
  return u;
}

void SeriesFields::publish_walk(const Spec& s, uint64_t slot, uint64_t t, int64_t u) const {
  if (u < INT32_MIN || u > INT32_MAX) return;
  std::atomic_ref<uint64_t> cell(walk_state_[slot * walks_ + s.state]);
  cell.store(((t + 1) << 32) | static_cast<uint32_t>(static_cast<int32_t>(u)), std::memory_order_relaxed);
}

int64_t SeriesFields::counter_value(const Spec& s, uint64_t slot, uint64_t idh, uint64_t t,
                                    const Life& life) const {
  uint64_t* words = counter_state_ + 2 * (slot * counters_ + s.state);
  std::atomic_ref<uint64_t> value_cell(words[0]), tag_cell(words[1]);
  Local* local = life.local ? &life.local[walks_ + s.state] : nullptr;
  uint64_t from = life.birth;
  uint64_t sum = 0;  // growth since birth, mod R (Spec::wrap)
  bool memo = false;
  if (local && local->t1 != 0 && local->t1 - 1 >= life.birth && local->t1 - 1 < life.death) {
    memo = true;
    from = local->t1 - 1;
    sum = static_cast<uint64_t>(local->sum);
  } else {
    const uint64_t value = value_cell.load(std::memory_order_relaxed);
    const uint64_t tag = tag_cell.load(std::memory_order_relaxed);
    const uint64_t mt = tag >> 32;
    memo = mt != 0 && mt - 1 >= life.birth && mt - 1 < life.death &&
           static_cast<uint32_t>(tag) == counter_check(value, mt - 1);
    if (memo) {
      from = mt - 1;
      sum = value;
    }
  }
  // Integer sums step back exactly from a memo ahead of t.
  for (uint64_t v = from; v > t; --v)
    sum = counter_down(s, sum, mul_hi(step_hash(s.key, idh, v), s.max_step_plus_1));
  for (uint64_t v = from + 1; v <= t; ++v)
    sum = counter_up(s, sum, mul_hi(step_hash(s.key, idh, v), s.max_step_plus_1));
  if (t > from || !memo) {
    value_cell.store(sum, std::memory_order_relaxed);
    tag_cell.store(((t + 1) << 32) | counter_check(sum, t), std::memory_order_relaxed);
  }
  if (local) *local = {t + 1, static_cast<int64_t>(sum)};
  return counter_of(s, sum);
}

double SeriesFields::value(size_t i, uint64_t slot, uint64_t idh, uint64_t t, const Life& given) const {
  const Spec& s = specs_[i];
  Life life = given;
  life.ph = point_hash(idh, t);
  switch (s.fn) {
    case parser::ValueFn::kWalk:
      return walk_value(s, walk_steps(s, slot, idh, t, life));
    case parser::ValueFn::kCounter:
      return static_cast<double>(counter_at(s, slot, idh, t, life));
    default:
      return s.a0 + s.a1 * static_cast<double>(std_normal(z_, step_hash(s.key, idh, t)));
  }
}

char* SeriesFields::write_other(const Spec& s, uint64_t slot, uint64_t idh, uint64_t t,
                                const Life& life, char* dst) const {
  dst = write_pre(s, dst);
  switch (s.fn) {
    case parser::ValueFn::kWalk:
      dst = write_fixed(walk_value(s, walk_steps(s, slot, idh, t, life)), s.decimals, s.scale, dst);
      break;
    case parser::ValueFn::kCounter:
      dst = base::write_i64(dst, counter_at(s, slot, idh, t, life));
      break;
    default:
      dst = write_fixed(s.a0 + s.a1 * static_cast<double>(std_normal(z_, step_hash(s.key, idh, t))),
                        s.decimals, s.scale, dst);
      break;
  }
  std::memcpy(dst, s.post.data(), s.post.size());
  return dst + s.post.size();
}

}  // namespace stressql::generator
