#include "parser/replay_parser.h"

#include "parser/parse_error.h"
#include "parser/text.h"

namespace stressql::parser {
namespace {

constexpr std::string_view kFrom = "FROM";

// The offset of the first byte after FROM and the blanks and line breaks after it, or npos
// when the cursor is not on the word FROM followed by a space.
size_t after_from(const Lexer& lx) {
  std::string_view rest = lx.rest();
  if (rest.size() <= kFrom.size() || !iequals(rest.substr(0, kFrom.size()), kFrom) ||
      !is_space(rest[kFrom.size()])) {
    return std::string_view::npos;
  }
  size_t i = kFrom.size();
  while (i < rest.size() && is_space(rest[i])) ++i;
  return i;
}

}  // namespace

bool at_replay_from(const Lexer& lx) {
  const size_t i = after_from(lx);
  if (i == std::string_view::npos) return false;
  const std::string_view rest = lx.rest().substr(i);
  if (rest.empty() || rest[0] == '\'' || rest[0] == '"') return true;
  // `FROM x=1 …` is a measurement FROM with fields; any other word is a path left unquoted.
  return first_word(rest).find('=') == std::string_view::npos;
}

bool parse_replay_from(Lexer* lx, InsertStmt* out, Diagnostic* err) {
  lx->advance(after_from(*lx));
  const SourcePos pos = lx->pos();
  if (lx->at_end()) {
    return fail(err, pos, "expected a file path in single quotes after FROM, found the end of the statement");
  }
  if (lx->peek() != '\'') {
    return fail(err, pos,
                "expected a file path in single quotes after FROM (FROM 'data.lp'), found " +
                    quoted(first_word(lx->rest())));
  }
  const std::string_view rest = lx->rest();
  size_t end = 1;
  while (end < rest.size() && rest[end] != '\'' && rest[end] != '\n') ++end;
  if (end >= rest.size() || rest[end] != '\'') {
    return fail(err, pos, "unterminated file path: expected a closing ' on the same line");
  }
  const std::string_view path = rest.substr(1, end - 1);
  if (trim_blanks(path).empty()) return fail(err, pos, "expected a file path between the quotes, found nothing");
  for (char c : path) {
    if (c == '\0') return fail(err, pos, "a file path cannot hold a NUL byte");
  }
  out->from_path = std::string(path);
  out->from_pos = pos;
  lx->advance(end + 1);
  lx->skip_space();
  if (!lx->at_end()) {
    return fail(err, lx->pos(),
                "unexpected " + quoted(first_word(lx->rest())) +
                    " after the file path; INSERT <name> FROM '<path>' ends there (settings such "
                    "as ReplayTime are SET before it)");
  }
  return true;
}

}  // namespace stressql::parser
