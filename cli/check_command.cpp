#include "cli/check_command.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "parser/parser.h"

namespace stressql::cli {

int run_check(const std::string& path, std::ostream& out, std::ostream& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << "stressql: cannot read " << path << "\n";
    return 2;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string source = buf.str();
  parser::ParseResult r = parser::parse_script(path, source);
  for (const auto& d : r.errors) err << parser::format_diagnostic(path, source, d);
  if (!r.ok()) return 2;
  out << path << ": ok, " << r.script.statements.size() << " statements\n";
  return 0;
}

}  // namespace stressql::cli
