#include "parser/rate.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "parser/text.h"
#include "parser/time_text.h"

namespace stressql::parser {
namespace {

// Blank-separated words of `value`, a number and its unit allowed to touch ("2k req/s" or
// "2kreq/s" are both one amount and one unit).
std::vector<std::string_view> words(std::string_view value) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && is_space(value[i])) ++i;
    size_t start = i;
    while (i < value.size() && !is_space(value[i])) ++i;
    if (i > start) out.push_back(value.substr(start, i - start));
  }
  return out;
}

// "2000", "2.5k", "1M", "0.5": a non-negative decimal with an optional k or M.
bool parse_number(std::string_view text, double* out) {
  if (text.empty()) return false;
  double scale = 1;
  if (text.back() == 'k') scale = 1e3;
  if (text.back() == 'M') scale = 1e6;
  if (scale != 1) text.remove_suffix(1);
  size_t digits = 0, dots = 0;
  for (char c : text) {
    if (is_digit(c)) ++digits;
    else if (c == '.') ++dots;
    else return false;
  }
  if (digits == 0 || dots > 1 || text.front() == '.' || text.back() == '.') return false;
  const std::string s(text);
  *out = std::strtod(s.c_str(), nullptr) * scale;
  return std::isfinite(*out);
}

bool parse_unit(std::string_view text, Rate::Unit* out) {
  if (iequals(text, "pts/s")) *out = Rate::Unit::kPoints;
  else if (iequals(text, "req/s")) *out = Rate::Unit::kRequests;
  else if (iequals(text, "MB/s")) *out = Rate::Unit::kMegabytes;
  else return false;
  return true;
}

// One amount and its unit, from one word ("2kreq/s") or two ("2k", "req/s"); advances *i.
bool parse_amount(const std::vector<std::string_view>& w, size_t* i, double* value, Rate::Unit* unit) {
  if (*i >= w.size()) return false;
  std::string_view word = w[*i];
  size_t split = 0;
  while (split < word.size() && (is_digit(word[split]) || word[split] == '.')) ++split;
  if (split < word.size() && (word[split] == 'k' || word[split] == 'M') &&
      (split + 1 == word.size() || word[split + 1] != 'B')) {
    ++split;  // the k/M suffix; "1MB/s" is 1 in MB/s
  }
  if (split == word.size()) {  // the unit is the next word
    if (*i + 1 >= w.size() || !parse_number(word, value) || !parse_unit(w[*i + 1], unit)) return false;
    *i += 2;
    return true;
  }
  if (!parse_number(word.substr(0, split), value) || !parse_unit(word.substr(split), unit)) return false;
  *i += 1;
  return true;
}

}  // namespace

std::string_view rate_unit_name(Rate::Unit unit) {
  switch (unit) {
    case Rate::Unit::kNone: return "";
    case Rate::Unit::kPoints: return "pts/s";
    case Rate::Unit::kRequests: return "req/s";
    case Rate::Unit::kMegabytes: return "MB/s";
  }
  return "";
}

std::string rate_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string rate_text(const Rate& rate) {
  if (!rate.open_loop()) return "0";
  const std::string unit(rate_unit_name(rate.unit));
  if (rate.ramp_ns == 0) return rate_number(rate.to) + " " + unit;
  const int64_t s = rate.ramp_ns / 1'000'000'000;
  const std::string over = rate.ramp_ns % 1'000'000'000 == 0
                               ? std::to_string(s) + "s"
                               : std::to_string(rate.ramp_ns / 1'000'000) + "ms";
  return rate_number(rate.from) + " " + unit + " to " + rate_number(rate.to) + " " + unit + " over " + over;
}

bool parse_rate(std::string_view value, bool writes, Rate* out, std::string* error) {
  const std::string expected =
      writes ? "expected 0 (no rate), <n> pts/s, <n> req/s or <n> MB/s, or a ramp "
               "'<a> <unit> to <b> <unit> over <duration>' (n like 2000, 2.5k, 1M)"
             : "expected 0 (no rate), <n> req/s, or a ramp '<a> req/s to <b> req/s over "
               "<duration>' (n like 20, 0.5, 2k)";
  const std::vector<std::string_view> w = words(value);
  double v = 0;
  if (w.size() == 1 && parse_number(w[0], &v) && v == 0) {
    *out = Rate{};
    return true;
  }
  Rate r;
  size_t i = 0;
  if (!parse_amount(w, &i, &r.from, &r.unit)) {
    *error = expected + ", found '" + quote_snippet(value) + "'";
    return false;
  }
  r.to = r.from;
  if (i < w.size()) {  // a ramp: "to <amount> over <duration>" must follow, and nothing else
    Rate::Unit to_unit;
    const bool to = iequals(w[i], "to");
    if (to) ++i;
    if (!to || !parse_amount(w, &i, &r.to, &to_unit) || i + 2 != w.size() || !iequals(w[i], "over")) {
      *error = expected + ", found '" + quote_snippet(value) + "'";
      return false;
    }
    if (to_unit != r.unit) {
      *error = "a ramp keeps one unit: '" + quote_snippet(value) + "' mixes " +
               std::string(rate_unit_name(r.unit)) + " and " + std::string(rate_unit_name(to_unit));
      return false;
    }
    if (!parse_duration(w[i + 1], &r.ramp_ns) || r.ramp_ns <= 0) {
      *error = "expected a ramp duration > 0 after 'over' (like 10s or 1m30s), found '" +
               quote_snippet(w[i + 1]) + "'";
      return false;
    }
    if (r.to <= 0) {
      *error = "a ramp must end above 0 (it holds its end rate), found '" + quote_snippet(value) + "'";
      return false;
    }
  }
  if (r.ramp_ns == 0 && r.to == 0) {
    *out = Rate{};  // "0 req/s": the closed loop, as "0"
    return true;
  }
  if (!writes && r.unit != Rate::Unit::kRequests) {
    *error = "a query rate is in req/s; " + std::string(rate_unit_name(r.unit)) +
             " is for WriteRate, found '" + quote_snippet(value) + "'";
    return false;
  }
  *out = r;
  return true;
}

}  // namespace stressql::parser
