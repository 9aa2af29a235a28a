#pragma once
// Splits a script into blocks (SPEC §1): blank lines (only spaces, tabs or '\r')
// separate blocks; comment lines (first non-blank byte '#') are dropped before
// splitting, so they never separate anything. A block keeps a map from its own text
// back to file positions, so every error points into the original file.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "parser/script.h"

namespace stressql::parser {

struct BlockLine {
  size_t text_offset = 0;  // where this line starts in Block::text
  int line = 0;            // 1-based line number in the file
  int first_column = 1;    // column of the line's first byte kept (after a UTF-8 BOM: 4)
};

struct Block {
  // The kept lines joined with '\n'; a trailing '\r' of each line is dropped, so CRLF
  // and LF files give the same text.
  std::string text;
  std::vector<BlockLine> lines;  // never empty

  // File position of the byte at `offset` (offset == text.size() is the end of the
  // last line).
  SourcePos pos_at(size_t offset) const;
};

// Hands out the blocks of a source one at a time, so a caller that stops early (too
// many errors) never pays for the rest of a huge file.
class BlockSplitter {
 public:
  // REQUIRES: `source` outlives the splitter.
  explicit BlockSplitter(std::string_view source) : source_(source) {}
  // The next block, or false at the end of the source.
  bool next(Block* block);

 private:
  std::string_view source_;
  size_t offset_ = 0;  // start of the next unread line
  int line_ = 0;       // number of the last line read
  bool done_ = false;
};

std::vector<Block> split_blocks(std::string_view source);

}  // namespace stressql::parser
