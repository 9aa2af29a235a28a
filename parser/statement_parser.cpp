#include "parser/statement_parser.h"

#include "parser/insert_parser.h"
#include "parser/lexer.h"
#include "parser/parse_error.h"
#include "parser/query_parser.h"
#include "parser/text.h"

namespace stressql::parser {
namespace {

std::string found_word(const Lexer& lx) {
  if (lx.at_end()) return "the end of the statement";
  return quoted(first_word(lx.rest()));
}

bool nothing_after(Lexer* lx, std::string_view what, Diagnostic* err) {
  lx->skip_space();
  if (lx->at_end()) return true;
  return fail(err, lx->pos(),
              "unexpected '" + quote_snippet(first_word(lx->rest())) + "' after " +
                  std::string(what) +
                  "; expected one statement per block (separate statements "
                  "with a blank line)");
}

// Whether SELECT text holds an INTO clause (outside quoted names and strings).
bool has_into(std::string_view text) {
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == '\\')
        ++i;
      else if (c == quote)
        quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
    } else if (is_alpha(c) || c == '_') {
      size_t start = i;
      while (i < text.size() && (is_alpha(text[i]) || is_digit(text[i]) || text[i] == '_')) ++i;
      if (iequals(text.substr(start, i - start), "INTO")) return true;
      --i;
    }
  }
  return false;
}

std::string setting_names() {
  std::string names;
  for (const SettingInfo& s : all_settings()) {
    if (!names.empty()) names += ", ";
    names += s.canonical;
  }
  return names;
}

bool parse_set(Lexer* lx, Settings* settings, SetStmt* out, Diagnostic* err) {
  if (!lx->skip_space() && !lx->at_end()) {
    return fail(err, lx->pos(), "expected a blank after SET, found " + found_word(*lx));
  }
  SourcePos name_pos = lx->pos();
  std::string_view name = lx->read_keyword();
  if (name.empty()) {
    return fail(err, name_pos,
                "expected a setting name after SET (SET <Name> [<value>]), found " + found_word(*lx));
  }
  std::optional<SetName> set_name = find_setting(name);
  if (!set_name) {
    return fail(
        err, name_pos,
        "unknown SET name '" + quote_snippet(name) + "'; expected one of " + setting_names());
  }
  out->name = *set_name;
  out->name_text = std::string(name);
  lx->skip_space();
  if (lx->peek() != '[') {
    return fail(err, lx->pos(),
                "expected '[' after SET " + std::string(name) + " (SET <Name> [<value>]), found " +
                    found_word(*lx));
  }
  SourcePos open_pos = lx->pos();
  size_t open = lx->offset();
  // The value ends at the last ']' on its line, so a password may hold ']'.
  size_t line_end = lx->text().find('\n', open);
  if (line_end == std::string_view::npos) line_end = lx->text().size();
  size_t close = lx->text().substr(0, line_end).rfind(']');
  if (close == std::string_view::npos || close < open) {
    return fail(err, lx->pos_at(line_end),
                "expected ']' to close the value started at " + std::to_string(open_pos.line) +
                    ":" + std::to_string(open_pos.column));
  }
  size_t begin = open + 1;
  while (begin < close && is_blank(lx->text()[begin])) ++begin;
  out->value = std::string(trim_blanks(lx->text().substr(open + 1, close - open - 1)));
  out->value_pos = lx->pos_at(begin);
  lx->set_offset(close + 1);
  if (!nothing_after(lx, "SET " + std::string(name) + " [...]", err)) return false;
  Settings next = *settings;
  std::string why;
  if (!apply_setting(out->name, out->value, &next, &why)) {
    return fail(
        err, out->value_pos,
        "invalid value for SET " + std::string(setting_info(out->name).canonical) + ": " + why);
  }
  *settings = std::move(next);
  return true;
}

bool parse_exec(Lexer* lx, ExecStmt* out, Diagnostic* err) {
  if (!lx->skip_space() && !lx->at_end()) {
    return fail(err, lx->pos(), "expected a blank after EXEC, found " + found_word(*lx));
  }
  out->command = std::string(trim_blanks(lx->rest()));
  if (out->command.empty()) {
    return fail(err, lx->pos(), "expected a command after EXEC (EXEC <command line>)");
  }
  lx->set_offset(lx->text().size());
  return true;
}

bool is_influxql_block(const Block& block, bool* is_read) {
  static constexpr std::string_view kFirstWords[] = {
      "SELECT", "SHOW", "CREATE", "DROP", "DELETE", "ALTER", "GRANT", "REVOKE", "KILL", "EXPLAIN"};
  Lexer lx(block);
  lx.skip_space_and_comments();
  std::string_view word = lx.read_keyword();
  for (std::string_view w : kFirstWords) {
    if (iequals(word, w)) {
      *is_read = iequals(word, "SHOW") || (iequals(word, "SELECT") && !has_into(lx.rest()));
      return true;
    }
  }
  if (!iequals(word, "SET")) return false;
  lx.skip_space_and_comments();
  if (!iequals(lx.read_keyword(), "PASSWORD")) return false;
  lx.skip_space_and_comments();
  if (!iequals(lx.read_keyword(), "FOR")) return false;
  *is_read = false;
  return true;
}

}  // namespace

bool is_influxql(std::string_view text, bool* is_read) {
  Block block{std::string(text), {BlockLine{}}};
  return is_influxql_block(block, is_read);
}

bool parse_statement(const Block& block, Settings* settings, Statement* out, BlockNotes* notes,
                     Diagnostic* err) {
  bool is_read = false;
  if (is_influxql_block(block, &is_read)) {
    out->body = InfluxQLStmt{std::string(trim_blanks(block.text)), is_read};
    Lexer lx(block);
    lx.skip_space_and_comments();
    out->pos = lx.pos();
    return true;
  }
  Lexer lx(block);
  lx.skip_space_and_comments();
  out->pos = lx.pos();
  SourcePos keyword_pos = lx.pos();
  std::string_view keyword = lx.read_keyword();
  if (iequals(keyword, "GO")) {
    out->go = true;
    lx.skip_space();
    std::string_view next = lx.read_keyword();
    if (!iequals(next, "INSERT") && !iequals(next, "QUERY") && !iequals(next, "EXEC")) {
      std::string what = next.empty()
                             ? (lx.at_end() ? std::string("the end of the statement")
                                            : "'" + quote_snippet(first_word(lx.rest())) + "'")
                             : std::string("'").append(quote_snippet(next)).append("'");
      return fail(err, keyword_pos, "GO must be followed by INSERT, QUERY or EXEC, found " + what);
    }
    keyword = next;
  }
  if (iequals(keyword, "SET")) {
    SetStmt set;
    if (!parse_set(&lx, settings, &set, err)) return false;
    out->body = std::move(set);
    return true;
  }
  if (iequals(keyword, "INSERT")) {
    InsertStmt insert;
    bool ok = parse_insert(&lx, *settings, &insert, err);
    notes->insert_name = insert.name;
    if (ok) out->body = std::move(insert);
    return ok;
  }
  if (iequals(keyword, "QUERY")) {
    QueryStmt query;
    if (!parse_query(&lx, &query, &notes->query_name_pos, err)) return false;
    out->body = std::move(query);
    return true;
  }
  if (iequals(keyword, "EXEC")) {
    ExecStmt exec;
    if (!parse_exec(&lx, &exec, err)) return false;
    out->body = std::move(exec);
    return true;
  }
  if (iequals(keyword, "WAIT")) {
    out->body = WaitStmt{};
    return nothing_after(&lx, "WAIT", err);
  }
  std::string_view shown = keyword.empty() ? first_word(lx.rest()) : keyword;
  return fail(err, keyword_pos,
              "unknown statement '" + quote_snippet(shown) +
                  "'; expected SET, INSERT, QUERY, GO, WAIT, EXEC or an InfluxQL statement "
                  "(SELECT, SHOW, CREATE, DROP, DELETE, ALTER, GRANT, REVOKE, KILL, EXPLAIN)");
}

}  // namespace stressql::parser
