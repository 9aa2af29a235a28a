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
  // Parsing stops after this many broken blocks, with one last error saying so.
  size_t max_errors = 100;
};

struct ParseResult {
  Script script;                   // meaningful only when errors is empty
  std::vector<Diagnostic> errors;  // every broken block, in source order
  bool ok() const { return errors.empty(); }

  // The SET values in force when script.statements[i] starts (for a SET: before it
  // applies its own value). Command-line overrides are not included.
  // REQUIRES: i < script.statements.size().
  const Settings& settings_for(size_t i) const { return snapshots[snapshot_of[i]]; }

  // One Settings per SET (plus the defaults), and for each statement the index of its
  // snapshot: cheaper than a full copy per statement in a script of 100k statements.
  std::vector<Settings> snapshots{Settings{}};
  std::vector<uint32_t> snapshot_of;
};

// Parses `source` (the bytes of `file`). Never throws, never hangs, never reads out of
// bounds, whatever the bytes.
ParseResult parse_script(std::string_view file, std::string_view source,
                         const ParseOptions& options = {});

// `FILE:LINE:COL: error: MESSAGE`, then the source line and a caret under the column.
// Tabs before the column are echoed in the caret line so the caret stays aligned;
// control bytes and invalid UTF-8 in the shown line become '?'; a very long line is
// shown as a window around the column.
std::string format_diagnostic(std::string_view file, std::string_view source, const Diagnostic& d);

// Start offsets of every line of a source, so many diagnostics can be formatted
// without rescanning the file for each. REQUIRES: `source` outlives the index.
class LineIndex {
 public:
  explicit LineIndex(std::string_view source);
  // Line `n` (1-based) without its line break and trailing '\r'; empty when out of range.
  std::string_view line(int n) const;

 private:
  std::string_view source_;
  std::vector<size_t> starts_;
};

std::string format_diagnostic(std::string_view file, const LineIndex& lines, const Diagnostic& d);

}  // namespace stressql::parser
