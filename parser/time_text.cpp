#include "parser/time_text.h"

#include <cstdio>
#include <limits>

#include "parser/text.h"

namespace stressql::parser {
namespace {

constexpr int64_t kNanosPerSecond = 1000000000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

int days_in_month(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Exactly `n` digits at text[*i], within [lo, hi].
bool take_number(std::string_view text, size_t* i, size_t n, int lo, int hi, int* out) {
  if (*i + n > text.size()) return false;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = text[*i + k];
    if (!is_digit(c)) return false;
    v = v * 10 + (c - '0');
  }
  if (v < lo || v > hi) return false;
  *i += n;
  *out = v;
  return true;
}

bool take_char(std::string_view text, size_t* i, char c) {
  if (*i >= text.size() || text[*i] != c) return false;
  ++*i;
  return true;
}

struct Unit {
  std::string_view name;
  int64_t nanos;
};
// Longer spellings first so "ms" is not read as "m" followed by "s".
constexpr Unit kUnits[] = {
    {"ns", 1},       {"us", 1000},      {"\xC2\xB5s", 1000}, {"\xCE\xBCs", 1000},
    {"ms", 1000000}, {"s", 1000000000}, {"m", 60000000000},  {"h", 3600000000000},
};

}  // namespace

bool parse_start_date(std::string_view text, StartDate* out, std::string* error) {
  static const char kExpected[] =
      "expected a date YYYY-MM-DD, an RFC 3339 time like 2016-01-01T12:00:00Z, or 'now'";
  if (iequals(text, "now")) {
    *out = StartDate{true, 0};
    return true;
  }
  size_t i = 0;
  int year, month, day, hour = 0, minute = 0, second = 0, offset_minutes = 0;
  int64_t fraction_ns = 0;
  if (!take_number(text, &i, 4, 0, 9999, &year) || !take_char(text, &i, '-') ||
      !take_number(text, &i, 2, 1, 12, &month) || !take_char(text, &i, '-') ||
      !take_number(text, &i, 2, 1, 31, &day)) {
    *error = kExpected;
    return false;
  }
  if (day > days_in_month(year, month)) {
    *error = "day " + std::to_string(day) + " does not exist in that month; " + kExpected;
    return false;
  }
  if (i < text.size()) {
    char sep = text[i];
    if (sep != 'T' && sep != 't' && sep != ' ') {
      *error = kExpected;
      return false;
    }
    ++i;
    if (!take_number(text, &i, 2, 0, 23, &hour) || !take_char(text, &i, ':') ||
        !take_number(text, &i, 2, 0, 59, &minute) || !take_char(text, &i, ':') ||
        !take_number(text, &i, 2, 0, 59, &second)) {
      *error = kExpected;
      return false;
    }
    if (take_char(text, &i, '.')) {
      size_t digits = 0;
      int64_t scale = 100000000;
      while (i < text.size() && is_digit(text[i])) {
        // Digits past nanoseconds cannot be represented; they are dropped.
        if (digits < 9) fraction_ns += (text[i] - '0') * scale;
        scale /= 10;
        ++digits;
        ++i;
      }
      if (digits == 0) {
        *error = "expected digits after '.' in the time; " + std::string(kExpected);
        return false;
      }
    }
    if (take_char(text, &i, 'Z') || take_char(text, &i, 'z')) {
      offset_minutes = 0;
    } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      int sign = text[i] == '-' ? -1 : 1;
      ++i;
      int oh, om;
      if (!take_number(text, &i, 2, 0, 23, &oh) || !take_char(text, &i, ':') ||
          !take_number(text, &i, 2, 0, 59, &om)) {
        *error = "expected a time zone offset like +02:00; " + std::string(kExpected);
        return false;
      }
      offset_minutes = sign * (oh * 60 + om);
    } else {
      *error = "expected 'Z' or an offset like +02:00 after the time; " + std::string(kExpected);
      return false;
    }
    if (i != text.size()) {
      *error = kExpected;
      return false;
    }
  }
  int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
                    int64_t{offset_minutes} * 60;
  // InfluxDB stores int64 nanoseconds: 1677-09-21 to 2262-04-11.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (seconds > (kMax - fraction_ns) / kNanosPerSecond || seconds < kMin / kNanosPerSecond + 1) {
    *error = "time out of range; InfluxDB stores times from 1677-09-22 to 2262-04-11";
    return false;
  }
  *out = StartDate{false, seconds * kNanosPerSecond + fraction_ns};
  return true;
}

std::string format_unix_ns(int64_t unix_ns) {
  int64_t seconds = unix_ns / kNanosPerSecond;
  int64_t nanos = unix_ns % kNanosPerSecond;
  if (nanos < 0) {
    nanos += kNanosPerSecond;
    --seconds;
  }
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  int m, d;
  civil_from_days(days, &y, &m, &d);
  char buf[64];
  if (nanos == 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02dZ", static_cast<long long>(y), m,
                  d, static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                  static_cast<int>(rem % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d.%09lldZ",
                  static_cast<long long>(y), m, d, static_cast<int>(rem / 3600),
                  static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60),
                  static_cast<long long>(nanos));
  }
  return buf;
}

bool parse_duration(std::string_view text, int64_t* out_ns) {
  if (text == "0") {  // Go's time.ParseDuration accepts a bare zero, and scripts use it
    *out_ns = 0;
    return true;
  }
  if (text.empty()) return false;
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  uint64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    uint64_t whole = 0;
    size_t digits = 0;
    while (i < text.size() && is_digit(text[i])) {
      if (whole > kMax / 10) return false;
      whole = whole * 10 + static_cast<uint64_t>(text[i] - '0');
      ++i;
      ++digits;
    }
    // Fractions as in Go ("1.5s"), kept exactly in nanoseconds of up to 18 digits.
    uint64_t frac = 0, frac_scale = 1;
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && is_digit(text[i])) {
        if (frac_scale < 1000000000000000000ULL) {
          frac = frac * 10 + static_cast<uint64_t>(text[i] - '0');
          frac_scale *= 10;
        }
        ++i;
        ++digits;
      }
    }
    if (digits == 0) return false;
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (text.substr(i, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return false;
    i += unit->name.size();
    uint64_t nanos = static_cast<uint64_t>(unit->nanos);
    if (whole > kMax / nanos) return false;
    uint64_t part = whole * nanos;
    // frac / frac_scale * nanos without overflow: frac < frac_scale <= 1e18, nanos <= 3.6e12.
    unsigned __int128 f = static_cast<unsigned __int128>(frac) * nanos / frac_scale;
    part += static_cast<uint64_t>(f);
    if (part > kMax - total) return false;
    total += part;
  }
  *out_ns = static_cast<int64_t>(total);
  return true;
}

std::string duration_literal(int64_t ns) {
  struct Unit {
    int64_t ns;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{3600000000000, "h"}, {60000000000, "m"}, {1000000000, "s"},
                                    {1000000, "ms"},      {1000, "us"},        {1, "ns"}};
  for (const Unit& u : kUnits) {
    if (ns % u.ns == 0) return std::to_string(ns / u.ns) + u.name;
  }
  return std::to_string(ns) + "ns";
}

}  // namespace stressql::parser
