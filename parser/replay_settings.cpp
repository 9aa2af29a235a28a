#include "parser/replay_settings.h"

#include <charconv>
#include <cmath>

#include "parser/text.h"

namespace stressql::parser {

std::string_view replay_time_name(ReplayTime t) { return t == ReplayTime::kShift ? "shift" : "keep"; }

bool parse_replay_time(std::string_view value, ReplayTime* out, std::string* error) {
  for (ReplayTime t : {ReplayTime::kKeep, ReplayTime::kShift}) {
    if (iequals(value, replay_time_name(t))) {
      *out = t;
      return true;
    }
  }
  *error = "expected keep or shift, found " + quoted(value);
  return false;
}

bool parse_replay_loops(std::string_view value, int64_t* out, std::string* error) {
  uint64_t v = 0;
  if (!parse_uint(value, kMaxReplayLoops, &v) || v == 0) {
    *error = "expected a whole number of passes 1-" + std::to_string(kMaxReplayLoops) + ", found " +
             quoted(value);
    return false;
  }
  *out = static_cast<int64_t>(v);
  return true;
}

bool parse_replay_speed(std::string_view value, double* out, std::string* error) {
  if (value == "0" || iequals(value, "0x")) {
    *out = 0;
    return true;
  }
  double f = 0;
  const bool has_x = !value.empty() && (value.back() == 'x' || value.back() == 'X');
  const std::string_view number = has_x ? value.substr(0, value.size() - 1) : value;
  // from_chars alone: no locale, no leading blanks, no "inf" slipping through isfinite.
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), f);
  if (!has_x || number.empty() || ec != std::errc() || end != number.data() + number.size() ||
      !std::isfinite(f) || f <= 0 || f > 1e6 || !is_digit(number.front())) {
    *error = "expected 0 or a speed-up like 1x, 10x or 0.5x (the file's own clock, sped up), found " +
             quoted(value);
    return false;
  }
  *out = f;
  return true;
}

}  // namespace stressql::parser
