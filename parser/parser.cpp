#include "parser/parser.h"

namespace stressql::parser {

ParseResult parse_script(std::string_view file, std::string_view, const ParseOptions&) {
  ParseResult r;
  r.script.file = std::string(file);
  r.errors.push_back({{1, 1}, "parser not implemented yet"});
  return r;
}

std::string format_diagnostic(std::string_view file, std::string_view, const Diagnostic& d) {
  return std::string(file) + ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) +
         ": error: " + d.message + "\n";
}

}  // namespace stressql::parser
