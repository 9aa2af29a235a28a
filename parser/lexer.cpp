#include "parser/lexer.h"

#include "parser/text.h"

namespace stressql::parser {
namespace {

bool identifier_start(char c) {
  return is_alpha(c) || is_digit(c) || c == '_' || c == '@' || c == '"' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool identifier_char(char c) {
  return identifier_start(c) || c == ':' || c == '=' || c == '-' || c == '.';
}

}  // namespace

bool Lexer::skip_blanks() {
  size_t start = pos_;
  while (!at_end() && is_blank(peek())) ++pos_;
  return pos_ != start;
}

bool Lexer::skip_space() {
  size_t start = pos_;
  while (!at_end() && is_space(peek())) ++pos_;
  return pos_ != start;
}

void Lexer::skip_space_and_comments() {
  while (true) {
    skip_space();
    if (peek() == '-' && peek(1) == '-') {
      while (!at_line_end()) ++pos_;
    } else if (peek() == '/' && peek(1) == '*') {
      size_t end = text().find("*/", pos_ + 2);
      pos_ = end == std::string_view::npos ? text().size() : end + 2;
    } else {
      return;
    }
  }
}

std::string_view Lexer::read_word() {
  size_t start = pos_;
  while (!at_end() && !is_space(peek())) ++pos_;
  return text().substr(start, pos_ - start);
}

std::string_view Lexer::read_keyword() {
  size_t start = pos_;
  while (!at_end() && (is_alpha(peek()) || is_digit(peek()) || peek() == '_')) ++pos_;
  return text().substr(start, pos_ - start);
}

std::string_view Lexer::read_identifier() {
  size_t start = pos_;
  if (at_end() || !identifier_start(peek())) return {};
  while (!at_end() && identifier_char(peek())) ++pos_;
  return text().substr(start, pos_ - start);
}

}  // namespace stressql::parser
