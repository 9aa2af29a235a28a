#include "base/duration_text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace stressql::base {
namespace {

constexpr int64_t kUs = 1'000;
constexpr int64_t kMs = 1'000'000;
constexpr int64_t kS = 1'000'000'000;
constexpr int64_t kMin = 60 * kS;
constexpr int64_t kHour = 60 * kMin;

struct Case {
  int64_t ns;
  const char* want;
};

// Expected strings follow Go's time.Duration.String(): below 1s the largest of ns/µs/ms with a
// non-zero integer part, fraction trailing zeros trimmed; from 1s up h/m/s with seconds always
// printed and the fraction kept to 9 digits.
constexpr Case kCases[] = {
    {0, "0s"},
    {1, "1ns"},
    {10, "10ns"},
    {999, "999ns"},
    {1 * kUs, "1µs"},
    {1'010, "1.01µs"},
    {1'100, "1.1µs"},
    {1'500, "1.5µs"},
    {100 * kUs, "100µs"},
    {640'249, "640.249µs"},
    {999'999, "999.999µs"},
    {1 * kMs, "1ms"},
    {1'806'785, "1.806785ms"},
    {1'492'504, "1.492504ms"},
    {2'200 * kUs, "2.2ms"},
    {123'803'440, "123.80344ms"},
    {173'354'445, "173.354445ms"},
    {406'400'059, "406.400059ms"},
    {406'400'000, "406.4ms"},
    {999'999'999, "999.999999ms"},
    {1 * kS, "1s"},
    {1 * kS + 1, "1.000000001s"},
    {1'500 * kMs, "1.5s"},
    {3'300 * kMs, "3.3s"},
    {59 * kS + 999'999'999, "59.999999999s"},
    {1 * kMin, "1m0s"},
    {1 * kMin + 1, "1m0.000000001s"},
    {61 * kS, "1m1s"},
    {4 * kMin + 5 * kS, "4m5s"},
    {4 * kMin + 5'001 * kMs, "4m5.001s"},
    {8 * kMin + 1, "8m0.000000001s"},
    {1 * kHour, "1h0m0s"},
    {1 * kHour + 2 * kMin + 3'500 * kMs, "1h2m3.5s"},
    {5 * kHour + 6 * kMin + 7'001 * kMs, "5h6m7.001s"},
    {100 * kHour, "100h0m0s"},
    {-1, "-1ns"},
    {-1 * kUs, "-1µs"},
    {-1'500 * kMs, "-1.5s"},
    {-(1 * kHour + 1), "-1h0m0.000000001s"},
    {std::numeric_limits<int64_t>::max(), "2562047h47m16.854775807s"},
    {std::numeric_limits<int64_t>::min(), "-2562047h47m16.854775808s"},
};

TEST(GoDuration, MatchesGoTable) {
  for (const Case& c : kCases) EXPECT_EQ(base::duration_text(c.ns), c.want) << "ns=" << c.ns;
}

TEST(GoDuration, MicroSignIsU00B5) {
  // Go prints U+00B5 (C2 B5), not the Greek mu U+03BC (CE BC); reports must match byte for byte.
  EXPECT_EQ(base::duration_text(1'500), "1.5\xc2\xb5s");
}

}  // namespace
}  // namespace stressql::base
