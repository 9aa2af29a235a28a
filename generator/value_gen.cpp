#include "generator/value_gen.h"

#include <charconv>
#include <cmath>
#include <string>

#include "base/line_protocol.h"
#include "generator/bits.h"
#include "generator/normal_table.h"
#include "generator/series_fields.h"

namespace stressql::generator {

using base::write_i64;
using base::write_u64;

namespace {

constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
constexpr int kCharsPerDraw = 12;  // 36^12 < 2^64
// Fixed-notation shortest round-trip of a float value. Values stay below 2^63 and at or
// above 2^-52 (or 0), so 20 integer digits, a point and 17 significant digits suffice.
constexpr size_t kFloatMaxChars = 48;

int ceil_log2(uint64_t v) {  // v ≥ 1
  return v <= 1 ? 0 : 64 - __builtin_clzll(v - 1);
}

char* write_float(double v, char* dst) {
  return std::to_chars(dst, dst + kFloatMaxChars, v, std::chars_format::fixed).ptr;
}

const char* type_name(parser::ValueType t) {
  switch (t) {
    case parser::ValueType::kInt: return "int";
    case parser::ValueType::kFloat: return "float";
    case parser::ValueType::kStr: return "str";
  }
  return "?";
}

}  // namespace

void Permutation::init(uint64_t domain, uint64_t key) {
  domain_ = domain;
  int bits = ceil_log2(domain);
  if (bits < 2) bits = 2;
  if (bits % 2) ++bits;
  half_bits_ = bits / 2;
  mask_ = (uint64_t{1} << half_bits_) - 1;
  for (int r = 0; r < 4; ++r) keys_[r] = hash2(key, 0x5eed0000u + r);
}

uint64_t Permutation::encrypt(uint64_t x) const {
  uint64_t l = x >> half_bits_;
  uint64_t r = x & mask_;
  for (uint64_t k : keys_) {
    uint64_t next = l ^ (mix64(r ^ k) & mask_);
    l = r;
    r = next;
  }
  return (l << half_bits_) | r;
}

uint64_t Permutation::at(uint64_t i) const {
  // A bijection's cycle through i returns to i, so the walk ends.
  uint64_t x = i;
  do x = encrypt(x);
  while (x >= domain_);
  return x;
}

base::Status ValueGen::create(const parser::Generator& spec, uint64_t key, ValueGen* out) {
  ValueGen g;
  g.spec_ = spec;
  g.key_ = key;
  std::string what = std::string(type_name(spec.type)) +
                     (spec.fn == parser::ValueFn::kInc    ? " inc("
                      : spec.fn == parser::ValueFn::kRand ? " rand("
                                                          : " template(") +
                     std::to_string(spec.arg) + ") " + std::to_string(spec.count);
  if (spec.count < 0) return base::Status::error(what + ": count must be >= 0");
  if (spec.fn == parser::ValueFn::kWalk || spec.fn == parser::ValueFn::kCounter)
    return base::Status::error("walk and counter keep state per series: only a field value");
  if (spec.fn == parser::ValueFn::kNormal) {
    if (spec.type == parser::ValueType::kStr || spec.args[1] < 0)
      return base::Status::error("normal(mean, stddev) makes int or float values, stddev >= 0");
    g.z_ = normal_table();
    g.scale_ = std::pow(10.0, spec.type == parser::ValueType::kInt ? 0 : spec.decimals);
    g.max_chars_ = 32;
    *out = g;
    return base::Status::ok();
  }
  if (spec.fn == parser::ValueFn::kRand) {
    if (spec.arg < 1) return base::Status::error(what + ": rand(n) needs n >= 1");
    uint64_t n = static_cast<uint64_t>(spec.arg);
    switch (spec.type) {
      case parser::ValueType::kInt: g.domain_ = n; break;
      case parser::ValueType::kFloat: {
        g.float_exp_ = ceil_log2(n) - 52;
        g.domain_ = g.float_exp_ >= 0 ? n >> g.float_exp_ : n << -g.float_exp_;
        break;
      }
      case parser::ValueType::kStr: {
        if (spec.arg > kMaxRandStrChars)
          return base::Status::error(what + ": at most " + std::to_string(kMaxRandStrChars) +
                               " characters");
        g.str_head_ = spec.arg < kCharsPerDraw ? static_cast<int>(spec.arg) : kCharsPerDraw;
        g.domain_ = 1;
        for (int c = 0; c < g.str_head_; ++c) g.domain_ *= 36;
        break;
      }
    }
    if (static_cast<uint64_t>(spec.count) > g.domain_)
      return base::Status::error(what + ": the range holds only " + std::to_string(g.domain_) +
                           " distinct values");
    if (spec.count > 0) g.perm_.init(g.domain_, key);
  }
  switch (spec.type) {
    case parser::ValueType::kInt: g.max_chars_ = 20; break;
    case parser::ValueType::kFloat: g.max_chars_ = kFloatMaxChars; break;
    case parser::ValueType::kStr:
      g.max_chars_ = spec.fn == parser::ValueFn::kRand ? static_cast<size_t>(spec.arg) : 20;
      break;
  }
  *out = g;
  return base::Status::ok();
}

uint64_t ValueGen::draw(uint64_t i) const {
  if (spec_.count > 0) return perm_.at(i);
  return mul_hi(hash2(key_, i), domain_);
}

char* ValueGen::write_rand_str(uint64_t i, uint64_t r, char* dst) const {
  // Head: fixed-width base 36 of the drawn number (distinct draws, distinct heads).
  for (int c = str_head_ - 1; c >= 0; --c) {
    dst[c] = kAlphabet[r % 36];
    r /= 36;
  }
  dst += str_head_;
  // Tail: hashed chars, 12 per hash (the slight modulo bias is irrelevant for load).
  uint64_t rest = static_cast<uint64_t>(spec_.arg) - str_head_;
  for (uint64_t chunk = 1; rest > 0; ++chunk) {
    uint64_t h = hash2(key_ ^ (chunk * 0x9e3779b97f4a7c15ULL), i);
    int take = rest < kCharsPerDraw ? static_cast<int>(rest) : kCharsPerDraw;
    for (int c = 0; c < take; ++c) {
      *dst++ = kAlphabet[h % 36];
      h /= 36;
    }
    rest -= take;
  }
  return dst;
}

char* ValueGen::write(uint64_t i, char* dst) const {
  if (spec_.fn == parser::ValueFn::kNormal) {
    const double v = spec_.args[0] + spec_.args[1] * double(std_normal(z_, hash2(key_, i)));
    return write_fixed(v, spec_.type == parser::ValueType::kInt ? 0 : spec_.decimals, scale_, dst);
  }
  if (spec_.fn == parser::ValueFn::kInc) {
    // Wrapping arithmetic: inc past INT64_MAX wraps instead of being undefined.
    int64_t v = static_cast<int64_t>(static_cast<uint64_t>(spec_.arg) + i);
    if (spec_.type == parser::ValueType::kFloat) return write_float(static_cast<double>(v), dst);
    return write_i64(dst, v);
  }
  uint64_t r = draw(i);
  switch (spec_.type) {
    case parser::ValueType::kInt: return write_u64(dst, r);
    case parser::ValueType::kFloat: return write_float(std::ldexp(static_cast<double>(r), float_exp_), dst);
    case parser::ValueType::kStr: return write_rand_str(i, r, dst);
  }
  return dst;
}

}  // namespace stressql::generator
