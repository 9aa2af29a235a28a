#include <gtest/gtest.h>

#include "parser/parser.h"

namespace stressql::parser {
namespace {

TEST(Diagnostic, CaretUnderTheColumn) {
  std::string source = "WAIT\n\nSET Batchsize2 [4]\n";
  Diagnostic d{{3, 5}, "unknown SET name 'Batchsize2'"};
  EXPECT_EQ(format_diagnostic("s.iql", source, d),
            "s.iql:3:5: error: unknown SET name 'Batchsize2'\n"
            "SET Batchsize2 [4]\n"
            "    ^\n");
}

TEST(Diagnostic, TabsAreEchoedSoTheCaretStaysAligned) {
  std::string source = "INSERT y cpu,\thost=[int rand(5) 10]\tv=1 1 1s";
  Diagnostic d{{1, 33}, "m"};
  EXPECT_EQ(format_diagnostic("s.iql", source, d),
            "s.iql:1:33: error: m\n"
            "INSERT y cpu,\thost=[int rand(5) 10]\tv=1 1 1s\n"
            "             \t                  ^\n");
}

TEST(Diagnostic, CrlfAndEndOfLine) {
  std::string source = "a\r\nINSERT x\r\n";
  Diagnostic d{{2, 9}, "m"};
  EXPECT_EQ(format_diagnostic("f", source, d), "f:2:9: error: m\nINSERT x\n        ^\n");
  Diagnostic past{{2, 100}, "m"};
  EXPECT_EQ(format_diagnostic("f", source, past), "f:2:100: error: m\nINSERT x\n        ^\n");
}

TEST(Diagnostic, MultiByteCharactersTakeOneCell) {
  std::string source = "SET Database [d\xC3\xA9j\xC3\xA0] x";
  Diagnostic d{{1, 22}, "m"};  // the 'x': bytes 1..21 hold 19 characters
  EXPECT_EQ(format_diagnostic("f", source, d),
            "f:1:22: error: m\nSET Database [d\xC3\xA9j\xC3\xA0] x\n                   ^\n");
}

TEST(Diagnostic, ControlBytesAndInvalidUtf8AreShownAsQuestionMarks) {
  std::string source = std::string("ab\0c\xff", 5) + "d";
  Diagnostic d{{1, 6}, "m"};
  EXPECT_EQ(format_diagnostic("f", source, d), "f:1:6: error: m\nab?c?d\n     ^\n");
}

TEST(Diagnostic, LongLinesShowAWindow) {
  std::string source = std::string(1000, 'a') + "X" + std::string(1000, 'b');
  Diagnostic d{{1, 1001}, "m"};
  std::string out = format_diagnostic("f", source, d);
  std::string shown = out.substr(out.find('\n') + 1);
  std::string line = shown.substr(0, shown.find('\n'));
  std::string caret = shown.substr(shown.find('\n') + 1);
  EXPECT_LT(line.size(), 200u);
  EXPECT_EQ(line.substr(0, 3), "...");
  EXPECT_EQ(line.substr(line.size() - 3), "...");
  ASSERT_EQ(caret.back(), '\n');
  EXPECT_EQ(line[caret.size() - 2], 'X');
}

TEST(Diagnostic, NoSourceLine) {
  EXPECT_EQ(format_diagnostic("f", "", Diagnostic{{0, 0}, "m"}), "f:0:0: error: m\n");
  EXPECT_EQ(format_diagnostic("f", "x", Diagnostic{{5, 1}, "m"}), "f:5:1: error: m\n\n^\n");
}

TEST(Diagnostic, LineIndexMatchesTheOneShotForm) {
  std::string source = "a\nb\r\n\nccc";
  LineIndex lines(source);
  EXPECT_EQ(lines.line(1), "a");
  EXPECT_EQ(lines.line(2), "b");
  EXPECT_EQ(lines.line(3), "");
  EXPECT_EQ(lines.line(4), "ccc");
  EXPECT_EQ(lines.line(5), "");
  EXPECT_EQ(lines.line(0), "");
  Diagnostic d{{4, 2}, "m"};
  EXPECT_EQ(format_diagnostic("f", lines, d), format_diagnostic("f", source, d));
}

}  // namespace
}  // namespace stressql::parser
