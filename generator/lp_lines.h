#pragma once
// What replay parses of a line-protocol line (SPEC §7.3): whether it is a point at all,
// and its trailing timestamp. Nothing else of a line is looked at; points are sent as
// they are, but for the timestamp when it is shifted. Pure functions, no I/O.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

namespace stressql::generator {

// Tells points from the lines replay skips: empty lines, `#` comments (the `# DML`,
// `# CONTEXT-…` lines of `influx_inspect export` among them) and the DDL statements
// between `# DDL` and `# DML`. Keeps that one bit of state, so lines must be fed in
// file order, starting from the first line or from a line that is a point.
class LineFilter {
 public:
  // `line` without its '\n'. True when it is a point to send.
  bool is_point(std::string_view line);

 private:
  bool in_ddl_ = false;
};

// The trailing timestamp of `line` (without its '\n'; a '\r' before it is allowed): the
// last blank-separated token when it is an optional '-' and 1–19 digits within int64.
// Sets *begin/*end to its bytes in `line` and *value. False when the line has none (the
// server then stamps it).
bool find_timestamp(std::string_view line, size_t* begin, size_t* end, int64_t* value);

// A point line as replay's table of lines keeps it (ReplayIndex::lines()): where it starts in
// the file, its bytes before the '\n' (one '\r' there left out: it is not sent), and where
// its timestamp is. 24 bytes.
struct LineRecord {
  uint64_t begin;
  uint32_t len;   // bits 0-30: length without "\n" and one '\r'; bit 31: a '\r' before the '\n'
  uint32_t ts;    // bits 0-23: the timestamp's offset in the line, 24-31: its length;
                  // kNoTimestamp when it has none, or none was looked for
  int64_t value;  // the timestamp
};
constexpr uint32_t kNoTimestamp = UINT32_MAX;
// The record of `line` (without its '\n'; lines are at most 16 MiB) at file offset `begin`,
// with the timestamp find_timestamp() found at [ts_begin, ts_end) when has_time.
inline LineRecord line_record(std::string_view line, uint64_t begin, bool has_time, size_t ts_begin,
                              size_t ts_end, int64_t value) {
  const bool cr = !line.empty() && line.back() == '\r';
  LineRecord r;
  r.begin = begin;
  r.len = static_cast<uint32_t>(line.size() - (cr ? 1 : 0)) | (cr ? 0x80000000u : 0);
  r.ts = has_time ? static_cast<uint32_t>(ts_begin) | static_cast<uint32_t>(ts_end - ts_begin) << 24 : kNoTimestamp;
  r.value = has_time ? value : 0;
  return r;
}

// Digits `delta` can add to a timestamp when shifting: what a buffer reserves per line.
constexpr size_t kMaxTimestampGrowth = 20;

// Timestamp `ts` moved by `delta`, clamped to int64 (the index refuses a shift that would
// need it before anything is sent; a render never writes a wrapped value).
inline int64_t shifted_timestamp(int64_t ts, int64_t delta) {
  int64_t moved;
  if (__builtin_add_overflow(ts, delta, &moved)) {
    moved = delta > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return moved;
}

// Rewrites buf[0, n) in place into the points among its lines, each timestamp moved by
// `delta` when `shift` (a line without one stays as it is), a '\r' before a '\n' dropped
// (InfluxDB would take it for part of the line), and the skipped lines left out. Returns
// the bytes now in buf. *points is set to the number of points. Timestamps that keep
// their length (the usual shift) are written where they stand; when one grows, the unread
// rest moves to the end of the buffer first. REQUIRES: buf[0, n) is whole lines, each
// ending in '\n', starting at a point (see LineFilter); capacity ≥ n + points ×
// kMaxTimestampGrowth. A shifted timestamp that would leave int64 is clamped (the index
// refuses such a shift before anything is sent).
size_t copy_points(char* buf, size_t n, size_t capacity, bool shift, int64_t delta,
                   uint32_t* points);

}  // namespace stressql::generator
