#pragma once
// Ten-megabyte inputs of the shapes that stress a parser: many statements, one huge
// line, runs of brackets, a million fields, a huge query, endless errors, blank lines.
// Shared by parser_test (right results, no hang) and bench/parser_bench (speed).

#include <string>
#include <utility>
#include <vector>

namespace stressql::parser {

inline std::vector<std::pair<std::string, std::string>> big_inputs() {
  constexpr size_t kSize = 10 << 20;
  std::vector<std::pair<std::string, std::string>> out;
  std::string many;
  while (many.size() < kSize) {
    many +=
        "GO INSERT cpu\ncpu,host=server-[int inc(0) 100],loc=[a|b]\nvalue=[float rand(1) 0] 1000 "
        "1s\n\n";
    many += "QUERY cpu SELECT * FROM %m WHERE %t DO 3\n\n";
  }
  out.emplace_back("statements", std::move(many));
  out.emplace_back("one_line", std::string(kSize, 'a'));
  std::string brackets = "INSERT x cpu,h=";
  brackets.append(kSize, '[');
  out.emplace_back("brackets", std::move(brackets));
  std::string closers = "INSERT x cpu,h=";
  closers.append(kSize, ']');
  closers += " v=1 1 1s";
  out.emplace_back("closers", std::move(closers));
  std::string fields = "INSERT x cpu ";
  // Appended piece by piece: gcc 12's -Wrestrict misfires on "f" + to_string(i) at -O3.
  for (int i = 0; fields.size() < kSize; ++i) {
    fields += 'f';
    fields += std::to_string(i);
    fields += "=1,";
  }
  fields += "z=1 1 1s";
  out.emplace_back("fields", std::move(fields));
  std::string query = "QUERY q SELECT";
  while (query.size() < kSize) query += " a\n";
  query += "DO 1";
  out.emplace_back("query", std::move(query));
  std::string errors;
  while (errors.size() < kSize) errors += "x\n\n";
  out.emplace_back("errors", std::move(errors));
  out.emplace_back("blank_lines", std::string(kSize, '\n'));
  return out;
}

}  // namespace stressql::parser
