#pragma once
// Times and durations written in a script: StartDate values, INSERT intervals and the
// durations of SET values and flags.

#include <cstdint>
#include <string>
#include <string_view>

#include "parser/settings.h"

namespace stressql::parser {

// Parses a duration: one or more <number><unit> with units ns, us, µs, ms, s, m, h
// ("1m30s", "10ms"). Returns false on anything else or on overflow.
bool parse_duration(std::string_view text, int64_t* out_ns);

// `YYYY-MM-DD` (UTC midnight), RFC 3339 (`2016-01-01T12:00:00Z`, `...+02:00`, fractional
// seconds up to nanoseconds; 't', 'T' or one space between date and time), or `now`
// (any case). The time must fit InfluxDB's range (int64 nanoseconds since the epoch).
// On failure returns false and sets *error to what was expected.
bool parse_start_date(std::string_view text, StartDate* out, std::string* error);

// A duration as a script writes it, in the largest unit that divides it: "1h", "90s",
// "250ms" (parse_duration reads it back).
std::string duration_literal(int64_t ns);

// Nanoseconds since the epoch as RFC 3339 UTC, e.g. "2016-01-01T00:00:00Z".
std::string format_unix_ns(int64_t unix_ns);

}  // namespace stressql::parser
