#pragma once
#include <cstdint>
#include <string>

namespace stressql::reporting {

// Formats a duration the way Go's time.Duration.String() does: "1.5s", "640.249µs",
// "1m1s", "0s".
std::string go_duration(int64_t ns);

}  // namespace stressql::reporting
