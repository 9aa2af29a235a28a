#include "parser/variables.h"

#include <algorithm>
#include <set>

#include "parser/text.h"
#include "parser/time_text.h"

namespace stressql::parser {
namespace {

bool is_name_start(char c) { return is_alpha(c) || c == '_'; }
bool is_name_char(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }

bool is_name(std::string_view s) {
  if (s.empty() || !is_name_start(s[0])) return false;
  return std::all_of(s.begin(), s.end(), is_name_char);
}

std::vector<size_t> line_starts(std::string_view text) {
  std::vector<size_t> starts{0};
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts.push_back(i + 1);
  }
  return starts;
}

SourcePos pos_of(const std::vector<size_t>& starts, size_t offset) {
  size_t line = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), offset) -
                                    starts.begin());  // 1-based
  return {static_cast<int>(line), static_cast<int>(offset - starts[line - 1] + 1)};
}


// A number or a duration (nanoseconds).
struct Value {
  int64_t v = 0;
  bool duration = false;
};

// Recursive descent over one `${...}`: expr := term (('+'|'-') term)*,
// term := factor (('*'|'/') factor)*, factor := '-' factor | '(' expr ')' | number
// | duration | name.
class Expr {
 public:
  Expr(std::string_view text, size_t base, const Defines& defines, const std::vector<size_t>& lines)
      : text_(text), base_(base), defines_(defines), lines_(lines) {}

  bool eval(Value* out, Diagnostic* err) {
    err_ = err;
    if (!expr(out)) return false;
    skip();
    if (i_ < text_.size()) {
      return fail_at(i_, "unexpected '" + quote_snippet(text_.substr(i_)) +
                             "' in ${...}; expected + - * / or the closing '}'");
    }
    return true;
  }

 private:
  void skip() {
    while (i_ < text_.size() && is_blank(text_[i_])) ++i_;
  }
  bool fail_at(size_t at, std::string message) {
    err_->pos = pos_of(lines_, base_ + at);
    err_->message = std::move(message);
    return false;
  }

  bool combine(char op, Value a, Value b, size_t at, Value* out) {
    int64_t r = 0;
    bool overflow = false;
    if (op == '+' || op == '-') {
      if (a.duration != b.duration) {
        return fail_at(at, std::string("cannot ") + (op == '+' ? "add" : "subtract") +
                               " a number and a duration in ${...}");
      }
      overflow = op == '+' ? __builtin_add_overflow(a.v, b.v, &r) : __builtin_sub_overflow(a.v, b.v, &r);
      *out = {r, a.duration};
    } else if (op == '*') {
      if (a.duration && b.duration) return fail_at(at, "cannot multiply two durations in ${...}");
      overflow = __builtin_mul_overflow(a.v, b.v, &r);
      *out = {r, a.duration || b.duration};
    } else {
      if (!a.duration && b.duration) return fail_at(at, "cannot divide a number by a duration in ${...}");
      if (b.v == 0) return fail_at(at, "division by zero in ${...}");
      overflow = a.v == INT64_MIN && b.v == -1;
      *out = {overflow ? 0 : a.v / b.v, a.duration && !b.duration};
    }
    if (overflow) return fail_at(at, "the result of ${...} does not fit in a 64-bit integer");
    return true;
  }

  bool expr(Value* out) {
    if (!term(out)) return false;
    while (true) {
      skip();
      if (i_ >= text_.size() || (text_[i_] != '+' && text_[i_] != '-')) return true;
      const size_t at = i_;
      const char op = text_[i_++];
      Value rhs;
      if (!term(&rhs) || !combine(op, *out, rhs, at, out)) return false;
    }
  }

  bool term(Value* out) {
    if (!factor(out)) return false;
    while (true) {
      skip();
      if (i_ >= text_.size() || (text_[i_] != '*' && text_[i_] != '/')) return true;
      const size_t at = i_;
      const char op = text_[i_++];
      Value rhs;
      if (!factor(&rhs) || !combine(op, *out, rhs, at, out)) return false;
    }
  }

  bool factor(Value* out) {
    skip();
    if (i_ >= text_.size()) return fail_at(i_, "expected a number, a name or '(' in ${...}, found '}'");
    const size_t at = i_;
    const char c = text_[i_];
    if (c == '-') {
      ++i_;
      if (!factor(out)) return false;
      if (out->v == INT64_MIN) return fail_at(at, "the result of ${...} does not fit in a 64-bit integer");
      out->v = -out->v;
      return true;
    }
    if (c == '(') {
      ++i_;
      if (!expr(out)) return false;
      skip();
      if (i_ >= text_.size() || text_[i_] != ')') {
        return fail_at(i_, "expected ')' to close the '(' at column " +
                               std::to_string(pos_of(lines_, base_ + at).column) + " in ${...}");
      }
      ++i_;
      return true;
    }
    if (is_digit(c)) {
      while (i_ < text_.size() && (is_alpha(text_[i_]) || is_digit(text_[i_]) ||
                                   static_cast<unsigned char>(text_[i_]) >= 0x80)) {
        ++i_;
      }
      if (!literal(text_.substr(at, i_ - at), out)) {
        return fail_at(at, "expected a whole number or a duration (10s, 1h) in ${...}, found '" +
                               quote_snippet(text_.substr(at, i_ - at)) + "'");
      }
      return true;
    }
    if (is_name_start(c)) {
      while (i_ < text_.size() && is_name_char(text_[i_])) ++i_;
      std::string_view name = text_.substr(at, i_ - at);
      auto it = defines_.find(name);
      if (i_ + 1 < text_.size() && text_[i_] == ':' && text_[i_ + 1] == '-') {  // name:-default
        i_ += 2;
        const size_t def = i_;
        while (i_ < text_.size() && (is_alpha(text_[i_]) || is_digit(text_[i_]) ||
                                     static_cast<unsigned char>(text_[i_]) >= 0x80)) {
          ++i_;
        }
        if (it != defines_.end()) {
          if (!literal(trim_blanks(it->second), out)) {
            return fail_at(at, "variable '" + std::string(name) + "' is '" +
                                   quote_snippet(it->second) +
                                   "'; arithmetic in ${...} needs a whole number or a duration");
          }
          return true;
        }
        if (!literal(text_.substr(def, i_ - def), out)) {
          return fail_at(def, "expected a whole number or a duration as the default of '" +
                                  std::string(name) + "' in ${...}, found '" +
                                  quote_snippet(text_.substr(def, i_ - def)) + "'");
        }
        return true;
      }
      if (it == defines_.end()) {
        return fail_at(at, "undefined variable '" + std::string(name) + "' (define it with --define " +
                               std::string(name) + "=VALUE)");
      }
      if (!literal(trim_blanks(it->second), out)) {
        return fail_at(at, "variable '" + std::string(name) + "' is '" + quote_snippet(it->second) +
                               "'; arithmetic in ${...} needs a whole number or a duration");
      }
      return true;
    }
    return fail_at(at, "expected a number, a name or '(' in ${...}, found '" +
                           quote_snippet(text_.substr(at)) + "'");
  }

  static bool literal(std::string_view s, Value* out) {
    bool negative = !s.empty() && s[0] == '-';
    std::string_view digits = negative ? s.substr(1) : s;
    uint64_t u = 0;
    if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos) {
      if (!parse_uint(digits, static_cast<uint64_t>(INT64_MAX), &u)) return false;
      *out = {negative ? -static_cast<int64_t>(u) : static_cast<int64_t>(u), false};
      return true;
    }
    int64_t ns = 0;
    if (!parse_duration(digits, &ns)) return false;
    *out = {negative ? -ns : ns, true};
    return true;
  }

  std::string_view text_;
  size_t base_;  // offset of text_ in the source
  const Defines& defines_;
  const std::vector<size_t>& lines_;
  Diagnostic* err_ = nullptr;
  size_t i_ = 0;
};

bool comment_line(std::string_view source, size_t line_start) {
  size_t i = line_start;
  while (i < source.size() && is_blank(source[i])) ++i;
  return i < source.size() && source[i] == '#';
}

// The one scanner of a script's `${...}`, for substitute_variables and unused_defines alike:
// calls visit(dollar, end, closed) for each `${` outside comment lines, in order. `end` is the
// offset of the `}` that closes it on the same line (closed), or of the line's end (not).
template <class Visit>
void for_each_variable(std::string_view source, Visit visit) {
  size_t i = 0;
  bool in_comment = comment_line(source, 0);
  while (i < source.size()) {
    if (source[i] == '\n') {
      in_comment = comment_line(source, ++i);
      continue;
    }
    if (in_comment || source[i] != '$' || i + 1 >= source.size() || source[i + 1] != '{') {
      ++i;
      continue;
    }
    size_t end = i + 2;
    while (end < source.size() && source[end] != '}' && source[end] != '\n') ++end;
    const bool closed = end < source.size() && source[end] == '}';
    visit(i, end, closed);
    i = closed ? end + 1 : i + 1;
  }
}

}  // namespace

bool parse_define(std::string_view arg, std::string* name, std::string* value, std::string* error) {
  size_t eq = arg.find('=');
  if (eq == std::string_view::npos || !is_name(arg.substr(0, eq))) {
    *error = "--define expects NAME=VALUE (NAME: a letter or '_', then letters, digits or '_'), "
             "found '" + std::string(arg) + "'";
    return false;
  }
  *name = std::string(arg.substr(0, eq));
  *value = std::string(arg.substr(eq + 1));
  return true;
}

size_t Substitution::original_offset(size_t out) const {
  auto it = std::upper_bound(spans_.begin(), spans_.end(), out,
                             [](size_t o, const Span& s) { return o < s.out_begin; });
  if (it == spans_.begin()) return out;
  const Span& s = *std::prev(it);
  if (out < s.out_begin + s.out_len) return s.src_begin;
  return s.src_begin + s.src_len + (out - (s.out_begin + s.out_len));
}

SourcePos Substitution::original(SourcePos pos) const {
  if (spans_.empty() || pos.line < 1 || static_cast<size_t>(pos.line) > out_lines_.size()) return pos;
  const size_t out = out_lines_[pos.line - 1] + static_cast<size_t>(std::max(pos.column, 1) - 1);
  return pos_of(src_lines_, original_offset(out));
}

bool substitute_variables(std::string_view source, const Defines& defines, Substitution* out,
                          std::vector<Diagnostic>* errors) {
  out->text_.clear();
  out->spans_.clear();
  out->src_lines_ = line_starts(source);
  const size_t errors_before = errors->size();
  size_t copied = 0;  // source before this offset is in text_ already
  for_each_variable(source, [&](size_t i, size_t close, bool closed) {
    if (!closed) {  // `${` ... `}` must be on one line
      errors->push_back({pos_of(out->src_lines_, i), "expected '}' to close '${' on the same line"});
      return;
    }
    out->text_.append(source.substr(copied, i - copied));
    copied = close + 1;
    const size_t inner = i + 2;
    std::string_view body = source.substr(inner, close - inner);
    std::string value;
    bool ok = true;
    size_t dash = body.find(":-");
    std::string_view trimmed = trim_blanks(body);
    if (dash != std::string_view::npos && is_name(trim_blanks(body.substr(0, dash))) &&
        body.find_first_of("*/()+", dash) == std::string_view::npos) {
      auto it = defines.find(trim_blanks(body.substr(0, dash)));
      value = it != defines.end() ? it->second : std::string(body.substr(dash + 2));
    } else if (is_name(trimmed)) {
      auto it = defines.find(trimmed);
      if (it == defines.end()) {
        size_t at = inner + static_cast<size_t>(trimmed.data() - body.data());
        errors->push_back({pos_of(out->src_lines_, at),
                           "undefined variable '" + std::string(trimmed) +
                               "'; expected --define " + std::string(trimmed) +
                               "=VALUE or a default: ${" + std::string(trimmed) + ":-VALUE}"});
        ok = false;
      } else {
        value = it->second;
      }
    } else if (trimmed.empty()) {
      errors->push_back({pos_of(out->src_lines_, i), "empty '${}'; expected a name or an expression"});
      ok = false;
    } else {
      Value v;
      Diagnostic d;
      if (Expr(body, inner, defines, out->src_lines_).eval(&v, &d)) {
        value = v.duration ? duration_literal(v.v) : std::to_string(v.v);
      } else {
        errors->push_back(std::move(d));
        ok = false;
      }
    }
    if (ok) {
      out->spans_.push_back({out->text_.size(), value.size(), i, close + 1 - i});
      out->text_ += value;
    }
  });
  out->text_.append(source.substr(copied));
  out->out_lines_ = line_starts(out->text_);
  return errors->size() == errors_before;
}

std::vector<std::string> unused_defines(std::string_view source, const Defines& defines) {
  std::set<std::string, std::less<>> mentioned;
  for_each_variable(source, [&](size_t i, size_t close, bool) {
    // Every word of the body that starts like a name (not `10s`); a default's words too,
    // which only errs towards saying less.
    for (size_t j = i + 2; j < close;) {
      if (!is_name_char(source[j])) {
        ++j;
        continue;
      }
      const size_t start = j;
      while (j < close && is_name_char(source[j])) ++j;
      if (is_name_start(source[start])) mentioned.emplace(source.substr(start, j - start));
    }
  });
  std::vector<std::string> unused;
  for (const auto& [name, value] : defines) {
    if (!mentioned.contains(name)) unused.push_back(name);
  }
  return unused;
}

ParseResult parse_script_with_defines(std::string_view file, std::string_view source,
                                      const Defines& defines, const ParseOptions& options) {
  Substitution sub;
  std::vector<Diagnostic> errors;
  if (!substitute_variables(source, defines, &sub, &errors)) {
    ParseResult r;
    r.errors = std::move(errors);
    return r;
  }
  if (!sub.changed()) return parse_script(file, source, options);
  ParseResult r = parse_script(file, sub.text(), options);
  for (Diagnostic& d : r.errors) d.pos = sub.original(d.pos);
  for (Statement& st : r.script.statements) st.pos = sub.original(st.pos);
  return r;
}

}  // namespace stressql::parser
