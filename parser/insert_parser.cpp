#include "parser/insert_parser.h"

#include <algorithm>
#include <limits>

#include "parser/parse_error.h"
#include "parser/replay_parser.h"
#include "parser/series.h"
#include "parser/template_parser.h"
#include "parser/text.h"
#include "parser/time_text.h"

namespace stressql::parser {
namespace {

std::string found(const Lexer& lx) {
  if (lx.at_end()) return "the end of the statement";
  if (lx.peek() == '\n') return "the end of the line";
  if (is_blank(lx.peek())) return "a blank";
  return quoted(first_word(lx.rest()));
}

// Ends a measurement, key or literal: separators and blanks. Escaped bytes never end one.
bool ends_part(char c) { return c == ',' || is_space(c); }

// Reads literal text up to an unescaped stop byte, keeping escapes as written.
// `stop_extra` also stops (e.g. '=' for keys, '[' for values).
std::string_view read_literal(Lexer* lx, const char* stop_extra) {
  size_t start = lx->offset();
  while (!lx->at_end()) {
    char c = lx->peek();
    if (c == '\\' && lx->peek(1) != '\0' && lx->peek(1) != '\n') {
      lx->advance(2);
      continue;
    }
    if (ends_part(c)) break;
    bool stop = false;
    for (const char* s = stop_extra; *s; ++s) stop = stop || c == *s;
    if (stop) break;
    lx->advance();
  }
  return lx->text().substr(start, lx->offset() - start);
}

bool is_float_text(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

class InsertParser {
 public:
  InsertParser(Lexer* lx, const Settings& settings, InsertStmt* out, Diagnostic* err)
      : lx_(*lx), settings_(settings), out_(*out), err_(err) {}

  bool parse() {
    if (!lx_.skip_space() && !lx_.at_end()) {
      return fail(err_, lx_.pos(), "expected a blank after INSERT, found " + found(lx_));
    }
    SourcePos name_pos = lx_.pos();
    std::string_view name = lx_.read_identifier();
    if (name.empty()) {
      return fail(err_, name_pos,
                  "expected a name after INSERT (INSERT <name>), found " + found(lx_));
    }
    out_.name = std::string(name);
    if (!lx_.at_end() && !is_space(lx_.peek())) {
      return fail(err_, lx_.pos(),
                  "unexpected '" + quote_snippet(first_word(lx_.rest())) +
                      "' in the INSERT name; expected a blank after the name");
    }
    lx_.skip_space();
    if (at_replay_from(lx_)) return parse_replay_from(&lx_, &out_, err_);
    if (lx_.at_end()) {
      return fail(err_, lx_.pos(),
                  "expected '<measurement>,<tags> <fields> <count> <interval>' or FROM '<file>' after INSERT " +
                      out_.name + ", found the end of the statement");
    }
    if (!parse_measurement() || !parse_pairs(/*tags=*/true)) return false;
    if (!lx_.skip_space() || lx_.at_end()) {
      return fail(err_, lx_.pos(),
                  "expected fields after the tags (e.g. value=1), found " + found(lx_));
    }
    if (!parse_pairs(/*tags=*/false) || !parse_count_and_interval()) return false;
    lx_.skip_space();
    if (!lx_.at_end()) {
      return fail(err_, lx_.pos(),
                  "unexpected '" + quote_snippet(first_word(lx_.rest())) +
                      "' after INSERT; expected the statement to end after the interval");
    }
    return check_ranges();
  }

 private:
  bool parse_measurement() {
    SourcePos pos = lx_.pos();
    std::string_view m = read_literal(&lx_, "[");
    if (lx_.peek() == '[') {
      return fail(err_, lx_.pos(), "templates are not allowed in the measurement name");
    }
    if (m.empty()) return fail(err_, pos, "expected a measurement name, found " + found(lx_));
    out_.measurement = std::string(m);
    return true;
  }

  // Tags (after the measurement, each introduced by ',') or fields (a ','-separated
  // list). A line break is allowed after every comma.
  bool parse_pairs(bool tags) {
    const char* what = tags ? "tag" : "field";
    std::vector<KeyValue>& list = tags ? out_.tags : out_.fields;
    // Untouched reserved pages cost nothing; doubling a vector of a million fields does.
    std::string_view rest = lx_.rest();
    list.reserve(std::min<size_t>(std::count(rest.begin(), rest.end(), ',') + 1, 1 << 20));
    if (tags) {
      if (lx_.peek() != ',') return true;  // no tags
      lx_.advance();
      lx_.skip_space();
    }
    while (true) {
      KeyValue kv;
      kv.pos = lx_.pos();
      std::string_view key = read_literal(&lx_, "=[");
      if (lx_.peek() == '[') {
        return fail(err_, lx_.pos(), std::string("templates are not allowed in ") + what + " keys");
      }
      if (key.empty()) {
        return fail(err_, kv.pos, std::string("expected a ") + what + " key, found " + found(lx_));
      }
      if (lx_.peek() != '=') {
        return fail(err_, lx_.pos(),
                    "expected '=' after " + std::string(what) + " key '" + quote_snippet(key) +
                        "', found " + found(lx_));
      }
      kv.key = std::string(key);
      lx_.advance();  // '='
      if (!(tags ? parse_tag_value(&kv) : parse_field_value(&kv))) return false;
      list.push_back(std::move(kv));
      if (lx_.peek() != ',') return check_duplicates(list, what);
      lx_.advance();
      lx_.skip_space();
    }
  }

  // Sorting beats hashing here: a generated script may hold a million fields.
  bool check_duplicates(const std::vector<KeyValue>& list, const char* what) {
    std::vector<size_t> order(list.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return list[a].key != list[b].key ? list[a].key < list[b].key : a < b;
    });
    size_t first = 0, second = list.size();  // the earliest repeat in written order
    for (size_t i = 1; i < order.size(); ++i) {
      if (list[order[i]].key == list[order[i - 1]].key && order[i] < second) {
        second = order[i];
        first = order[i - 1];
        while (i + 1 < order.size() && list[order[i + 1]].key == list[order[i]].key) ++i;
      }
    }
    if (second == list.size()) return true;
    const KeyValue& kv = list[second];
    for (size_t i = 0; i < second; ++i) {
      if (list[i].key == kv.key) {
        first = i;
        break;
      }
    }
    return fail(err_, kv.pos,
                "duplicate " + std::string(what) + " key '" + quote_snippet(kv.key) +
                    "' (first at " + pos_text(list[first].pos) + "); expected each key once");
  }

  bool parse_tag_value(KeyValue* kv) {
    while (!lx_.at_end() && !ends_part(lx_.peek())) {
      Segment seg;
      seg.pos = lx_.pos();
      if (lx_.peek() == '[') {
        if (!parse_template(&lx_, &seg, err_)) return false;
        if (!seg.per.empty() && !check_per(seg)) return false;
        if (segment_cardinality(seg) == 0) {
          return fail(err_, seg.pos,
                      "a tag needs a finite cardinality, but [" + describe_template(seg) +
                          "] has count 0 (a new value at every timestamp); expected a count >= 1");
        }
      } else {
        seg.literal = std::string(read_literal(&lx_, "["));
      }
      kv->value.push_back(std::move(seg));
    }
    if (kv->value.empty()) {
      return fail(err_, lx_.pos(),
                  "expected a value for tag '" + quote_snippet(kv->key) + "', found " + found(lx_));
    }
    return true;
  }

  // `[... per <tagkey>]` (SPEC §7.2): <tagkey> is a tag written before this one, and the
  // template is one that needs no per-series state.
  bool check_per(const Segment& seg) {
    if (seg.kind == Segment::Kind::kGenerator &&
        (seg.generator.fn == ValueFn::kWalk || seg.generator.fn == ValueFn::kCounter)) {
      return fail(err_, seg.pos,
                  "[" + describe_template(seg) +
                      "] keeps state per series; a tag drawn 'per' another tag takes a list, "
                      "inc, rand or normal");
    }
    for (const KeyValue& t : out_.tags) {
      if (t.key == seg.per) return true;
    }
    return fail(err_, seg.per_pos,
                "'per " + quote_snippet(seg.per) +
                    "': expected the key of a tag written before this one in the INSERT");
  }

  bool parse_field_value(KeyValue* kv) {
    Segment seg;
    seg.pos = lx_.pos();
    if (lx_.peek() == '[') {
      if (!parse_template(&lx_, &seg, err_)) return false;
      if (!seg.per.empty()) {
        return fail(err_, seg.per_pos,
                    "'per " + quote_snippet(seg.per) +
                        "' is for tag values; a field template draws per series and point");
      }
      if (!lx_.at_end() && !ends_part(lx_.peek())) {
        SourcePos after = lx_.pos();
        return fail(err_, after,
                    "unexpected '" + quote_snippet(read_literal(&lx_, "")) +
                        "' after the template; a field value is either a literal or exactly one "
                        "template");
      }
    } else if (lx_.peek() == '"') {
      if (!read_quoted(&seg)) return false;
    } else {
      std::string_view text = read_literal(&lx_, "[");
      if (lx_.peek() == '[') {
        return fail(err_, lx_.pos(),
                    "unexpected template after '" + quote_snippet(text) +
                        "'; a field value is either a literal or exactly one template");
      }
      if (text.empty()) {
        return fail(
            err_, lx_.pos(),
            "expected a value for field '" + quote_snippet(kv->key) + "', found " + found(lx_));
      }
      if (!is_field_literal(text)) {
        return fail(err_, seg.pos,
                    "field value '" + quote_snippet(text) +
                        "' is not line protocol; expected a number (1.5), an integer (12i), "
                        "true/false, a \"quoted string\" or a template");
      }
      seg.literal = std::string(text);
    }
    kv->value.push_back(std::move(seg));
    return true;
  }

  bool read_quoted(Segment* seg) {
    size_t start = lx_.offset();
    lx_.advance();  // opening quote
    while (!lx_.at_line_end() && lx_.peek() != '"') {
      lx_.advance(lx_.peek() == '\\' && lx_.peek(1) != '\n' ? 2 : 1);
    }
    if (lx_.peek() != '"') {
      return fail(err_, lx_.pos(),
                  "expected '\"' to close the string started at " + pos_text(seg->pos));
    }
    lx_.advance();
    seg->literal = std::string(lx_.text().substr(start, lx_.offset() - start));
    if (!lx_.at_end() && !ends_part(lx_.peek())) {
      return fail(err_, lx_.pos(),
                  "unexpected '" + quote_snippet(first_word(lx_.rest())) +
                      "' after the closing '\"'; expected ',' or a blank");
    }
    return true;
  }

  bool parse_count_and_interval() {
    if (!lx_.skip_space() || lx_.at_end()) {
      return fail(err_, lx_.pos(),
                  "expected the point count after the fields (INSERT ... <count> <interval>), "
                  "found " +
                      found(lx_));
    }
    SourcePos count_pos = lx_.pos();
    std::string_view count = lx_.read_word();
    uint64_t c = 0;
    if (!parse_uint(count, static_cast<uint64_t>(std::numeric_limits<int64_t>::max()), &c)) {
      bool digits = count.find_first_not_of("0123456789") == std::string_view::npos;
      return fail(
          err_, count_pos,
          digits ? "point count '" + quote_snippet(count) + "' does not fit in a 64-bit integer"
                 : "expected the point count (a whole number >= 0), found '" +
                       quote_snippet(count) + "'");
    }
    out_.count = static_cast<int64_t>(c);
    lx_.skip_space();
    interval_pos_ = lx_.pos();
    std::string_view interval = lx_.read_word();
    if (interval.empty()) {
      return fail(err_, interval_pos_,
                  "expected the interval between points of one series after the count "
                  "(e.g. 10s), found the end of the statement");
    }
    if (!parse_duration(interval, &out_.interval_ns)) {
      return fail(err_, interval_pos_,
                  "expected a duration like 10s, 500ms or 1m30s (units ns, us, ms, s, m, h), "
                  "found '" +
                      quote_snippet(interval) + "'");
    }
    return true;
  }

  // Checks that need the whole statement: unbounded counters and the last timestamp.
  bool check_ranges() {
    uint64_t stamps = timestamp_count(out_);
    if (stamps == 0) return true;
    for (const KeyValue& f : out_.fields) {
      const Segment& seg = f.value.front();
      if (seg.kind != Segment::Kind::kGenerator) continue;
      const Generator& g = seg.generator;
      if (g.count != 0 || g.fn != ValueFn::kInc || g.type == ValueType::kFloat) continue;
      // 128-bit: arg may be negative, and INT64_MAX - arg would overflow int64.
      const __int128 room = static_cast<__int128>(std::numeric_limits<int64_t>::max()) - g.arg;
      if (room < static_cast<__int128>(stamps - 1)) {
        return fail(err_, seg.pos,
                    std::string("[") + describe_template(seg) +
                        "] runs past the largest 64-bit integer over " + std::to_string(stamps) +
                        " timestamps");
      }
    }
    const StartDate& start = settings_.start_date;
    if (start.now) return true;  // resolved at run time
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    // 128-bit: steps and interval are each below 2^63, and unix_ns may be negative.
    __int128 room = static_cast<__int128>(kMax) - start.unix_ns;
    __int128 span = static_cast<__int128>(stamps - 1) * out_.interval_ns;
    if (span > room) {
      return fail(err_, interval_pos_,
                  std::to_string(stamps) + " timestamps " + "from " +
                      format_unix_ns(start.unix_ns) +
                      " at this interval run past 2262-04-11, the last time InfluxDB stores; "
                      "expected fewer points or a shorter interval");
    }
    return true;
  }

  Lexer& lx_;
  const Settings& settings_;
  InsertStmt& out_;
  Diagnostic* err_;
  SourcePos interval_pos_;
};

}  // namespace

bool is_field_literal(std::string_view t) {
  static constexpr std::string_view kBools[] = {"t", "T", "true",  "True",  "TRUE",
                                                "f", "F", "false", "False", "FALSE"};
  for (std::string_view b : kBools) {
    if (t == b) return true;
  }
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') return true;
  if (!t.empty() && (t.back() == 'i' || t.back() == 'u')) {
    std::string_view n = t.substr(0, t.size() - 1);
    if (t.back() == 'i' && !n.empty() && n.front() == '-') n.remove_prefix(1);
    return !n.empty() && n.find_first_not_of("0123456789") == std::string_view::npos;
  }
  return is_float_text(t);
}

bool parse_insert(Lexer* lx, const Settings& settings, InsertStmt* out, Diagnostic* err) {
  return InsertParser(lx, settings, out, err).parse();
}

}  // namespace stressql::parser
