#pragma once
#include <cstdint>
#include <string>

namespace stressql::base {

// Formats a duration exactly the way Go's time.Duration.String() does, so reports read like the
// original tool's: "0s", "1ns", "640.249µs" (U+00B5 micro sign), "1.806785ms", "1m1s",
// "1h2m3.5s", "-1.5s". Trailing fraction zeros are dropped; the largest unit is hours.
std::string duration_text(int64_t ns);

}  // namespace stressql::base
