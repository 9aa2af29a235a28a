#include "parser/block_splitter.h"

#include <algorithm>

#include "parser/text.h"

namespace stressql::parser {

SourcePos Block::pos_at(size_t offset) const {
  // The last line starting at or before `offset`.
  auto it = std::upper_bound(lines.begin(), lines.end(), offset,
                             [](size_t o, const BlockLine& l) { return o < l.text_offset; });
  const BlockLine& l = (it == lines.begin()) ? lines.front() : *(it - 1);
  size_t column = offset - std::min(offset, l.text_offset) + static_cast<size_t>(l.first_column);
  return {l.line, static_cast<int>(std::min<size_t>(column, 0x7fffffff))};
}

namespace {

enum class LineKind { kBlank, kComment, kText };

struct Line {
  std::string_view text;  // without the line break, trailing '\r's and a leading BOM
  int number = 0;
  int first_column = 1;
  LineKind kind = LineKind::kBlank;
  size_t next = 0;  // offset of the following line
  bool last = false;
};

Line read_line(std::string_view source, size_t start, int number) {
  Line l;
  size_t end = source.find('\n', start);
  l.last = end == std::string_view::npos;
  if (l.last) end = source.size();
  l.next = end + 1;
  l.text = source.substr(start, end - start);
  l.number = number;
  if (number == 1 && l.text.substr(0, 3) == "\xEF\xBB\xBF") {
    // A UTF-8 byte order mark is not part of the script; columns still count it.
    l.text.remove_prefix(3);
    l.first_column = 4;
  }
  while (!l.text.empty() && l.text.back() == '\r') l.text.remove_suffix(1);
  size_t first = 0;
  while (first < l.text.size() && is_blank(l.text[first])) ++first;
  l.kind = first == l.text.size() ? LineKind::kBlank
           : l.text[first] == '#' ? LineKind::kComment
                                  : LineKind::kText;
  return l;
}

}  // namespace

bool BlockSplitter::next(Block* block) {
  // Skip to the first text line.
  Line l;
  while (true) {
    if (done_) return false;
    l = read_line(source_, offset_, line_ + 1);
    if (l.kind == LineKind::kText) break;
    ++line_;
    offset_ = l.next;
    done_ = l.last;
  }
  // Two passes over the block: sizes first, so a block of millions of lines is built
  // without reallocating (and without touching twice the memory it needs).
  size_t bytes = 0, lines = 0;
  for (Line k = l;; k = read_line(source_, k.next, k.number + 1)) {
    if (k.kind == LineKind::kBlank) break;
    if (k.kind == LineKind::kText) {
      bytes += k.text.size() + 1;
      ++lines;
    }
    if (k.last) break;
  }
  *block = Block();
  block->text.reserve(bytes);
  block->lines.reserve(lines);
  for (Line k = l;; k = read_line(source_, k.next, k.number + 1)) {
    line_ = k.number;
    offset_ = k.next;
    done_ = k.last;
    if (k.kind == LineKind::kBlank) break;
    if (k.kind == LineKind::kText) {
      if (!block->lines.empty()) block->text += '\n';
      block->lines.push_back({block->text.size(), k.number, k.first_column});
      block->text.append(k.text);
    }
    if (k.last) break;
  }
  return true;
}

std::vector<Block> split_blocks(std::string_view source) {
  std::vector<Block> blocks;
  BlockSplitter splitter(source);
  Block b;
  while (splitter.next(&b)) blocks.push_back(std::move(b));
  return blocks;
}

}  // namespace stressql::parser
