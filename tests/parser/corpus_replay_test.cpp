// Replays the fuzzer's seed corpus and every regression it found (tests/parser/corpus/)
// plus the broken-script corpus through the parser and the formatter, in every build.
// Every file in corpus/ is a valid script and must parse without an error (a fuzz
// regression that is not a valid script belongs in broken/ with its `# expect:` lines);
// every file in broken/ must give at least one well-placed, formatted error.
#include <gtest/gtest.h>

#include "parser/parser.h"
#include "tests/parser/corpus_files.h"

namespace stressql::parser {
namespace {

enum class Want { kParses, kFails };

void replay(const std::string& dir, Want want) {
  auto files = testing::files_under(dir);
  ASSERT_FALSE(files.empty()) << dir;
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    std::string text = testing::slurp(path);
    ParseResult r = parse_script("corpus.iql", text);
    LineIndex lines(text);
    std::string got;
    for (const Diagnostic& d : r.errors) got += format_diagnostic("corpus.iql", lines, d);
    if (want == Want::kParses) {
      EXPECT_TRUE(r.errors.empty()) << got;
    } else {
      EXPECT_FALSE(r.errors.empty()) << "a broken script parsed";
    }
    for (const Diagnostic& d : r.errors) {
      EXPECT_GE(d.pos.line, 1);
      EXPECT_GE(d.pos.column, 1);
      EXPECT_FALSE(d.message.empty());
      EXPECT_FALSE(format_diagnostic("corpus.iql", lines, d).empty());
    }
  }
}

TEST(CorpusReplay, FuzzCorpusScriptsParse) { replay("tests/parser/corpus", Want::kParses); }
TEST(CorpusReplay, BrokenScriptsFailClearly) { replay("tests/parser/broken", Want::kFails); }

}  // namespace
}  // namespace stressql::parser
