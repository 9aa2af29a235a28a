#pragma once
// Line-protocol text, in one place for everything stressql writes as line protocol: the
// points of an INSERT and the results rows. Escaping for each place a value can stand in,
// the reverse for query variables, and integer digits without a formatter call.

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace stressql::base {

enum class LpPlace : uint8_t {
  kMeasurement,  // `,` and space get a backslash
  kKey,          // tag keys, tag values and field keys: `,`, `=` and space
  kStringField,  // inside a double-quoted string field: `"` and `\`
};

// Appends `raw` to *out, escaped for `place` (no quotes added). A line break (`\n`, `\r`)
// becomes a space: a point is one line. In measurements and keys InfluxDB unescapes only
// the separators and keeps any other backslash as written, but its scanner pairs
// backslashes: a run of them that meets an escaped separator gets one more when it is odd,
// rather than swallowing the separator and corrupting the line; so does an odd run at the
// end when `ends_value` (the separator after the value follows). Pass false for a piece
// that more text of the same value follows.
void lp_escape(std::string_view raw, LpPlace place, std::string* out, bool ends_value = true);
inline std::string lp_escaped(std::string_view raw, LpPlace place, bool ends_value = true) {
  std::string out;
  lp_escape(raw, place, &out, ends_value);
  return out;
}

// Removes the backslashes that line protocol treats as escapes in `place` (`\,` → `,`);
// any other backslash is kept, as InfluxDB keeps it.
std::string lp_unescape(std::string_view text, LpPlace place);

// Decimal digits of v at dst; returns the end. REQUIRES: 20 bytes of room.
inline char* write_u64(char* dst, uint64_t v) { return std::to_chars(dst, dst + 20, v).ptr; }
inline char* write_i64(char* dst, int64_t v) { return std::to_chars(dst, dst + 20, v).ptr; }

}  // namespace stressql::base
