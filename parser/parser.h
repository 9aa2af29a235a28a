#pragma once
// Text in, Script out (SPEC §1–3). No I/O, no globals: the caller reads the file.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parser/script.h"
#include "parser/settings.h"

namespace stressql::parser {

struct Diagnostic {
  SourcePos pos;
  std::string message;  // says what was found and what was expected
};

struct ParseOptions {
  // Seeds statement IDs; the same seed gives the same IDs. 0 picks a random seed.
  uint64_t id_seed = 0;
};

struct ParseResult {
  Script script;                    // meaningful only when errors is empty
  std::vector<Diagnostic> errors;   // every broken block, in source order
  bool ok() const { return errors.empty(); }
};

// Parses `source` (the bytes of `file`). Never throws, never hangs, never reads out of
// bounds, whatever the bytes.
ParseResult parse_script(std::string_view file, std::string_view source,
                         const ParseOptions& options = {});

// `FILE:LINE:COL: error: MESSAGE`, then the source line and a caret under the column.
std::string format_diagnostic(std::string_view file, std::string_view source,
                              const Diagnostic& d);

}  // namespace stressql::parser
