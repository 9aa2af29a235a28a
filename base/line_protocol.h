#pragma once
// Line-protocol text, in one place for everything stressql writes as line protocol: the
// points of an INSERT and the results rows. Escaping for each place a value can stand in,
// the reverse for query variables, and integer digits without a formatter call.

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace stressql::base {

enum class LpPlace : uint8_t {
  kMeasurement,  // `,` and space get a backslash
  kKey,          // tag keys, tag values and field keys: `,`, `=` and space
  kStringField,  // inside a double-quoted string field: `"` and `\`
};

// Appends `raw` to *out, escaped for `place` (no quotes added). A line break (`\n`, `\r`)
// becomes a space: a point is one line. In measurements and keys InfluxDB unescapes only
// the separators and keeps any other backslash as written, but its scanner pairs
// backslashes: a run of them that meets an escaped separator gets one more when it is odd,
// rather than swallowing the separator and corrupting the line; so does an odd run at the
// end when `ends_value` (the separator after the value follows). Pass false for a piece
// that more text of the same value follows.
void lp_escape(std::string_view raw, LpPlace place, std::string* out, bool ends_value = true);
inline std::string lp_escaped(std::string_view raw, LpPlace place, bool ends_value = true) {
  std::string out;
  lp_escape(raw, place, &out, ends_value);
  return out;
}

// Removes the backslashes that line protocol treats as escapes in `place` (`\,` → `,`);
// any other backslash is kept, as InfluxDB keeps it.
std::string lp_unescape(std::string_view text, LpPlace place);

namespace lp_detail {
inline constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
inline constexpr uint64_t kPow10[20] = {1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL};
// Decimal digits of v >= 10: from its bit length (x 1233 / 4096 ~ log10 2), corrected once.
inline int decimal_digits(uint64_t v) {
  const int t = ((64 - __builtin_clzll(v)) * 1233) >> 12;
  return t + 1 - (v < kPow10[t]);
}

// Eight decimal digits of x < 10^8, leading zeros included, as ASCII in one word (the first
// digit in the lowest byte): the lanes split at once (4+4, then 2+2, then 1+1) with
// multiply-shifts that are exact in these ranges (tests/base checks every lane value).
inline uint64_t eight_digits(uint64_t x) {
  const uint64_t hi = x / 10000;
  const uint64_t y = hi | ((x - hi * 10000) << 32);                 // 2 lanes < 10^4
  const uint64_t q = ((y * 10486) >> 20) & 0x0000007F0000007FULL;  // each / 100
  const uint64_t z = q | ((y - q * 100) << 16);                     // 4 lanes < 100
  const uint64_t w = ((z * 103) >> 10) & 0x000F000F000F000FULL;    // each / 10
  return (w | ((z - w * 10) << 8)) + 0x3030303030303030ULL;
}
}  // namespace lp_detail

// Exactly `width` digits of v, leading zeros included (the digits after a decimal point);
// returns the end. REQUIRES: 1 <= width <= 9, v < 10^width; 16 bytes of room (whole 8-byte
// words are stored: bytes past the end may change).
inline char* write_fixed_width(char* dst, uint64_t v, int width) {
  if (width == 9) {
    const uint64_t first = v / 100000000ULL;
    *dst++ = static_cast<char>('0' + first);
    v -= first * 100000000ULL;
    width = 8;
  }
  const uint64_t word = lp_detail::eight_digits(v) >> (8 * (8 - width));
  std::memcpy(dst, &word, 8);
  return dst + width;
}

namespace lp_detail {
// Decimal digits of v < 10^8 at dst, two per step from a table; returns the end.
inline char* write_short(char* dst, uint64_t v) {
  if (v < 10) {
    *dst = static_cast<char>('0' + v);
    return dst + 1;
  }
  const int n = decimal_digits(v);
  char* p = dst + n;
  while (v >= 100) {
    const uint64_t r = v % 100;
    v /= 100;
    p -= 2;
    std::memcpy(p, kDigitPairs + 2 * r, 2);
  }
  if (v >= 10) {
    std::memcpy(p - 2, kDigitPairs + 2 * v, 2);
  } else {
    p[-1] = static_cast<char>('0' + v);
  }
  return dst + n;
}
inline char* put_eight(char* dst, uint64_t x) {
  const uint64_t word = eight_digits(x);
  std::memcpy(dst, &word, 8);
  return dst + 8;
}
}  // namespace lp_detail

// Decimal digits of v at dst; returns the end. REQUIRES: 20 bytes of room. Inline, without
// a formatter call (the points of an INSERT write millions of these a second): up to eight
// leading digits two per step, then the rest eight at a time (counters and timestamps are
// long).
inline char* write_u64(char* dst, uint64_t v) {
  constexpr uint64_t k1e8 = 100000000ULL;
  if (v < k1e8) return lp_detail::write_short(dst, v);
  uint64_t lead = v / k1e8;
  const uint64_t low = v - lead * k1e8;
  if (lead < k1e8) {
    dst = lp_detail::write_short(dst, lead);
  } else {
    const uint64_t top = lead / k1e8;
    dst = lp_detail::put_eight(lp_detail::write_short(dst, top), lead - top * k1e8);
  }
  return lp_detail::put_eight(dst, low);
}
inline char* write_i64(char* dst, int64_t v) {
  if (v >= 0) return write_u64(dst, static_cast<uint64_t>(v));
  *dst = '-';
  return write_u64(dst + 1, 0 - static_cast<uint64_t>(v));
}

}  // namespace stressql::base
