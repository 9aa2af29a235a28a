// Every file in tests/parser/broken/ states its errors in comment lines (which the
// parser drops) of the form `# expect: LINE:COL: message fragment`, in source order.
#include <gtest/gtest.h>

#include "parser/parser.h"
#include "tests/parser/corpus_files.h"

namespace stressql::parser {
namespace {

struct Expected {
  int line = 0;
  int column = 0;
  std::string fragment;
};

std::vector<Expected> expectations(const std::string& text) {
  std::vector<Expected> out;
  std::istringstream in(text);
  std::string line;
  const std::string tag = "# expect: ";
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind(tag, 0) != 0) continue;
    Expected e;
    std::string rest = line.substr(tag.size());
    size_t c1 = rest.find(':');
    size_t c2 = rest.find(':', c1 + 1);
    e.line = std::stoi(rest.substr(0, c1));
    e.column = std::stoi(rest.substr(c1 + 1, c2 - c1 - 1));
    e.fragment = rest.substr(c2 + 2);
    out.push_back(e);
  }
  return out;
}

TEST(BrokenScripts, EveryErrorWhereExpected) {
  auto files = testing::files_under("tests/parser/broken");
  ASSERT_GE(files.size(), 20u);
  for (const auto& path : files) {
    SCOPED_TRACE(path.filename().string());
    std::string text = testing::slurp(path);
    std::vector<Expected> want = expectations(text);
    ASSERT_FALSE(want.empty()) << "no '# expect:' lines";
    ParseResult r = parse_script(path.string(), text);
    std::string got;
    for (const Diagnostic& d : r.errors)
      got += format_diagnostic(path.filename().string(), text, d);
    ASSERT_EQ(r.errors.size(), want.size()) << got;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(r.errors[i].pos.line, want[i].line) << got;
      EXPECT_EQ(r.errors[i].pos.column, want[i].column) << got;
      EXPECT_NE(r.errors[i].message.find(want[i].fragment), std::string::npos)
          << "want '" << want[i].fragment << "' in: " << r.errors[i].message;
    }
  }
}

}  // namespace
}  // namespace stressql::parser
