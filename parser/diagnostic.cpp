// format_diagnostic() and LineIndex (declared in parser.h).
#include <algorithm>
#include <string>

#include "parser/parser.h"
#include "parser/text.h"

namespace stressql::parser {
namespace {

// Lines longer than this are shown as a window around the column.
constexpr size_t kMaxShownBytes = 160;

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

LineIndex::LineIndex(std::string_view source) : source_(source) {
  starts_.push_back(0);
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\n') starts_.push_back(i + 1);
  }
}

std::string_view LineIndex::line(int n) const {
  if (n < 1 || static_cast<size_t>(n) > starts_.size()) return {};
  size_t begin = starts_[static_cast<size_t>(n) - 1];
  size_t end = static_cast<size_t>(n) < starts_.size() ? starts_[static_cast<size_t>(n)] - 1
                                                       : source_.size();
  std::string_view l = source_.substr(begin, end - begin);
  while (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  return l;
}

std::string format_diagnostic(std::string_view file, const LineIndex& lines, const Diagnostic& d) {
  std::string out = std::string(file) + ":" + std::to_string(d.pos.line) + ":" +
                    std::to_string(d.pos.column) + ": error: " + d.message + "\n";
  std::string_view line = lines.line(d.pos.line);
  if (d.pos.line < 1 || d.pos.column < 1) return out;
  size_t column = static_cast<size_t>(d.pos.column) - 1;  // byte offset in the line
  if (column > line.size()) column = line.size();

  // Window [begin, end) of the line to show; cut on UTF-8 character boundaries.
  size_t begin = 0, end = line.size();
  if (line.size() > kMaxShownBytes) {
    begin = column > kMaxShownBytes / 2 ? column - kMaxShownBytes / 2 : 0;
    end = std::min(line.size(), begin + kMaxShownBytes);
    while (begin > 0 && begin < line.size() &&
           is_continuation(static_cast<unsigned char>(line[begin])))
      --begin;
    while (end < line.size() && is_continuation(static_cast<unsigned char>(line[end]))) ++end;
  }
  std::string shown, caret;
  if (begin > 0) {
    shown += "...";
    caret += "   ";
  }
  size_t i = begin;
  while (i < end) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    size_t n = utf8_sequence_length(line, i);
    bool before = i < column;
    if (c == '\t') {
      shown += '\t';
      if (before) caret += '\t';
      n = 1;
    } else if (c < 0x20 || c == 0x7f || n == 0) {
      // One '?' per byte keeps the caret on the byte the column names.
      shown += '?';
      if (before) caret += ' ';
      n = 1;
    } else {
      shown.append(line.substr(i, n));
      // One caret cell per character: the terminal draws a multi-byte character once.
      if (before) caret += ' ';
    }
    i += n;
  }
  if (end < line.size()) shown += "...";
  caret += '^';
  out += shown + "\n" + caret + "\n";
  return out;
}

std::string format_diagnostic(std::string_view file, std::string_view source, const Diagnostic& d) {
  return format_diagnostic(file, LineIndex(source), d);
}

}  // namespace stressql::parser
