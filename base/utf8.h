#pragma once
// UTF-8 text from outside (a server's error answer, a script's names) made safe to write:
// every writer (text, JSON, HTML, results rows) passes foreign text through here, so one
// stray byte can neither abort a JSON dump nor be cut in half. Pure functions; the cutters
// allocate nothing and may run on a reactor thread.

#include <cstddef>
#include <string>
#include <string_view>

namespace stressql::base {

// U+FFFD REPLACEMENT CHARACTER, as UTF-8.
inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool utf8_valid(std::string_view text);

// Appends `text` to *out with each ill-formed part replaced by one U+FFFD, the Unicode
// "maximal subpart" practice (as WHATWG decoders and Python's errors="replace" do): a
// Latin-1 "é" (0xE9) becomes U+FFFD and the next byte is kept. Well-formed text is
// appended unchanged.
void utf8_sanitize(std::string_view text, std::string* out);
inline std::string utf8_sanitized(std::string_view text) {
  std::string out;
  utf8_sanitize(text, &out);
  return out;
}
// Sanitizes *text in place; copies only when something is ill-formed.
inline void utf8_sanitize_in_place(std::string* text) {
  if (!utf8_valid(*text)) *text = utf8_sanitized(*text);
}

// The length of `text` without a well-formed but incomplete sequence at its end (the
// start of a character that was cut off). Other bytes are kept: ill-formed ones are the
// sanitizer's job. Allocates nothing.
size_t utf8_complete_prefix(std::string_view text);

// The longest prefix of `text` of at most `max` bytes that does not end inside a
// character: `max` itself unless that would split one. Allocates nothing.
inline size_t utf8_cut(std::string_view text, size_t max) {
  return max >= text.size() ? text.size() : utf8_complete_prefix(text.substr(0, max));
}

}  // namespace stressql::base
