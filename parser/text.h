#pragma once
// Small byte-level helpers shared by the parser files. Everything here is ASCII-only on
// purpose: stressql keywords are ASCII, and bytes >= 0x80 are never blanks or letters
// that change meaning, so UTF-8 text passes through untouched.

#include <cstdint>
#include <string>
#include <string_view>

namespace stressql::parser {

// Spaces, tabs and carriage returns: blanks inside one line.
inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
inline bool is_space(char c) { return is_blank(c) || c == '\n'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b);
std::string_view trim_blanks(std::string_view s);  // blanks and newlines at both ends

// Unsigned decimal digits only (no sign, no blanks). False when empty, not all digits,
// or above `max`.
bool parse_uint(std::string_view s, uint64_t max, uint64_t* out);
// Optional '-' then digits; false on anything else or outside int64.
bool parse_int64(std::string_view s, int64_t* out);

// a * b and a + b clamped to UINT64_MAX.
uint64_t saturating_mul(uint64_t a, uint64_t b);
uint64_t saturating_add(uint64_t a, uint64_t b);

// Input text quoted in an error message: at most ~32 bytes, control bytes and invalid
// UTF-8 shown as \xNN so a message never carries raw garbage to the terminal.
std::string quote_snippet(std::string_view s);

// quote_snippet(s) between single quotes. (Built by appending: gcc 12 warns falsely
// with -Wrestrict on `"'" + std::string`.)
std::string quoted(std::string_view s);

// The first run of non-space bytes of `s` (for "unexpected '…'" messages).
std::string_view first_word(std::string_view s);

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid
// (overlong, surrogate, above U+10FFFF, truncated).
size_t utf8_sequence_length(std::string_view s, size_t i);

}  // namespace stressql::parser
