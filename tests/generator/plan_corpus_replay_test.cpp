// Replays the INSERT-plan fuzzer's corpus (tests/generator/plan_corpus/: the seeds and every
// regression it found) through the fuzz target's own checks, in every build, so a change
// that breaks one of them fails ctest and not only a fuzzing run. A failed check traps.
#include <gtest/gtest.h>

#include <cstdint>
#include <variant>

#include "parser/parser.h"
#include "tests/parser/corpus_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace stressql::generator {
namespace {

TEST(PlanCorpusReplay, EveryScriptParsesAndRendersWithinItsBounds) {
  auto files = parser::testing::files_under("tests/generator/plan_corpus");
  ASSERT_FALSE(files.empty());
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    std::string text = parser::testing::slurp(path);
    // The corpus holds valid scripts: one that no longer parses tests nothing below.
    parser::ParseResult r = parser::parse_script("corpus.iql", text);
    ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front().message);
    size_t inserts = 0;
    for (const auto& st : r.script.statements) inserts += std::holds_alternative<parser::InsertStmt>(st.body);
    EXPECT_GT(inserts, 0u);
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  }
}

}  // namespace
}  // namespace stressql::generator
