#include "base/duration_text.h"

namespace stressql::base {

namespace {

// Writes the `digits` low decimal digits of *v as a fraction, right to left ending at *w,
// dropping trailing zeros (and the point itself if nothing is left); leaves the integer part
// in *v. Mirrors fmtFrac in Go's time package.
void put_fraction(char* buf, int* w, uint64_t* v, int digits) {
  bool print = false;
  for (int i = 0; i < digits; ++i) {
    const auto digit = static_cast<char>(*v % 10);
    print = print || digit != 0;
    if (print) buf[--*w] = static_cast<char>('0' + digit);
    *v /= 10;
  }
  if (print) buf[--*w] = '.';
}

void put_integer(char* buf, int* w, uint64_t v) {
  do {
    buf[--*w] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
}

}  // namespace

std::string duration_text(int64_t ns) {
  // Longest output is "-2562047h47m16.854775808s": 25 bytes.
  char buf[32];
  int w = sizeof(buf);
  // Negate in unsigned arithmetic so that INT64_MIN has a magnitude too.
  uint64_t u = static_cast<uint64_t>(ns);
  const bool negative = ns < 0;
  if (negative) u = 0 - u;

  constexpr uint64_t kMicrosecond = 1'000;
  constexpr uint64_t kMillisecond = 1'000'000;
  constexpr uint64_t kSecond = 1'000'000'000;
  buf[--w] = 's';
  if (u < kSecond) {
    // Below a second Go switches to the largest unit that keeps an integer part: 1.2ms.
    int digits = 0;
    if (u == 0) {
      return "0s";
    } else if (u < kMicrosecond) {
      buf[--w] = 'n';
    } else if (u < kMillisecond) {
      digits = 3;
      buf[--w] = '\xb5';  // U+00B5 MICRO SIGN in UTF-8, as Go prints it (not U+03BC)
      buf[--w] = '\xc2';
    } else {
      digits = 6;
      buf[--w] = 'm';
    }
    put_fraction(buf, &w, &u, digits);
    put_integer(buf, &w, u);
  } else {
    put_fraction(buf, &w, &u, 9);
    put_integer(buf, &w, u % 60);  // seconds
    u /= 60;
    if (u > 0) {
      buf[--w] = 'm';
      put_integer(buf, &w, u % 60);
      u /= 60;
      // Go stops at hours: days vary in length.
      if (u > 0) {
        buf[--w] = 'h';
        put_integer(buf, &w, u);
      }
    }
  }
  if (negative) buf[--w] = '-';
  return std::string(buf + w, sizeof(buf) - w);
}

}  // namespace stressql::base
