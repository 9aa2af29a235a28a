#pragma once
// A cursor over one block's text with the token shapes of SPEC §2. The INSERT layout
// makes blanks significant (tags end at the first blank), so statement parsers drive
// the cursor byte by byte where they must and take whole tokens where they can.

#include <cstddef>
#include <string_view>

#include "parser/block_splitter.h"
#include "parser/script.h"

namespace stressql::parser {

class Lexer {
 public:
  // REQUIRES: `block` outlives the Lexer.
  explicit Lexer(const Block& block, size_t offset = 0) : block_(block), pos_(offset) {}

  bool at_end() const { return pos_ >= text().size(); }
  // The byte `ahead` bytes from the cursor, or '\0' past the end (the block itself
  // never holds NUL: parse_script rejects it before any statement parser runs).
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < text().size() ? text()[pos_ + ahead] : '\0';
  }
  void advance(size_t n = 1) { pos_ = pos_ + n < text().size() ? pos_ + n : text().size(); }
  size_t offset() const { return pos_; }
  void set_offset(size_t offset) { pos_ = offset < text().size() ? offset : text().size(); }
  std::string_view text() const { return block_.text; }
  std::string_view rest() const { return text().substr(pos_); }
  SourcePos pos() const { return block_.pos_at(pos_); }
  SourcePos pos_at(size_t offset) const { return block_.pos_at(offset); }

  // Skips spaces, tabs and '\r' on the current line; returns whether any were skipped.
  bool skip_blanks();
  // Skips blanks and line breaks; returns whether any were skipped.
  bool skip_space();
  // Skips blanks, line breaks, `-- …` line comments and `/* … */` comments.
  void skip_space_and_comments();
  bool at_line_end() const { return at_end() || peek() == '\n'; }

  // A maximal run of non-space bytes (may be empty).
  std::string_view read_word();
  // A maximal run of ASCII letters, digits and '_' (keywords, SET names).
  std::string_view read_keyword();
  // SPEC §2 identifier: starts with a letter, digit, '_', '@', '"' or a UTF-8 byte;
  // continues with those and ':', '=', '-', '.'. Empty when the cursor is not on one.
  std::string_view read_identifier();

 private:
  const Block& block_;
  size_t pos_;
};

}  // namespace stressql::parser
