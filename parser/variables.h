#pragma once
// Script variables (SPEC §7.2): `${NAME}`, `${NAME:-default}` and `${EXPR}` (integer
// arithmetic: + - * / and parentheses over names, whole numbers and durations such as 10s),
// substituted before parsing, with a map back to the script's own positions so that every
// error still names the file's line and column. Pure: no I/O, no globals.
//
// `${NAME:-default}` is text; once the default holds one of `* / ( ) +`, the whole is an
// expression in which any name may carry a number or duration default:
// `${scale:-10 * (duration:-1h / 10s)}`.
//
// Lines whose first non-blank character is `#` (comments) are left as they are. A name's
// value is text; in an expression it must be a whole number or a duration (`1h`): a
// duration divided by a duration is a number (`${duration / 10s}`), a duration times a
// number a duration, and a duration result is written back as a duration ("3600s").

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "parser/parser.h"
#include "parser/script.h"

namespace stressql::parser {

using Defines = std::map<std::string, std::string, std::less<>>;

// "NAME=VALUE" from --define: NAME is a letter or '_' then letters, digits, '_'. False and
// *error on anything else.
bool parse_define(std::string_view arg, std::string* name, std::string* value, std::string* error);

// The script with its variables substituted, and the way back to the script's positions.
class Substitution {
 public:
  const std::string& text() const { return text_; }
  bool changed() const { return !spans_.empty(); }
  // The script's own position of position `pos` in text(): text copied as it was maps to
  // where it came from, a substituted value to its `${`.
  SourcePos original(SourcePos pos) const;

 private:
  friend bool substitute_variables(std::string_view, const Defines&, Substitution*,
                                   std::vector<Diagnostic>*);
  struct Span {
    size_t out_begin, out_len, src_begin, src_len;
  };
  size_t original_offset(size_t out) const;

  std::string text_;
  std::vector<Span> spans_;  // the substituted `${...}`, in order
  std::vector<size_t> out_lines_;  // start offsets of the lines of text_
  std::vector<size_t> src_lines_;  // ... and of the source's
};

// Substitutes every `${...}` of `source` with `defines`. On errors (an undefined name
// without a default, an unclosed `${`, a bad expression) appends one diagnostic per
// error at the script's own position and returns false.
bool substitute_variables(std::string_view source, const Defines& defines, Substitution* out,
                          std::vector<Diagnostic>* errors);

// The names in `defines` that no `${...}` of `source` mentions (comment lines aside): most
// often a misspelt --define, which would otherwise be ignored in silence.
std::vector<std::string> unused_defines(std::string_view source, const Defines& defines);

// substitute_variables, then parse_script on the result; every diagnostic and statement
// position is the script's own.
ParseResult parse_script_with_defines(std::string_view file, std::string_view source,
                                      const Defines& defines, const ParseOptions& options = {});

}  // namespace stressql::parser
