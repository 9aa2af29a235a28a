#pragma once
// Shared helpers for the parser tests.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>

#include "parser/parser.h"

namespace stressql::parser::testing {

inline ParseResult parse(std::string_view text) {
  ParseOptions options;
  options.id_seed = 42;
  return parse_script("t.iql", text, options);
}

// All errors, one per line as `LINE:COL: MESSAGE`, for readable failure output.
inline std::string error_list(const ParseResult& r) {
  std::string s;
  for (const Diagnostic& d : r.errors) {
    s += std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + ": " + d.message + "\n";
  }
  return s;
}

// The single statement of a script that must parse.
template <typename T>
T only(std::string_view text) {
  ParseResult r = parse(text);
  EXPECT_TRUE(r.ok()) << error_list(r);
  EXPECT_EQ(r.script.statements.size(), 1u) << text;
  if (r.script.statements.size() != 1 || !std::holds_alternative<T>(r.script.statements[0].body)) {
    ADD_FAILURE() << "not the expected statement kind: " << text;
    return T{};
  }
  return std::get<T>(r.script.statements[0].body);
}

// The single error of a script that must fail.
inline Diagnostic only_error(std::string_view text) {
  ParseResult r = parse(text);
  EXPECT_EQ(r.errors.size(), 1u) << text << "\n" << error_list(r);
  return r.errors.empty() ? Diagnostic{} : r.errors[0];
}

// The single error of a script that must fail, at LINE:COLUMN, its message holding FRAGMENT.
inline void expect_error(std::string_view text, int line, int column, std::string_view fragment) {
  Diagnostic d = only_error(text);
  EXPECT_EQ(d.pos.line, line) << text << "\n" << d.message;
  EXPECT_EQ(d.pos.column, column) << text << "\n" << d.message;
  EXPECT_NE(d.message.find(fragment), std::string::npos) << d.message;
}

}  // namespace stressql::parser::testing
