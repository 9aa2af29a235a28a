// Replays the fuzzer's seed corpus and every regression it found (tests/parser/corpus/)
// plus the broken-script corpus through the parser and the formatter, in every build.
#include <gtest/gtest.h>

#include "parser/parser.h"
#include "tests/parser/corpus_files.h"

namespace stressql::parser {
namespace {

void replay(const std::string& dir) {
  auto files = testing::files_under(dir);
  ASSERT_FALSE(files.empty()) << dir;
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    std::string text = testing::slurp(path);
    ParseResult r = parse_script("corpus.iql", text);
    LineIndex lines(text);
    for (const Diagnostic& d : r.errors) {
      EXPECT_GE(d.pos.line, 1);
      EXPECT_GE(d.pos.column, 1);
      EXPECT_FALSE(d.message.empty());
      EXPECT_FALSE(format_diagnostic("corpus.iql", lines, d).empty());
    }
  }
}

TEST(CorpusReplay, FuzzCorpus) { replay("tests/parser/corpus"); }
TEST(CorpusReplay, BrokenScripts) { replay("tests/parser/broken"); }

}  // namespace
}  // namespace stressql::parser
