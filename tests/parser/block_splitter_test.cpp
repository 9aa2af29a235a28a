#include "parser/block_splitter.h"

#include <gtest/gtest.h>

namespace stressql::parser {
namespace {

TEST(BlockSplitter, BlankLinesSeparate) {
  auto blocks = split_blocks("a\nb\n\nc\n \t\r\nd\n\n\n\ne");
  ASSERT_EQ(blocks.size(), 4u);
  EXPECT_EQ(blocks[0].text, "a\nb");
  EXPECT_EQ(blocks[1].text, "c");
  EXPECT_EQ(blocks[2].text, "d");
  EXPECT_EQ(blocks[3].text, "e");
  EXPECT_EQ(blocks[3].pos_at(0).line, 10);
}

TEST(BlockSplitter, CrlfLikeLf) {
  auto lf = split_blocks("SET A [b]\n\nINSERT x\ncpu v=1 1 1s\n");
  auto crlf = split_blocks("SET A [b]\r\n\r\nINSERT x\r\ncpu v=1 1 1s\r\n");
  ASSERT_EQ(lf.size(), crlf.size());
  for (size_t i = 0; i < lf.size(); ++i) {
    EXPECT_EQ(lf[i].text, crlf[i].text);
    EXPECT_EQ(lf[i].pos_at(3).line, crlf[i].pos_at(3).line);
    EXPECT_EQ(lf[i].pos_at(3).column, crlf[i].pos_at(3).column);
  }
}

TEST(BlockSplitter, CommentsAreDroppedAndDoNotSeparate) {
  auto blocks = split_blocks("# head\nINSERT x\n  # inside\ncpu v=1\n\t#x\n1 1s\n\n#only\n\nWAIT");
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].text, "INSERT x\ncpu v=1\n1 1s");
  EXPECT_EQ(blocks[0].pos_at(0).line, 2);
  EXPECT_EQ(blocks[0].pos_at(9).line, 4);   // "cpu"
  EXPECT_EQ(blocks[0].pos_at(17).line, 6);  // "1 1s"
  EXPECT_EQ(blocks[1].text, "WAIT");
  EXPECT_EQ(blocks[1].pos_at(0).line, 10);
}

TEST(BlockSplitter, PositionsPointIntoTheFile) {
  auto blocks = split_blocks("\n\n  \tab\n cd");
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].pos_at(3).line, 3);
  EXPECT_EQ(blocks[0].pos_at(3).column, 4);  // 'a' after two spaces and a tab
  EXPECT_EQ(blocks[0].pos_at(7).line, 4);
  EXPECT_EQ(blocks[0].pos_at(7).column, 2);                      // 'c'
  EXPECT_EQ(blocks[0].pos_at(blocks[0].text.size()).column, 4);  // end of the last line
}

TEST(BlockSplitter, ByteOrderMarkIsSkippedButCounted) {
  auto blocks = split_blocks("\xEF\xBB\xBFWAIT");
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].text, "WAIT");
  EXPECT_EQ(blocks[0].pos_at(0).column, 4);
}

TEST(BlockSplitter, Empty) {
  EXPECT_TRUE(split_blocks("").empty());
  EXPECT_TRUE(split_blocks("\n\n \r\n# c\n").empty());
}

}  // namespace
}  // namespace stressql::parser
