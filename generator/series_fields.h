#pragma once
// Field templates that draw per series and point (SPEC §7.2): `walk(start, step, min, max)`,
// `counter(start, max_step)` and `normal(mean, stddev)`.
//
// Every value is a pure function of (template, series identity, timestamp index), so any
// split of the points across reactors, shards, retries and --dump renders the same bytes:
//  - walk:    a free random walk u(t_b) = 0, u(t) = u(t-1) + z(t), z standard normal counted
//             in whole 1/4096 units, and the value start + step·u folded into [min, max]
//             (a step past a bound is reflected back: the walk stays in range, lively);
//  - counter: v(t_b) = start; v(t) = v(t-1) + uniform integer in [0, max_step], wrapping
//             back to start past int64's largest value (a counter reset): v = start + g mod
//             R with g the growth and R = INT64_MAX - start + 1, so the memo keeps g mod R
//             and steps it exactly both ways;
//  - normal:  mean + stddev·z(t), independent.
// t_b is the series' birth (0 unless Churn replaced it). Walks and counters depend on their
// past, so each keeps, per series slot, a memo of its newest computed (t, sum): rendering
// t after t-1 costs one step. Sums are integers, so a memo ahead of t (another reactor got
// further) is stepped back exactly, at the cost of the distance, never recomputed from the
// birth. The memo is one atomic word (a walk: t and the 32-bit sum) or two with a check (a
// counter: sum, t and a 32-bit check of both), read and written with relaxed atomics: any
// reactor may render any series; a memo read is always a true (t, sum) or rejected; only a
// step forward writes it. So the bytes never depend on which thread rendered what first;
// only the work does. Series are the unit of ownership in the common case: request i holds
// points [iB, (i+1)B) in time-major order, so with S >= B concurrent requests touch
// different series; with fewer series than a batch they share series at nearby timestamps
// and pay the distance.
//
// Memory: 8 bytes per series per walk, 16 per counter, allocated zeroed and lazily (pages
// are touched as series are): 1 M series × 10 walks hold 80 MB.

// Speed: write() renders a whole field (separator, key, '=', value, suffix). The common
// case, a step forward from this call's own cell, and an int walk over a small range, are
// inline: one hash, one table load, and one fixed-size copy of the field's pre-rendered
// text. Copies are whole 32- or 64-byte moves that may write up to kOverhang bytes past the
// field's end: the next field overwrites them, so a line reserves that room once, at its
// end (PointPlan::max_line_bytes()), not per field (a devops redis line has 31 fields, and
// the send buffers hold 5000 lines' room each).
//
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "base/line_protocol.h"
#include "base/random.h"
#include "base/status.h"
#include "parser/script.h"

namespace stressql::generator {

class SeriesFields {
 public:
  SeriesFields();
  ~SeriesFields();
  SeriesFields(const SeriesFields&) = delete;
  SeriesFields& operator=(const SeriesFields&) = delete;

  // Adds a walk, counter or normal template keyed by `key`, written between `pre` (its
  // separator, key and '=') and `post` ("i" or ""); *index names it in write().
  // Control thread, before allocate().
  base::Status add(const parser::Generator& g, uint64_t key, const std::string& pre,
                   const std::string& post, size_t* index);
  // State for `slots` series. REQUIRES: called once, after every add().
  base::Status allocate(uint64_t slots);

  size_t size() const { return specs_.size(); }
  // The longest text field i writes (pre, value, post); write() may also store up to
  // kOverhang bytes past its end.
  size_t max_chars(size_t i) const { return specs_[i].max_chars; }
  static constexpr size_t kOverhang = 64;
  bool stateful() const { return walks_ + counters_ > 0; }
  // Bytes of per-series state held (zeroed pages not yet touched included).
  size_t state_bytes() const;

  // The timestamps [birth, death) during which a state slot holds one series identity
  // (Churn gives a slot a new identity from time to time; without it [0, max)).
  // One render call's own newest (t + 1, sum) of a series' walk or counter: when a request
  // holds several timestamps of a series (fewer series than a batch), each after the first
  // steps from here, whatever other reactors did to the shared memo meanwhile.
  struct Local {
    uint64_t t1 = 0;  // 0: empty
    int64_t sum = 0;
  };
  struct Life {
    uint64_t birth = 0;
    uint64_t death = UINT64_MAX;
    Local* local = nullptr;  // this series' local_cells() cells for this call, or null
    // Whether a step taken from `local` also updates the shared memo (the call's last
    // point of the series does; the others need not).
    bool publish = true;
    uint64_t ph = 0;  // point_hash(idh, t) of the point being written (REQUIRED by write())
  };
  // Local cells a series needs (one per walk and counter).
  size_t local_cells() const { return walks_ + counters_; }

  // Writes field i (pre, its value at timestamp index t, post) for the series identity
  // whose hash is `idh` (mix64 of the identity), kept in state slot `slot` and living
  // `life`. Returns the end. REQUIRES: max_chars(i) + kOverhang bytes of room; slot < the allocated
  // slots; life.birth <= t < life.death; life.ph == point_hash(idh, t); t < 2^32 - 1.
  // Thread-safe (see the top of the file).
  [[gnu::always_inline]] char* write(size_t i, uint64_t slot, uint64_t idh, uint64_t t, const Life& life,
                                     char* dst) const {
    if (integer(i)) return write_integer(i, integer_value(i, slot, idh, t, life), dst);
    return write_other(specs_[i], slot, idh, t, life, dst);
  }
  // write() in two steps, for templates whose value is an integer (int walks, counters):
  // the integer, then its text. A renderer computes every field's integer first, so the
  // draws of a point run side by side rather than each waiting for the text before it.
  bool integer(size_t i) const { return specs_[i].kind != Kind::kOther; }
  [[gnu::always_inline]] int64_t integer_value(size_t i, uint64_t slot, uint64_t idh, uint64_t t,
                                               const Life& life) const {
    const Spec& s = specs_[i];
    switch (s.kind) {
      case Kind::kIntTable: {  // the table index: round_half(min + x) - ints_min, no sign branch
        const int64_t at = static_cast<int64_t>(walk_offset(s, walk_steps(s, slot, idh, t, life)) + s.round_off);
        return std::min(at, s.ints_last);
      }
      case Kind::kIntWalk:
      case Kind::kIntDigits:
        return round_half(walk_value(s, walk_steps(s, slot, idh, t, life)));
      default:
        return counter_at(s, slot, idh, t, life);
    }
  }
  // integer_value() of every integer template at once, out[i] for template i (the others'
  // entries untouched), looping over each kind's templates without a dispatch per value.
  // Values are pure functions of (series, t), so computing one a line leaves out
  // (MissingFields) changes no byte.
  [[gnu::always_inline]] void integer_values(uint64_t slot, uint64_t idh, uint64_t t, const Life& life,
                                             int64_t* out) const {
    for (const uint32_t i : table_walks_) {
      const Spec& s = specs_[i];
      const int64_t at = static_cast<int64_t>(walk_offset(s, walk_steps(s, slot, idh, t, life)) + s.round_off);
      out[i] = std::min(at, s.ints_last);
    }
    for (const uint32_t i : int_walks_) {
      const Spec& s = specs_[i];
      out[i] = round_half(walk_value(s, walk_steps(s, slot, idh, t, life)));
    }
    for (const uint32_t i : digit_walks_) {
      const Spec& s = specs_[i];
      out[i] = round_half(walk_value(s, walk_steps(s, slot, idh, t, life)));
    }
    for (const uint32_t i : counter_list_) out[i] = counter_at(specs_[i], slot, idh, t, life);
  }
  // REQUIRES: integer(i); v from integer_value(i, ...).
  [[gnu::always_inline]] char* write_integer(size_t i, int64_t v, char* dst) const {
    const Spec& s = specs_[i];
    if (s.kind == Kind::kIntTable) {  // int walk over a small range: the whole field from a table
      const char* e = s.ints.data() + s.slot * static_cast<size_t>(v);
      if (s.slot == 32) {
        std::memcpy(dst, e, 32);
      } else {
        std::memcpy(dst, e, 64);
      }
      return dst + static_cast<unsigned char>(e[s.slot - 1]);
    }
    dst = write_pre(s, dst);
    if (s.kind == Kind::kIntDigits) {  // a wider walk: its digits and 'i' from a shared table
      const int64_t at = std::clamp<int64_t>(v - s.ints_min, 0, s.ints_last);
      const char* e = s.digits + 8 * at;
      std::memcpy(dst, e, 8);
      return dst + static_cast<unsigned char>(e[7]);
    }
    dst = base::write_i64(dst, v);
    *dst = 'i';
    return dst + 1;
  }

  // The walk or counter value itself (tests): as write() renders it, before rounding.
  double value(size_t i, uint64_t slot, uint64_t idh, uint64_t t, const Life& life) const;

  // The draws of a point: one mix of (series identity, timestamp index), shared by its
  // fields, then one multiply per template (keyed by its `key`).
  static uint64_t point_hash(uint64_t idh, uint64_t t) { return base::mix64(idh ^ (t * 0xd1b54a32d192ed03ULL)); }
  static uint64_t draw(uint64_t key, uint64_t ph) { return (ph ^ key) * 0x9e3779b97f4a7c15ULL; }
  // The draw of step u of a series.
  static uint64_t step_hash(uint64_t key, uint64_t idh, uint64_t u) { return draw(key, point_hash(idh, u)); }

 private:
  // Round half away from zero, without a libm call. REQUIRES: |v| < 9e18.
  static int64_t round_half(double v) {
    return v >= 0 ? static_cast<int64_t>(v + 0.5) : -static_cast<int64_t>(-v + 0.5);
  }

  // Tells a torn (value, tag) pair of a counter's memo from a true one: a torn pair matches
  // with chance 2^-32.
  static uint32_t counter_check(uint64_t value, uint64_t t) {
    return static_cast<uint32_t>(((value ^ (t * 0x9e3779b97f4a7c15ULL)) * 0xd6e8feb86659fd93ULL) >> 32);
  }

  // How write() renders a template (kOther: out of line, write_other()). kIntDigits: an int
  // walk over a range too wide for kIntTable's whole-field slots but with few values: pre,
  // then the value's digits and 'i' as one 8-byte entry of a table shared by the walks over
  // the same range (kept small: it stays in L1, where per-field tables of 32-byte slots
  // would not).
  enum class Kind : uint8_t { kIntTable, kIntWalk, kIntDigits, kCounter, kOther };
  struct Spec {
    Kind kind = Kind::kOther;
    parser::ValueFn fn = parser::ValueFn::kWalk;
    bool is_int = false;
    uint64_t key = 0;
    double a0 = 0, a1 = 0;     // start/step, start/max_step, mean/stddev
    double min = 0;    // walk: min
    // Walk: start's position in the period 2·(max - min) and one 1/4096 step's share of it,
    // both in 2^-64 periods, and what a position's top 53 bits are worth (range / 2^52);
    // all 0 when max = min.
    uint64_t wx0 = 0, wd = 0;
    double wunit = 0;
    double round_off = 0;                   // int table: min - ints_min + 0.5
    int64_t ints_last = 0;                  // int table: its last index
    // An int walk over a small range: every field text it can write (pre, integer, post),
    // `slot` bytes each (32 or 64; 0: none), the length in the slot's last byte.
    std::string ints;
    size_t slot = 0;
    int64_t ints_min = 0;                   // int table and digits: the lowest value
    const char* digits = nullptr;           // kIntDigits: 8 bytes per value, the length last
    std::string pre, post;
    char pre32[32] = {};  // pre padded, when it fits (pre_fits): one fixed copy
    uint64_t max_step_plus_1 = 1;    // counter
    int64_t a0_int = 0;              // counter: start
    uint64_t wrap = 0;               // counter: R = INT64_MAX - start + 1 values (> max_step)
    int decimals = 0;
    double scale = 1;  // 10^decimals
    size_t state = 0;  // index among walks or counters
    size_t max_chars = 0;
  };
  // The digit table of values [lo, lo + n), each followed by `post` (shared by equal ranges).
  const char* digit_table(int64_t lo, int64_t n, const std::string& post);
  char* write_other(const Spec& s, uint64_t slot, uint64_t idh, uint64_t t, const Life& life,
                    char* dst) const;
  char* write_pre(const Spec& s, char* dst) const {
    if (s.pre.size() < 32) {
      std::memcpy(dst, s.pre32, 32);
      return dst + s.pre.size();
    }
    std::memcpy(dst, s.pre.data(), s.pre.size());
    return dst + s.pre.size();
  }
  // The free walk at t in 1/4096 steps, through the memo. Inline: a step forward from the
  // call's own cell; the rest in walk_steps_memo().
  [[gnu::always_inline]] int64_t walk_steps(const Spec& s, uint64_t slot, uint64_t idh, uint64_t t,
                                            const Life& life) const {
    if (life.local) {
      Local& l = life.local[s.state];
      if (l.t1 == t && t > life.birth) {  // the cell holds t - 1 of this identity
        const int64_t u = l.sum + zq_[draw(s.key, life.ph) >> 52];
        l = {t + 1, u};
        if (life.publish) publish_walk(s, slot, t, u);
        return u;
      }
    }
    // The shared memo holds t - 1 (the request before this one ended there): one step too.
    const uint64_t m = std::atomic_ref<uint64_t>(walk_state_[slot * walks_ + s.state]).load(std::memory_order_relaxed);
    if ((m >> 32) == t && t > life.birth) {
      const int64_t u = static_cast<int32_t>(static_cast<uint32_t>(m)) + zq_[draw(s.key, life.ph) >> 52];
      if (life.local) life.local[s.state] = {t + 1, u};
      if (!life.local || life.publish) publish_walk(s, slot, t, u);
      return u;
    }
    return walk_steps_memo(s, slot, idh, t, life);
  }
  int64_t walk_steps_memo(const Spec& s, uint64_t slot, uint64_t idh, uint64_t t, const Life& life) const;
  void publish_walk(const Spec& s, uint64_t slot, uint64_t t, int64_t u) const;
  // The free walk from start folded into [0, max - min], in integers: the position in the
  // fold's period (2·range: up to max, then back down) is a 64-bit fraction, so u steps of
  // Spec::wd wrap around the period by themselves (unsigned arithmetic), and the second half
  // of the period reflects onto the first by flipping its bits (a step past a bound comes
  // back). No division, floor or branch; exact for any u, so it steps back as it went.
  double walk_offset(const Spec& s, int64_t u) const {
    uint64_t r = s.wx0 + static_cast<uint64_t>(u) * s.wd;
    r ^= static_cast<uint64_t>(static_cast<int64_t>(r) >> 63);  // [0, 2^63): up, then back down
    return static_cast<double>(static_cast<int64_t>(r >> 11)) * s.wunit;  // [0, range)
  }
  double walk_value(const Spec& s, int64_t u) const { return s.min + walk_offset(s, u); }
  // A counter's growth mod R (Spec::wrap) one step (< R: the parser keeps |start| and
  // max_step within 9e15) forward, or back.
  static uint64_t counter_up(const Spec& s, uint64_t sum, uint64_t step) {
    const uint64_t room = s.wrap - sum;  // steps left before the wrap
    return step >= room ? step - room : sum + step;
  }
  static uint64_t counter_down(const Spec& s, uint64_t sum, uint64_t step) {
    return sum >= step ? sum - step : sum + (s.wrap - step);
  }
  // start + growth (< R): in int64 by construction.
  static int64_t counter_of(const Spec& s, uint64_t sum) {
    return static_cast<int64_t>(static_cast<uint64_t>(s.a0_int) + sum);
  }
  // The counter at t: inline for a step from the call's own cell or from the shared memo.
  int64_t counter_at(const Spec& s, uint64_t slot, uint64_t idh, uint64_t t, const Life& life) const {
    uint64_t* words = counter_state_ + 2 * (slot * counters_ + s.state);
    if (life.local) {
      Local& l = life.local[walks_ + s.state];
      if (l.t1 == t && t > life.birth) {  // the cell holds t - 1 of this identity
        const uint64_t h = draw(s.key, life.ph);
        const uint64_t next = counter_up(
            s, static_cast<uint64_t>(l.sum),
            static_cast<uint64_t>((static_cast<unsigned __int128>(h) * s.max_step_plus_1) >> 64));
        l = {t + 1, static_cast<int64_t>(next)};
        if (life.publish) {
          std::atomic_ref<uint64_t>(words[0]).store(next, std::memory_order_relaxed);
          std::atomic_ref<uint64_t>(words[1]).store(((t + 1) << 32) | counter_check(next, t), std::memory_order_relaxed);
        }
        return counter_of(s, next);
      }
    }
    // The shared memo holds t - 1: one step too.
    const uint64_t value = std::atomic_ref<uint64_t>(words[0]).load(std::memory_order_relaxed);
    const uint64_t tag = std::atomic_ref<uint64_t>(words[1]).load(std::memory_order_relaxed);
    if ((tag >> 32) == t && t > life.birth && static_cast<uint32_t>(tag) == counter_check(value, t - 1)) {
      const uint64_t h = draw(s.key, life.ph);
      const uint64_t next = counter_up(
          s, value,
          static_cast<uint64_t>((static_cast<unsigned __int128>(h) * s.max_step_plus_1) >> 64));
      if (life.local) life.local[walks_ + s.state] = {t + 1, static_cast<int64_t>(next)};
      if (!life.local || life.publish) {
        std::atomic_ref<uint64_t>(words[0]).store(next, std::memory_order_relaxed);
        std::atomic_ref<uint64_t>(words[1]).store(((t + 1) << 32) | counter_check(next, t), std::memory_order_relaxed);
      }
      return counter_of(s, next);
    }
    return counter_value(s, slot, idh, t, life);
  }
  int64_t counter_value(const Spec& s, uint64_t slot, uint64_t idh, uint64_t t, const Life& life) const;

  std::vector<Spec> specs_;
  // The integer templates by kind, for integer_values().
  std::vector<uint32_t> table_walks_, int_walks_, digit_walks_, counter_list_;
  std::deque<std::string> digit_tables_;  // kIntDigits' tables (stable addresses), by range
  size_t walks_ = 0, counters_ = 0;
  uint64_t slots_ = 0;
  uint64_t* walk_state_ = nullptr;     // slots_ × walks_ words
  uint64_t* counter_state_ = nullptr;  // slots_ × counters_ × 2 words
  const float* z_ = nullptr;
  int32_t zq_[4096];  // z_ in 1/4096 units: integer steps, exact both ways
};

// Writes `v` with `decimals` digits after the point ("12.50"), or rounded to an integer
// when decimals is 0. `scale` is 10^decimals. At most 32 bytes.
char* write_fixed(double v, int decimals, double scale, char* dst);

}  // namespace stressql::generator
