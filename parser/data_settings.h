#pragma once
// SPEC §7.2's per-INSERT data-shape settings: MissingPoints, MissingFields, Disorder and
// Churn. Pure parsing and formatting; the generator turns them into seeded decisions.

#include <cstdint>
#include <string>
#include <string_view>

namespace stressql::parser {

struct DataShape {
  double missing_points = 0;       // share of points left out, 0..1
  double missing_fields = 0;       // share of a point's fields left out, 0..1
  double disorder = 0;             // share of points held back, 0..1
  int64_t disorder_within_ns = 0;  // ... and sent at most this much timestamp time late
  double churn = 0;                // share of series replaced ...
  int64_t churn_every_ns = 0;      // ... every this much timestamp time

  bool any() const { return missing_points > 0 || missing_fields > 0 || disorder > 0 || churn > 0; }
};

// "<p>%" (0 <= p <= 100) or "0". MissingPoints and MissingFields.
bool parse_share(std::string_view value, double* out, std::string* error);

// "<p>% <word> <duration>" (Disorder: word "within"; Churn: "every"), or "0%" / "0".
// A duration is required when p > 0 and must be > 0.
bool parse_share_per(std::string_view value, std::string_view word, double* share,
                     int64_t* duration_ns, std::string* error);

// "MissingPoints 8.75%, Disorder 20% within 3m": the settings that are not at their default,
// in SPEC order; empty when none is.
std::string describe_data_shape(const DataShape& shape);

}  // namespace stressql::parser
