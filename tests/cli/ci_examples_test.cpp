// examples/ci/ is documentation that cannot run here (it needs GitHub or GitLab), so this
// checks what can go stale: every stressql command in the workflows uses flags the binary
// has (read from its own --help), the files they name exist, and the suite's script parses.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

using std::chrono::seconds;

const std::string kSource = STRESSQL_SOURCE_DIR;

// Whitespace-separated tokens, with shell line continuations ("\\\n") joined.
std::vector<std::string> tokens(std::string text) {
  for (size_t at = text.find("\\\n"); at != std::string::npos; at = text.find("\\\n", at)) text.erase(at, 2);
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

// Every "--flag" given to a `stressql SUBCOMMAND` in `text`, by subcommand. A command ends at
// a shell operator, a closing quote, a YAML list item or key.
std::map<std::string, std::set<std::string>> stressql_flags(const std::string& text) {
  std::map<std::string, std::set<std::string>> out;
  const std::vector<std::string> t = tokens(text);
  const std::set<std::string> subcommands = {"run", "compare", "report", "check"};
  const std::set<std::string> ends = {">", ">>", "|", "||", "&&", ";", "-"};
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    std::string word = t[i];
    if (!word.empty() && (word[0] == '\'' || word[0] == '"')) word.erase(0, 1);
    if (word != "stressql" || subcommands.count(t[i + 1]) == 0) continue;
    const std::string sub = t[i + 1];
    out[sub];  // a command without flags still counts as one
    for (size_t j = i + 2; j < t.size() && ends.count(t[j]) == 0 && t[j].back() != ':'; ++j) {
      if (t[j].rfind("--", 0) == 0) {
        std::string flag = t[j].substr(0, t[j].find_first_of("=\"'"));
        out[sub].insert(flag);
      }
      if (t[j].back() == '\'') break;  // the end of an `sh -c '...'`
    }
  }
  return out;
}

// Flags of `stressql SUB` that its --help does not list.
std::vector<std::string> unknown_flags(const std::map<std::string, std::set<std::string>>& used) {
  std::vector<std::string> unknown;
  for (const auto& [sub, flags] : used) {
    ProcessResult help = stressql({sub, "--help"}, seconds(30));
    EXPECT_EQ(help.exit_code, 0) << help.err;
    for (const std::string& flag : flags) {
      bool listed = false;
      for (size_t at = help.out.find(flag); at != std::string::npos; at = help.out.find(flag, at + 1)) {
        const char next = at + flag.size() < help.out.size() ? help.out[at + flag.size()] : ' ';
        if (!(std::isalnum(static_cast<unsigned char>(next)) || next == '-' || next == '_')) listed = true;
      }
      if (!listed) unknown.push_back(sub + " " + flag);
    }
  }
  return unknown;
}

TEST(CiExamplesTest, TheCheckerCatchesAFlagThatDoesNotExist) {
  const auto used = stressql_flags("run: |\n  stressql compare a.json b.json \\\n    --markdown --no-such-flag\n");
  ASSERT_EQ(used.at("compare").size(), 2u);
  EXPECT_EQ(unknown_flags(used), std::vector<std::string>{"compare --no-such-flag"});
}

TEST(CiExamplesTest, WorkflowsUseOnlyRealFlagsAndFiles) {
  for (const char* name : {"github-actions.yml", "gitlab-ci.yml"}) {
    SCOPED_TRACE(name);
    const std::string text = read_file(kSource + "/examples/ci/" + name);
    ASSERT_FALSE(text.empty());
    const auto used = stressql_flags(text);
    ASSERT_EQ(used.count("run"), 1u);
    ASSERT_EQ(used.count("compare"), 1u);
    for (const char* flag : {"--repeat", "--json", "--threshold", "--addresses", "--results"}) {
      EXPECT_EQ(used.at("run").count(flag), 1u) << flag;
    }
    for (const char* flag : {"--markdown", "--junit", "--max-regression", "--metrics"}) {
      EXPECT_EQ(used.at("compare").count(flag), 1u) << flag;
    }
    EXPECT_EQ(unknown_flags(used), std::vector<std::string>{});
    for (const char* file : {"scripts/influxd-throwaway", "scripts/setup", "examples/ci/regression.iql"}) {
      EXPECT_NE(text.find(file), std::string::npos) << file;
      EXPECT_FALSE(read_file(kSource + "/" + file).empty()) << file;
    }
  }
  ProcessResult check = stressql({"check", kSource + "/examples/ci/regression.iql"}, seconds(30));
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

}  // namespace
}  // namespace stressql::testing
