#pragma once
// The two helpers every statement parser uses to report an error.

#include <string>
#include <utility>

#include "parser/parser.h"

namespace stressql::parser {

// "LINE:COL", for messages that point at another place ("… started at 3:10").
inline std::string pos_text(SourcePos p) {
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

// Stores the error and returns false, so a parser can `return fail(err, pos, "…");`.
inline bool fail(Diagnostic* err, SourcePos pos, std::string message) {
  *err = {pos, std::move(message)};
  return false;
}

}  // namespace stressql::parser
