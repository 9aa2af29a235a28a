#include "parser/data_settings.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "parser/text.h"
#include "parser/time_text.h"

namespace stressql::parser {
namespace {

bool parse_percent(std::string_view text, double* out) {
  if (text == "0") {
    *out = 0;
    return true;
  }
  if (text.size() < 2 || text.back() != '%' || text.size() > 32) return false;
  std::string number(text.substr(0, text.size() - 1));
  for (char c : number) {
    if (!is_digit(c) && c != '.') return false;
  }
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || errno != 0 || v < 0 || v > 100) return false;
  *out = v / 100;
  return true;
}

std::string percent_text(double share) {
  char b[32];
  std::snprintf(b, sizeof b, "%g%%", share * 100);
  return b;
}


}  // namespace

bool parse_share(std::string_view value, double* out, std::string* error) {
  if (!parse_percent(trim_blanks(value), out)) {
    *error = "expected a share like 5% (0% to 100%), found '" + quote_snippet(value) + "'";
    return false;
  }
  return true;
}

bool parse_share_per(std::string_view value, std::string_view word, double* share,
                     int64_t* duration_ns, std::string* error) {
  std::string expected = "expected '<p>% " + std::string(word) + " <duration>' (as in 5% " +
                         std::string(word) + " 1m), found '" + quote_snippet(value) + "'";
  std::string_view rest = trim_blanks(value);
  size_t blank = 0;
  while (blank < rest.size() && !is_blank(rest[blank])) ++blank;
  double p = 0;
  if (!parse_percent(rest.substr(0, blank), &p)) {
    *error = expected;
    return false;
  }
  rest = trim_blanks(rest.substr(blank));
  if (rest.empty()) {
    if (p > 0) {
      *error = expected;
      return false;
    }
    *share = 0;
    *duration_ns = 0;
    return true;
  }
  size_t w = 0;
  while (w < rest.size() && !is_blank(rest[w])) ++w;
  if (!iequals(rest.substr(0, w), word)) {
    *error = expected;
    return false;
  }
  std::string_view d = trim_blanks(rest.substr(w));
  int64_t ns = 0;
  if (!parse_duration(d, &ns) || ns <= 0) {
    *error = "expected a duration > 0 after '" + std::string(word) +
             "' (as in 30s or 1m30s), found '" + quote_snippet(d) + "'";
    return false;
  }
  *share = p;
  *duration_ns = ns;
  return true;
}

std::string describe_data_shape(const DataShape& s) {
  std::string out;
  auto add = [&](std::string part) { out += (out.empty() ? "" : ", ") + part; };
  if (s.missing_points > 0) add("MissingPoints " + percent_text(s.missing_points));
  if (s.missing_fields > 0) add("MissingFields " + percent_text(s.missing_fields));
  if (s.disorder > 0) {
    add("Disorder " + percent_text(s.disorder) + " within " + duration_literal(s.disorder_within_ns));
  }
  if (s.churn > 0) add("Churn " + percent_text(s.churn) + " every " + duration_literal(s.churn_every_ns));
  return out;
}

}  // namespace stressql::parser
