#pragma once
// Generated values of the point generator: `[<type> <fn>(<arg>) <count>]` (SPEC §3).
//
// Every value is a pure function of (key, i), so any split of the points across reactors
// renders the same bytes and the same seed gives the same bytes:
//  - count > 0: i is the value index in [0, count). `rand` values are the first `count`
//    elements of a keyed pseudo-random permutation of the value domain, so they are
//    distinct by construction and need no table to stay so.
//  - count == 0 (unbounded): i is the timestamp index; `rand` draws hash(key, i).
// Value domains: int rand(n) → [0, n); float rand(n) → the multiples of 2^e in [0, n)
// with e = ceil(log2 n) - 52 (exactly representable, so distinct values print
// distinctly); str rand(n) → n chars of [0-9a-z] (the first min(n, 12) chars are the
// permuted part, the rest hashed).

#include <cstddef>
#include <cstdint>

#include "base/random.h"
#include "base/status.h"
#include "parser/script.h"

namespace stressql::generator {

// Longest `str rand(n)` accepted; keeps max_line_bytes() meaningful.
constexpr int64_t kMaxRandStrChars = 65536;

using base::hash2;
using base::mix64;

// A keyed bijection on [0, domain): a 4-round Feistel network on the next even power of
// two, cycle-walking until the result falls inside the domain (≤ 4 rounds expected).
class Permutation {
 public:
  void init(uint64_t domain, uint64_t key);
  uint64_t at(uint64_t i) const;  // REQUIRES: i < domain

 private:
  uint64_t encrypt(uint64_t x) const;
  uint64_t domain_ = 1;
  int half_bits_ = 1;
  uint64_t mask_ = 1;
  uint64_t keys_[4] = {};
};

class ValueGen {
 public:
  // Checks `spec` (rand needs n ≥ 1; count must fit the domain) and keys it.
  static base::Status create(const parser::Generator& spec, uint64_t key, ValueGen* out);

  const parser::Generator& spec() const { return spec_; }
  bool unbounded() const { return spec_.count == 0; }
  size_t max_chars() const { return max_chars_; }
  // Writes value i (see top of file) at dst, returns the end. REQUIRES: max_chars() room.
  // Thread-safe: const and allocation-free.
  char* write(uint64_t i, char* dst) const;

 private:
  uint64_t draw(uint64_t i) const;  // rand: the i-th element of the domain to render
  char* write_rand_str(uint64_t i, uint64_t r, char* dst) const;

  parser::Generator spec_;
  uint64_t key_ = 0;
  uint64_t domain_ = 0;  // rand only
  int float_exp_ = 0;    // float rand: value = r * 2^float_exp_
  int str_head_ = 0;     // str rand: chars taken from the drawn number
  Permutation perm_;
  size_t max_chars_ = 0;
  const float* z_ = nullptr;  // normal(mean, stddev): value i is mean + stddev·z(hash(key, i))
  double scale_ = 1;
};

}  // namespace stressql::generator
