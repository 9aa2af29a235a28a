#pragma once
// Line-protocol text helpers for the point generator: escaping for each place a value can
// stand in, the reverse for query variables, and integer digits without a formatter call.

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace stressql::engine {

enum class LpPlace : uint8_t {
  kMeasurement,  // `,` and space get a backslash
  kKey,          // tag keys, tag values and field keys: `,`, `=` and space
  kStringField,  // inside a double-quoted string field: `"` and `\`
};

// Appends `raw` to *out, escaped for `place` (no quotes added).
void lp_escape(std::string_view raw, LpPlace place, std::string* out);

// Removes the backslashes that line protocol treats as escapes in `place` (`\,` → `,`);
// any other backslash is kept, as InfluxDB keeps it.
std::string lp_unescape(std::string_view text, LpPlace place);

// Decimal digits of v at dst; returns the end. REQUIRES: 20 bytes of room.
inline char* write_u64(char* dst, uint64_t v) { return std::to_chars(dst, dst + 20, v).ptr; }
inline char* write_i64(char* dst, int64_t v) { return std::to_chars(dst, dst + 20, v).ptr; }

}  // namespace stressql::engine
