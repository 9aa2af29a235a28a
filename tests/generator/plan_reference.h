#pragma once
// A deliberately simple reference for INSERT rendering (SPEC §3), sharing no code with
// engine/: nested loops and std::to_string. Random values cannot be predicted without
// sharing the generator, so the reference leaves a hole for each; LineMatcher checks
// the real value against the hole: its shape and range, that the same (template, value
// index) always renders the same text, and that a template with a count yields distinct
// values for distinct indices.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "parser/script.h"

namespace stressql::testing {

struct Hole {
  int tmpl = 0;               // template number in written order (tags, then fields)
  parser::ValueType type = parser::ValueType::kInt;
  int64_t arg = 0;
  uint64_t index = 0;         // value index (count > 0) or timestamp index (count 0)
  bool bounded = false;
};

// A reference line: text[0] hole[0] text[1] … text[n].
struct RefLine {
  std::vector<std::string> text;
  std::vector<Hole> holes;
};

RefLine reference_line(const parser::InsertStmt& stmt, int64_t unit_ns, int64_t start_ns,
                       uint64_t k);

class LineMatcher {
 public:
  // Empty when `actual` fits `ref`, else what went wrong.
  std::string match(const RefLine& ref, const std::string& actual);

 private:
  std::map<std::pair<int, uint64_t>, std::string> seen_;
  std::map<std::pair<int, std::string>, uint64_t> seen_text_;
};

// Line-protocol escaping, written again on purpose.
// `ends_value`: nothing of the tag value follows (an odd trailing backslash run is paired).
std::string ref_escape_key(const std::string& s, bool ends_value);
std::string ref_escape_string_field(const std::string& s);

}  // namespace stressql::testing
