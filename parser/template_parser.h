#pragma once
// INSERT value templates (SPEC §3): `[<type> <fn>(<n>) <count>]` and lists `[a|b|c]`.

#include <cstdint>
#include <string>

#include "parser/lexer.h"
#include "parser/parser.h"
#include "parser/script.h"

namespace stressql::parser {

// Longest string `str rand(n)` may generate; longer values are a typo, not a test.
constexpr int64_t kMaxRandomStringLength = 65536;

// REQUIRES: lx->peek() == '['. Parses one template or list, checks that its count is
// achievable, and leaves the cursor just after the closing ']'. On error fills *err
// and returns false (the cursor is then unspecified).
bool parse_template(Lexer* lx, Segment* out, Diagnostic* err);

// "int inc(0) 10", "a|b|c": the template as a user would write it, for messages.
std::string describe_template(const Segment& s);

}  // namespace stressql::parser
