#include "parser/query_parser.h"

#include <limits>
#include <vector>

#include "parser/parse_error.h"
#include "parser/text.h"

namespace stressql::parser {
namespace {

struct Word {
  size_t begin;
  size_t end;
};

// Whitespace-separated words of text[begin, end).
std::vector<Word> split_words(std::string_view text, size_t begin) {
  std::vector<Word> words;
  size_t i = begin;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    if (i >= text.size()) break;
    size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    words.push_back({start, i});
  }
  return words;
}

// A line break, with the blanks around it, becomes one space (the original glued the
// words together).
std::string join_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '\n') {
      while (!out.empty() && is_blank(out.back())) out.pop_back();
      out += ' ';
      ++i;
      while (i < text.size() && is_blank(text[i])) ++i;
    } else {
      out += text[i++];
    }
  }
  return std::string(trim_blanks(out));
}

}  // namespace

bool parse_query(Lexer* lx, QueryStmt* out, SourcePos* name_pos, Diagnostic* err) {
  if (!lx->skip_space() && !lx->at_end()) {
    return fail(
        err, lx->pos(),
        "expected a blank after QUERY, found '" + quote_snippet(first_word(lx->rest())) + "'");
  }
  *name_pos = lx->pos();
  std::string_view name = lx->read_identifier();
  if (name.empty()) {
    return fail(err, *name_pos,
                lx->at_end()
                    ? std::string("expected a name after QUERY (QUERY <name> <text> DO <n>)"
                                  ", found the end of the statement")
                    : "expected a name after QUERY (QUERY <name> <text> DO <n>), found '" +
                          quote_snippet(first_word(lx->rest())) + "'");
  }
  out->name = std::string(name);
  if (!lx->at_end() && !is_space(lx->peek())) {
    return fail(err, lx->pos(),
                "unexpected '" + quote_snippet(first_word(lx->rest())) +
                    "' in the QUERY name; expected a blank after the name");
  }
  lx->skip_space();
  size_t body = lx->offset();
  std::string_view text = lx->text();
  std::vector<Word> words = split_words(text, body);
  auto word = [&](size_t k) { return text.substr(words[k].begin, words[k].end - words[k].begin); };

  // The last DO ends the text: query text never holds a bare DO, but a user who
  // forgot the count must get an error, not a QUERY that swallowed it.
  size_t k = words.size();
  while (k > 0 && !iequals(word(k - 1), "DO")) --k;
  if (k == 0) {
    return fail(err, lx->pos_at(text.size()),
                "expected 'DO <n>' at the end of the QUERY (how many times to send it), found "
                "the end of the statement");
  }
  size_t do_index = k - 1;
  if (do_index + 1 >= words.size()) {
    return fail(err, lx->pos_at(text.size()),
                "expected a count after DO (DO <n>, n >= 1), found the end of the statement");
  }
  std::string_view count = word(do_index + 1);
  SourcePos count_pos = lx->pos_at(words[do_index + 1].begin);
  uint64_t n = 0;
  if (!parse_uint(count, static_cast<uint64_t>(std::numeric_limits<int64_t>::max()), &n)) {
    bool digits = count.find_first_not_of("0123456789") == std::string_view::npos;
    return fail(err, count_pos,
                digits ? "DO count '" + quote_snippet(count) + "' does not fit in a 64-bit integer"
                       : "expected a count after DO (a whole number >= 1), found '" +
                             quote_snippet(count) + "'");
  }
  if (n == 0) return fail(err, count_pos, "DO needs a count >= 1, found '0'");
  if (do_index + 2 < words.size()) {
    return fail(err, lx->pos_at(words[do_index + 2].begin),
                "unexpected '" + quote_snippet(word(do_index + 2)) + "' after DO " +
                    std::string(count) + "; expected the QUERY to end there");
  }
  out->count = static_cast<int64_t>(n);
  size_t body_end = words[do_index].begin;
  if (do_index == 0 || body >= body_end) {
    return fail(err, lx->pos_at(words[do_index].begin),
                "expected the query text between the name and DO, found 'DO'");
  }
  // `%` followed by a letter is a variable; any other `%` stays literal so InfluxQL's
  // modulo operator (`value % 2`) still works.
  for (size_t i = body; i + 1 < body_end; ++i) {
    if (text[i] != '%' || !is_alpha(text[i + 1])) continue;
    switch (text[i + 1]) {
      case 'm':
        out->vars |= kVarM;
        break;
      case 'f':
        out->vars |= kVarF;
        break;
      case 't':
        out->vars |= kVarT;
        break;
      case 'a':
        out->vars |= kVarA;
        break;
      default:
        return fail(err, lx->pos_at(i),
                    "unknown query variable '%" + std::string(1, text[i + 1]) +
                        "'; expected %m (measurement), %f (field key), %t (key='value' of a tag) "
                        "or %a (timestamp)");
    }
    ++i;
  }
  out->text = join_lines(text.substr(body, body_end - body));
  lx->set_offset(text.size());
  return true;
}

}  // namespace stressql::parser
