#pragma once
// Open-loop rates: the values of SET WriteRate and SET QueryRate (and --write-rate,
// --query-rate). `0` is the closed loop; `<n> <unit>` a constant rate; `<a> <unit> to <b>
// <unit> over <duration>` a linear ramp from a to b, then b for good. <n> may be
// fractional and carry k (10^3) or M (10^6); units pts/s, req/s or MB/s (10^6 request-body
// bytes), writes only for pts/s and MB/s.

#include <cstdint>
#include <string>
#include <string_view>

namespace stressql::parser {

struct Rate {
  enum class Unit { kNone, kPoints, kRequests, kMegabytes };
  Unit unit = Unit::kNone;  // kNone: the closed loop (no rate)
  double from = 0;          // per second at the start (== to without a ramp)
  double to = 0;            // per second after the ramp
  int64_t ramp_ns = 0;      // 0: no ramp
  bool open_loop() const { return unit != Unit::kNone; }
};

// "pts/s", "req/s", "MB/s" ("" for kNone).
std::string_view rate_unit_name(Rate::Unit unit);
// The value in a canonical spelling: "0", "2000 req/s", "0 pts/s to 2500 pts/s over 10s".
std::string rate_text(const Rate& rate);
// A number as rate_text writes it: "2000", "2500", "0.5" (no k or M).
std::string rate_number(double v);

// Parses a WriteRate (`writes`) or QueryRate value. False and *error (what was expected)
// on anything else.
bool parse_rate(std::string_view value, bool writes, Rate* out, std::string* error);

}  // namespace stressql::parser
