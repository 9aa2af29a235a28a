#pragma once
// Times written in a script: StartDate values. (Durations: parse_duration() in
// settings.h, defined in time_text.cpp beside this.)

#include <cstdint>
#include <string>
#include <string_view>

#include "parser/settings.h"

namespace stressql::parser {

// `YYYY-MM-DD` (UTC midnight), RFC 3339 (`2016-01-01T12:00:00Z`, `...+02:00`, fractional
// seconds up to nanoseconds; 't', 'T' or one space between date and time), or `now`
// (any case). The time must fit InfluxDB's range (int64 nanoseconds since the epoch).
// On failure returns false and sets *error to what was expected.
bool parse_start_date(std::string_view text, StartDate* out, std::string* error);

// Nanoseconds since the epoch as RFC 3339 UTC, e.g. "2016-01-01T00:00:00Z".
std::string format_unix_ns(int64_t unix_ns);

}  // namespace stressql::parser
