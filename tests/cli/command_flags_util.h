#pragma once
// Reads `stressql SUBCOMMAND --flag …` command lines out of documentation (CI workflows,
// README.md, docs/) and checks their flags against the binary's own --help, so an example
// that names a flag stressql no longer has fails a test instead of a user.

#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/run_test_util.h"

namespace stressql::testing {

// Whitespace-separated tokens, with shell line continuations ("\\\n") joined.
inline std::vector<std::string> command_tokens(std::string text) {
  for (size_t at = text.find("\\\n"); at != std::string::npos; at = text.find("\\\n", at))
    text.erase(at, 2);
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

// Every "--flag" given to a `stressql SUBCOMMAND` in `text`, by subcommand. A command ends at
// a shell operator, a comment, a closing quote, a YAML list item or key. Flags of a synopsis
// (`[--step 10s]`) count too.
inline std::map<std::string, std::set<std::string>> stressql_flags(const std::string& text) {
  std::map<std::string, std::set<std::string>> out;
  const std::vector<std::string> t = command_tokens(text);
  const std::set<std::string> subcommands = {"run", "compare", "report", "check", "find-max"};
  const std::set<std::string> ends = {">", ">>", "|", "||", "&&", ";", "-"};
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    std::string word = t[i];
    if (!word.empty() && (word[0] == '\'' || word[0] == '"')) word.erase(0, 1);
    if (word != "stressql" || subcommands.count(t[i + 1]) == 0) continue;
    const std::string sub = t[i + 1];
    out[sub];  // a command without flags still counts as one
    for (size_t j = i + 2;
         j < t.size() && ends.count(t[j]) == 0 && t[j].back() != ':' && t[j][0] != '#'; ++j) {
      const size_t start = t[j].find_first_not_of('[');
      const std::string arg = start == std::string::npos ? "" : t[j].substr(start);
      if (arg.rfind("--", 0) == 0) out[sub].insert(arg.substr(0, arg.find_first_of("=\"']")));
      if (t[j].back() == '\'') break;  // the end of an `sh -c '...'`
    }
  }
  return out;
}

// Flags of `stressql SUB` that its --help does not list, as "SUB --flag".
inline std::vector<std::string> unknown_flags(
    const std::map<std::string, std::set<std::string>>& used) {
  std::vector<std::string> unknown;
  for (const auto& [sub, flags] : used) {
    ProcessResult help = stressql({sub, "--help"}, std::chrono::seconds(30));
    EXPECT_EQ(help.exit_code, 0) << help.err;
    for (const std::string& flag : flags) {
      bool listed = false;
      for (size_t at = help.out.find(flag); at != std::string::npos;
           at = help.out.find(flag, at + 1)) {
        const char next = at + flag.size() < help.out.size() ? help.out[at + flag.size()] : ' ';
        if (!(std::isalnum(static_cast<unsigned char>(next)) || next == '-' || next == '_'))
          listed = true;
      }
      if (!listed) unknown.push_back(sub + " " + flag);
    }
  }
  return unknown;
}

}  // namespace stressql::testing
