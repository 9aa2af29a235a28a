#include "parser/template_parser.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <limits>

#include "parser/parse_error.h"
#include "parser/series.h"
#include "parser/text.h"

namespace stressql::parser {
namespace {

// Cursor over [begin, end) of the block text: the inside of one template.
struct Inner {
  const Lexer& lx;
  size_t i;
  size_t end;

  char peek() const { return i < end ? lx.text()[i] : '\0'; }
  void skip_blanks() {
    while (i < end && is_blank(lx.text()[i])) ++i;
  }
  std::string_view take_while(bool (*pred)(char)) {
    size_t start = i;
    while (i < end && pred(lx.text()[i])) ++i;
    return lx.text().substr(start, i - start);
  }
  std::string_view rest() const { return lx.text().substr(i, end - i); }
  SourcePos pos() const { return lx.pos_at(i); }
};

bool is_word_char(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }
bool is_number_char(char c) {
  return is_digit(c) || is_alpha(c) || c == '-' || c == '.' || c == '+';
}

const char* type_name(ValueType t) {
  switch (t) {
    case ValueType::kInt:
      return "int";
    case ValueType::kFloat:
      return "float";
    case ValueType::kStr:
      return "str";
  }
  return "int";
}

// The number of distinct values the generator can produce; UINT64_MAX when unbounded
// for practical purposes (floats, or more than fits).
uint64_t distinct_values(const Generator& g) {
  if (g.fn == ValueFn::kInc || g.type == ValueType::kFloat) {
    return std::numeric_limits<uint64_t>::max();
  }
  if (g.type == ValueType::kInt) return static_cast<uint64_t>(g.arg);
  uint64_t n = 1;  // str rand(n): 36^n strings
  for (int64_t k = 0; k < g.arg && n != std::numeric_limits<uint64_t>::max(); ++k) {
    n = saturating_mul(n, 36);
  }
  return n;
}

bool check_generator(const Generator& g, SourcePos arg_pos, SourcePos count_pos, Diagnostic* err) {
  std::string shape = std::string(type_name(g.type)) +
                      (g.fn == ValueFn::kInc ? " inc(" : " rand(") + std::to_string(g.arg) + ")";
  if (g.fn == ValueFn::kRand && g.arg <= 0) {
    return fail(err, arg_pos, "rand(n) needs n >= 1, found " + shape);
  }
  if (g.type == ValueType::kStr && g.fn == ValueFn::kRand && g.arg > kMaxRandomStringLength) {
    return fail(err, arg_pos,
                shape + " would make strings of " + std::to_string(g.arg) +
                    " characters; expected n <= " + std::to_string(kMaxRandomStringLength));
  }
  if (g.count > 0 && static_cast<uint64_t>(g.count) > distinct_values(g)) {
    return fail(err, count_pos,
                shape + " has only " + std::to_string(distinct_values(g)) +
                    " distinct values, but the count asks for " + std::to_string(g.count) +
                    "; expected a count <= " + std::to_string(distinct_values(g)));
  }
  if (g.fn == ValueFn::kInc && g.type != ValueType::kFloat && g.count > 0 &&
      g.arg > std::numeric_limits<int64_t>::max() - (g.count - 1)) {
    return fail(
        err, count_pos,
        shape + " with count " + std::to_string(g.count) + " runs past the largest 64-bit integer");
  }
  return true;
}


bool is_decimal_char(char c) {
  return is_digit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// A decimal number as written in a template argument ("1.5", "-3", "1e9").
bool parse_decimal(std::string_view text, double* out) {
  if (text.empty() || text.size() > 64) return false;
  std::string copy(text);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || errno != 0 || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

// walk(start, step, min, max), counter(start, max_step), normal(mean, stddev): SPEC §7.2.
// REQUIRES: `in` is just after the function name.
bool parse_series_template(Inner in, ValueType type, std::string_view fn, SourcePos fn_pos,
                           Generator* g, Diagnostic* err) {
  const char* shape;
  size_t want;
  if (iequals(fn, "walk")) {
    g->fn = ValueFn::kWalk;
    shape = "walk(start, step, min, max)";
    want = 4;
  } else if (iequals(fn, "counter")) {
    g->fn = ValueFn::kCounter;
    shape = "counter(start, max_step)";
    want = 2;
  } else {
    g->fn = ValueFn::kNormal;
    shape = "normal(mean, stddev)";
    want = 2;
  }
  if (type == ValueType::kStr) {
    return fail(err, fn_pos, std::string("str ") + shape + " makes numbers; expected int or float");
  }
  if (g->fn == ValueFn::kCounter && type != ValueType::kInt) {
    return fail(err, fn_pos, std::string(type_name(type)) + " counter(...): a counter counts; expected int counter(start, max_step)");
  }
  in.skip_blanks();
  if (in.peek() != '(') {
    return fail(err, in.pos(),
                "expected '(' after '" + std::string(fn) + "', found '" + quote_snippet(in.rest()) + "'");
  }
  ++in.i;
  SourcePos arg_pos[4];
  for (size_t a = 0; a < want; ++a) {
    in.skip_blanks();
    arg_pos[a] = in.pos();
    std::string_view arg = in.take_while(is_decimal_char);
    if (!parse_decimal(arg, &g->args[a])) {
      return fail(err, arg_pos[a],
                  std::string("expected a number as argument ") + std::to_string(a + 1) + " of " +
                      shape + ", found '" + quote_snippet(arg.empty() ? in.rest() : arg) + "'");
    }
    size_t dot = arg.find('.');
    if (dot != std::string_view::npos) {
      size_t digits = 0;
      for (size_t c = dot + 1; c < arg.size() && is_digit(arg[c]); ++c) ++digits;
      g->decimals = std::max<int>(g->decimals, static_cast<int>(std::min<size_t>(digits, 9)));
    }
    in.skip_blanks();
    const char sep = a + 1 < want ? ',' : ')';
    if (in.peek() != sep) {
      return fail(err, in.pos(),
                  std::string("expected '") + sep + "' after argument " + std::to_string(a + 1) +
                      " of " + shape + ", found '" + quote_snippet(in.rest()) + "'");
    }
    ++in.i;
  }
  in.skip_blanks();
  if (in.i < in.end) {
    return fail(err, in.pos(),
                "unexpected '" + quote_snippet(in.rest()) + "' after " + std::string(fn) +
                    "(...); it takes no count (a value per series and point); expected ']'");
  }
  const double* v = g->args;
  if (g->fn == ValueFn::kWalk) {
    if (v[1] < 0) return fail(err, arg_pos[1], "walk step must be >= 0 (the standard deviation of a step)");
    if (v[2] > v[3]) return fail(err, arg_pos[3], "walk max must be >= min");
    if (v[0] < v[2] || v[0] > v[3]) return fail(err, arg_pos[0], "walk start must lie in [min, max]");
  } else if (g->fn == ValueFn::kCounter) {
    for (size_t a = 0; a < 2; ++a) {
      if (v[a] != std::floor(v[a]) || std::fabs(v[a]) > 9.0e15) {
        return fail(err, arg_pos[a], "counter arguments are whole numbers below 9e15");
      }
    }
    if (v[1] < 0) return fail(err, arg_pos[1], "counter max_step must be >= 0 (counters only grow)");
  } else if (v[1] < 0) {
    return fail(err, arg_pos[1], "normal stddev must be >= 0");
  }
  g->count = 0;
  return true;
}

bool parse_generator(Inner in, ValueType type, Generator* g, Diagnostic* err) {
  g->type = type;
  in.skip_blanks();
  SourcePos fn_pos = in.pos();
  std::string_view fn = in.take_while(is_word_char);
  if (iequals(fn, "inc")) {
    g->fn = ValueFn::kInc;
  } else if (iequals(fn, "rand")) {
    g->fn = ValueFn::kRand;
  } else if (iequals(fn, "walk") || iequals(fn, "counter") || iequals(fn, "normal")) {
    return parse_series_template(in, type, fn, fn_pos, g, err);
  } else {
    return fail(err, fn_pos,
                std::string("expected inc(n) or rand(n), or walk(...), counter(...), normal(...), after '") +
                    type_name(type) + "', found '" + quote_snippet(fn.empty() ? in.rest() : fn) +
                    "'");
  }
  in.skip_blanks();
  if (in.peek() != '(') {
    return fail(
        err, in.pos(),
        "expected '(' after '" + std::string(fn) + "', found '" + quote_snippet(in.rest()) + "'");
  }
  ++in.i;
  in.skip_blanks();
  SourcePos arg_pos = in.pos();
  std::string_view arg = in.take_while(is_number_char);
  if (!parse_int64(arg, &g->arg)) {
    bool numeric = !arg.empty() && (is_digit(arg.back()));
    return fail(err, arg_pos,
                numeric && arg.find('.') == std::string_view::npos
                    ? "number '" + quote_snippet(arg) + "' does not fit in a 64-bit integer"
                    : "expected a whole number in " + std::string(fn) + "(...), found '" +
                          quote_snippet(arg.empty() ? in.rest() : arg) + "'");
  }
  in.skip_blanks();
  if (in.peek() != ')') {
    return fail(err, in.pos(),
                "expected ')' after " + std::string(fn) + "(" + std::string(arg) + ", found '" +
                    quote_snippet(in.rest()) + "'");
  }
  ++in.i;
  in.skip_blanks();
  SourcePos count_pos = in.pos();
  std::string_view count = in.take_while(is_number_char);
  uint64_t c = 0;
  if (count.empty()) {
    return fail(err, count_pos,
                "expected a count after '" + std::string(fn) + "(" + std::string(arg) +
                    ")' (the number of distinct values, 0 for a new value at every timestamp)");
  }
  if (!parse_uint(count, static_cast<uint64_t>(std::numeric_limits<int64_t>::max()), &c)) {
    bool digits = count.find_first_not_of("0123456789") == std::string_view::npos;
    return fail(
        err, count_pos,
        digits ? "count '" + quote_snippet(count) + "' does not fit in a 64-bit integer"
               : "expected a count (a whole number >= 0), found '" + quote_snippet(count) + "'");
  }
  g->count = static_cast<int64_t>(c);
  in.skip_blanks();
  if (in.i < in.end) {
    return fail(err, in.pos(),
                "unexpected '" + quote_snippet(in.rest()) +
                    "' in the template; expected ']' after the count");
  }
  return check_generator(*g, arg_pos, count_pos, err);
}

bool parse_list(Inner in, ValueList* list, Diagnostic* err) {
  while (true) {
    size_t start = in.i;
    while (in.i < in.end && in.lx.text()[in.i] != '|') ++in.i;
    std::string_view item = trim_blanks(in.lx.text().substr(start, in.i - start));
    if (item.empty()) {
      return fail(err, in.lx.pos_at(start),
                  "empty item in the list; expected text between '[', '|' and ']' (as in [a|b|c])");
    }
    list->items.emplace_back(item);
    if (in.i >= in.end) return true;
    ++in.i;  // the '|'
  }
}

// `... per <tagkey>` at the end of a template (SPEC §7.2): fills out->per and returns the
// new end of the template's inside; returns `end` unchanged without one, 0 on an error.
size_t strip_per(const Lexer& lx, size_t begin, size_t end, Segment* out, Diagnostic* err) {
  std::string_view inside = lx.text().substr(begin, end - begin);
  size_t stop = inside.size();
  while (stop > 0 && is_blank(inside[stop - 1])) --stop;
  size_t key_start = stop;
  while (key_start > 0 && !is_blank(inside[key_start - 1]) && inside[key_start - 1] != '|') --key_start;
  size_t word_end = key_start;
  while (word_end > 0 && is_blank(inside[word_end - 1])) --word_end;
  if (word_end == key_start || word_end < 3) return end;  // no blank before the key
  size_t word_start = word_end - 3;
  if (!iequals(inside.substr(word_start, 3), "per")) return end;
  if (word_start > 0 && !is_blank(inside[word_start - 1]) && inside[word_start - 1] != '|') return end;
  if (key_start == stop) {
    fail(err, lx.pos_at(begin + word_end), "expected a tag key after 'per'");
    return 0;
  }
  out->per = std::string(inside.substr(key_start, stop - key_start));
  out->per_pos = lx.pos_at(begin + key_start);
  size_t new_end = word_start;
  while (new_end > 0 && is_blank(inside[new_end - 1])) --new_end;
  if (new_end == 0) {
    fail(err, lx.pos_at(begin + word_start), "expected a template or a list before 'per'");
    return 0;
  }
  return begin + new_end;
}

}  // namespace

bool parse_template(Lexer* lx, Segment* out, Diagnostic* err) {
  size_t open = lx->offset();
  SourcePos open_pos = lx->pos();
  lx->advance();  // '['
  // A template lives on one line and does not nest; scanning stops at the first
  // newline or '[' so unbalanced brackets can never make this quadratic.
  while (!lx->at_end() && lx->peek() != ']') {
    if (lx->peek() == '\n') break;
    if (lx->peek() == '[') {
      return fail(err, lx->pos(),
                  "unexpected '[' inside the template started at " + pos_text(open_pos) +
                      "; templates do not nest");
    }
    lx->advance();
  }
  if (lx->peek() != ']') {
    return fail(err, lx->pos(),
                "expected ']' to close the template started at " + pos_text(open_pos));
  }
  size_t close = lx->offset();
  lx->advance();
  out->pos = open_pos;

  close = strip_per(*lx, open + 1, close, out, err);
  if (close == 0) return false;
  Inner in{*lx, open + 1, close};
  in.skip_blanks();
  std::string_view word = in.take_while(is_word_char);
  bool generator_shape = !word.empty() && (in.i == close || is_blank(in.peek()));
  ValueType type = ValueType::kInt;
  bool typed = true;
  if (iequals(word, "int")) {
    type = ValueType::kInt;
  } else if (iequals(word, "float")) {
    type = ValueType::kFloat;
  } else if (iequals(word, "str")) {
    type = ValueType::kStr;
  } else {
    typed = false;
  }
  if (typed && generator_shape) {
    out->kind = Segment::Kind::kGenerator;
    out->generator.pos = open_pos;
    return parse_generator(in, type, &out->generator, err);
  }
  std::string_view inside = lx->text().substr(open + 1, close - open - 1);
  if (inside.find('|') != std::string_view::npos) {
    out->kind = Segment::Kind::kList;
    out->list.pos = open_pos;
    return parse_list(Inner{*lx, open + 1, close}, &out->list, err);
  }
  return fail(err, open_pos,
              "expected a template [int|float|str inc|rand(n) count] or a list [a|b|c], found '[" +
                  quote_snippet(inside) + "]'");
}

std::string describe_template(const Segment& s) {
  if (s.kind == Segment::Kind::kList) {
    std::string out;
    for (size_t i = 0; i < s.list.items.size(); ++i) out += (i ? "|" : "") + s.list.items[i];
    return out;
  }
  const Generator& g = s.generator;
  if (g.per_series()) {
    auto num = [](double v) {
      char b[32];
      std::snprintf(b, sizeof b, "%g", v);
      return std::string(b);
    };
    std::string out = std::string(type_name(g.type)) +
                      (g.fn == ValueFn::kWalk ? " walk(" : g.fn == ValueFn::kCounter ? " counter(" : " normal(");
    size_t n = g.fn == ValueFn::kWalk ? 4 : 2;
    for (size_t i = 0; i < n; ++i) out += (i ? ", " : "") + num(g.args[i]);
    return out + ")";
  }
  return std::string(type_name(g.type)) + (g.fn == ValueFn::kInc ? " inc(" : " rand(") +
         std::to_string(g.arg) + ") " + std::to_string(g.count);
}

}  // namespace stressql::parser
