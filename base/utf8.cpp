#include "base/utf8.h"

#include <cstdint>

namespace stressql::base {
namespace {

// The well-formed byte sequences (Unicode Table 3-7): a lead byte fixes the length and the
// range of the second byte; every later byte is 80..BF.
struct Lead {
  uint8_t length;       // 0: not a lead byte
  uint8_t second_lo, second_hi;
};

Lead lead(uint8_t b) {
  if (b < 0x80) return {1, 0, 0};
  if (b < 0xC2) return {0, 0, 0};                // continuation bytes, overlong C0/C1
  if (b < 0xE0) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};         // no overlong 3-byte forms
  if (b == 0xED) return {3, 0x80, 0x9F};         // no surrogates
  if (b < 0xF0) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};         // no overlong 4-byte forms
  if (b < 0xF4) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};         // nothing above U+10FFFF
  return {0, 0, 0};
}

// How many bytes at p[0, n) (n > 0) follow the rules for a sequence, at most its length;
// *complete is true when that is the whole sequence. 0 when p[0] is not a lead byte.
size_t well_formed_run(const uint8_t* p, size_t n, bool* complete) {
  const Lead l = lead(p[0]);
  *complete = l.length == 1;
  if (l.length <= 1) return l.length;
  size_t i = 1;
  for (; i < l.length && i < n; ++i) {
    const uint8_t lo = i == 1 ? l.second_lo : 0x80, hi = i == 1 ? l.second_hi : 0xBF;
    if (p[i] < lo || p[i] > hi) break;
  }
  *complete = i == l.length;
  return i;
}

}  // namespace

bool utf8_valid(std::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    bool complete = false;
    size_t run = well_formed_run(p + i, n - i, &complete);
    if (!complete) return false;
    i += run;
  }
  return true;
}

void utf8_sanitize(std::string_view text, std::string* out) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  out->reserve(out->size() + n);
  size_t clean = 0;  // start of the well-formed stretch not yet appended
  for (size_t i = 0; i < n;) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    bool complete = false;
    size_t run = well_formed_run(p + i, n - i, &complete);
    if (complete) {
      i += run;
      continue;
    }
    out->append(text.data() + clean, i - clean);
    out->append(kReplacementChar);
    i += run == 0 ? 1 : run;  // the maximal subpart, or the one stray byte
    clean = i;
  }
  out->append(text.data() + clean, n - clean);
}

size_t utf8_complete_prefix(std::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  // A cut-off character started at most 3 bytes before the end.
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    const size_t at = n - back;
    if ((p[at] & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    bool complete = false;
    size_t run = well_formed_run(p + at, back, &complete);
    return !complete && run == back ? at : n;
  }
  return n;
}

}  // namespace stressql::base
