// README.md and docs/*.md are the manual; their examples must not go stale. For every page:
// each fenced block is labelled (iql: a script, sh/bash: commands, text: output that cannot
// run); each ```iql block passes `stressql check`; each `stressql SUBCOMMAND` in a sh, bash or
// iql block uses only flags its --help lists; each relative link leads to a file (and heading)
// that exists; each repository path written as code names a file that exists. The front page
// stays at 300 lines or fewer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/command_flags_util.h"
#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

struct Page {
  std::string path;  // relative to the source root
  std::string text;
};

struct Block {
  std::string info;  // the fence's info string: iql, sh, text, …
  std::string body;
  int line = 0;  // of the opening fence, 1-based
};

// README.md and every docs/*.md, in a stable order.
std::vector<Page> pages() {
  std::vector<Page> out{{"README.md", read_file(kSource + "/README.md")}};
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kSource + "/docs")) {
    if (entry.path().extension() == ".md")
      names.push_back("docs/" + entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) out.push_back({name, read_file(kSource + "/" + name)});
  return out;
}

bool is_fence(const std::string& line) { return line.rfind("```", 0) == 0; }

std::vector<Block> fenced_blocks(const std::string& text) {
  std::vector<Block> out;
  std::istringstream in(text);
  Block* open = nullptr;
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (is_fence(line)) {
      if (open == nullptr) {
        out.push_back({line.substr(3), "", n});
        open = &out.back();
      } else {
        open = nullptr;
      }
    } else if (open != nullptr) {
      open->body += line + "\n";
    }
  }
  return out;
}

// The text outside fenced blocks.
std::string prose(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (is_fence(line)) {
      inside = !inside;
    } else if (!inside) {
      out += line + "\n";
    }
  }
  return out;
}

// The contents of inline code spans (`x`, `` x ``) in `text`.
std::vector<std::string> code_spans(const std::string& text) {
  std::vector<std::string> out;
  for (size_t at = text.find('`'); at != std::string::npos;) {
    const size_t run = text.find_first_not_of('`', at) - at;
    const std::string ticks(run, '`');
    size_t close = text.find(ticks, at + run);
    while (close != std::string::npos && close + run < text.size() && text[close + run] == '`') {
      close = text.find(ticks, text.find_first_not_of('`', close));
    }
    if (close == std::string::npos) break;
    out.push_back(text.substr(at + run, close - at - run));
    at = text.find('`', close + run);
  }
  return out;
}

// GitHub's anchor of a heading: lower case, punctuation dropped, spaces to '-'.
std::string slug(const std::string& heading) {
  std::string out;
  for (unsigned char c : heading) {
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if (c == ' ') {
      out += '-';
    } else if (c == '-' || c == '_' || c >= 0x80) {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::set<std::string> anchors(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(prose(text));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind('#', 0) == 0) out.insert(slug(line.substr(line.find_first_not_of("# "))));
  }
  return out;
}

// Fenced blocks without one of the labels this test knows.
std::vector<std::string> unlabelled_blocks(const Page& page) {
  std::vector<std::string> bad;
  for (const Block& b : fenced_blocks(page.text)) {
    if (b.info != "iql" && b.info != "sh" && b.info != "bash" && b.info != "text") {
      bad.push_back(page.path + ":" + std::to_string(b.line) + " ```" + b.info);
    }
  }
  return bad;
}

// ```iql blocks that `stressql check` refuses, with its diagnostics.
std::vector<std::string> scripts_that_fail_check(const Page& page, int* checked) {
  std::vector<std::string> bad;
  ScriptDir dir;
  for (const Block& b : fenced_blocks(page.text)) {
    if (b.info != "iql") continue;
    ++*checked;
    const std::string script = dir.write("example.iql", b.body);
    ProcessResult check = stressql({"check", script}, seconds(30));
    if (check.exit_code != 0) {
      bad.push_back(page.path + ":" + std::to_string(b.line) + ": " + check.out + check.err);
    }
  }
  return bad;
}

// Flags of `stressql SUB` commands in the page's sh, bash and iql blocks (in iql, commands in
// comments). A command ends at the end of its line, after `\` continuations.
std::map<std::string, std::set<std::string>> flags_used(const Page& page) {
  std::map<std::string, std::set<std::string>> used;
  for (const Block& b : fenced_blocks(page.text)) {
    if (b.info == "text") continue;
    std::string body = b.body;
    for (size_t at = body.find("\\\n"); at != std::string::npos; at = body.find("\\\n", at))
      body.erase(at, 2);
    std::istringstream in(body);
    for (std::string line; std::getline(in, line);) {
      for (auto& [sub, flags] : stressql_flags(line)) used[sub].insert(flags.begin(), flags.end());
    }
  }
  return used;
}

// Relative links `[..](target)` whose file, or heading within it, does not exist.
std::vector<std::string> broken_links(const Page& page) {
  std::vector<std::string> bad;
  static const std::regex link(R"(\]\(([^)\s]+)\))");
  const std::string text = prose(page.text);
  const fs::path dir = fs::path(kSource) / fs::path(page.path).parent_path();
  for (auto m = std::sregex_iterator(text.begin(), text.end(), link); m != std::sregex_iterator();
       ++m) {
    const std::string target = (*m)[1];
    if (target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0) continue;
    const size_t hash = target.find('#');
    const std::string file = target.substr(0, hash);
    const fs::path resolved = file.empty() ? fs::path(kSource) / page.path : dir / file;
    if (!fs::exists(resolved)) {
      bad.push_back(page.path + ": " + target + " (no such file)");
    } else if (hash != std::string::npos && resolved.extension() == ".md" &&
               anchors(read_file(resolved.string())).count(target.substr(hash + 1)) == 0) {
      bad.push_back(page.path + ": " + target + " (no such heading)");
    }
  }
  return bad;
}

// Repository paths written as code (`bench/soak.sh`, `scripts/fuzz 60`, in prose or in a
// command block) that name no file. Folders (a trailing '/') and patterns are left alone.
std::vector<std::string> missing_paths(const Page& page) {
  static const std::regex path(
      "(base|parser|generator|engine|net|stats|server_metrics|results|report|judge|html|"
      "statements|cli|reporting|tests|bench|scripts|deploy|examples|docs)/[A-Za-z0-9_./"
      "-]*[A-Za-z0-9_]");
  std::vector<std::string> candidates = code_spans(prose(page.text));
  for (const Block& b : fenced_blocks(page.text)) {
    if (b.info == "sh" || b.info == "bash") candidates.push_back(b.body);
  }
  std::set<std::string> bad;
  for (const std::string& candidate : candidates) {
    for (const std::string& token : command_tokens(candidate)) {
      std::smatch m;
      if (!std::regex_match(token, m, path)) continue;
      if (!fs::exists(fs::path(kSource) / token)) bad.insert(page.path + ": " + token);
    }
  }
  return {bad.begin(), bad.end()};
}

TEST(DocsExamplesTest, EveryFencedBlockIsLabelled) {
  for (const Page& page : pages()) {
    EXPECT_EQ(unlabelled_blocks(page), std::vector<std::string>{});
  }
}

TEST(DocsExamplesTest, EveryScriptPassesCheck) {
  int checked = 0;
  for (const Page& page : pages()) {
    EXPECT_EQ(scripts_that_fail_check(page, &checked), std::vector<std::string>{});
  }
  EXPECT_GE(checked, 7);  // the front page's, the language's two, the rates', the three APIs'
  for (const auto& entry : fs::directory_iterator(kSource + "/docs")) {
    if (entry.path().extension() != ".iql") continue;
    ProcessResult check = stressql({"check", entry.path().string()}, seconds(30));
    EXPECT_EQ(check.exit_code, 0) << entry.path() << "\n" << check.out << check.err;
  }
}

TEST(DocsExamplesTest, EveryCommandUsesRealFlags) {
  std::map<std::string, std::set<std::string>> used;
  for (const Page& page : pages()) {
    const auto page_flags = flags_used(page);
    EXPECT_EQ(unknown_flags(page_flags), std::vector<std::string>{}) << page.path;
    for (const auto& [sub, flags] : page_flags) used[sub].insert(flags.begin(), flags.end());
  }
  for (const char* sub : {"check", "run", "report", "compare", "find-max"}) {
    EXPECT_EQ(used.count(sub), 1u) << "no example of stressql " << sub;
  }
}

TEST(DocsExamplesTest, EveryLinkAndPathExists) {
  for (const Page& page : pages()) {
    EXPECT_EQ(broken_links(page), std::vector<std::string>{});
    EXPECT_EQ(missing_paths(page), std::vector<std::string>{});
  }
}

TEST(DocsExamplesTest, TheFrontPageLinksEveryPageAndStaysShort) {
  const std::vector<Page> all = pages();
  const std::string& readme = all.front().text;
  EXPECT_LE(std::count(readme.begin(), readme.end(), '\n'), 300);
  for (const Page& page : all) {
    if (page.path == "README.md" || page.path == "docs/README.md") continue;
    EXPECT_NE(readme.find("](" + page.path + ")"), std::string::npos)
        << page.path << " is not linked";
  }
}

// The checks above must be able to fail: a page with one of each mistake.
TEST(DocsExamplesTest, TheCheckersCatchStaleExamples) {
  const Page page{"docs/stale.md",
                  "# Stale\n\nSee [the language](language.md#no-such-heading), [gone](gone.md) and "
                  "`bench/no_such_bench.sh`.\n\n"
                  "```iql\nINSERT x\ncpu value=[int nonsense(3) 0]\n1 1s\n```\n\n"
                  "```sh\nstressql run --no-such-flag script.iql   # --also-not-checked\n```\n\n"
                  "```\nunlabelled\n```\n"};
  EXPECT_EQ(unlabelled_blocks(page).size(), 1u);
  int checked = 0;
  EXPECT_EQ(scripts_that_fail_check(page, &checked).size(), 1u);
  EXPECT_EQ(checked, 1);
  const auto used = flags_used(page);
  EXPECT_EQ(used.at("run"), std::set<std::string>{"--no-such-flag"});
  EXPECT_EQ(unknown_flags(used), std::vector<std::string>{"run --no-such-flag"});
  EXPECT_EQ(broken_links(page), (std::vector<std::string>{
                                    "docs/stale.md: language.md#no-such-heading (no such heading)",
                                    "docs/stale.md: gone.md (no such file)"}));
  EXPECT_EQ(missing_paths(page), std::vector<std::string>{"docs/stale.md: bench/no_such_bench.sh"});
}

}  // namespace
}  // namespace stressql::testing
