#include "generator/lp_lines.h"

#include <charconv>
#include <cstring>
#include <limits>

namespace stressql::generator {
namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim_front(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && blank(s[i])) ++i;
  return s.substr(i);
}

// `# DDL` / `# DML`, with any blanks after the '#' and at the end.
bool is_marker(std::string_view comment, std::string_view word) {
  std::string_view rest = trim_front(comment.substr(1));
  if (rest.size() < word.size() || rest.substr(0, word.size()) != word) return false;
  return trim_front(rest.substr(word.size())).empty();
}

}  // namespace

bool LineFilter::is_point(std::string_view line) {
  const std::string_view s = trim_front(line);
  if (s.empty()) return false;
  if (s[0] == '#') {
    if (is_marker(s, "DDL")) in_ddl_ = true;
    if (is_marker(s, "DML")) in_ddl_ = false;
    return false;
  }
  return !in_ddl_;
}

bool find_timestamp(std::string_view line, size_t* begin, size_t* end, int64_t* value) {
  // Backwards from the end, digit by digit: one pass over the token, no second parse. The
  // 19 digits of any int64 fit in a uint64_t, and so does 10^19.
  size_t e = line.size();
  while (e > 0 && line[e - 1] == '\r') --e;
  size_t i = e;
  uint64_t v = 0, scale = 1;
  int digits = 0;
  while (i > 0) {
    const unsigned d = static_cast<unsigned char>(line[i - 1]) - unsigned{'0'};
    if (d > 9) break;
    if (++digits > 19) return false;
    v += d * scale;
    scale *= 10;
    --i;
  }
  if (digits == 0) return false;
  const bool negative = i > 0 && line[i - 1] == '-';
  if (negative) --i;
  if (i == 0 || line[i - 1] != ' ') return false;
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (v > kMax + (negative ? 1 : 0)) return false;
  *begin = i;
  *end = e;
  *value = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

namespace {

// The previous line's timestamp, as read and as written. Lines of one timestamp come
// together (a TSBS file writes every host's measurements at one time, then the next time),
// so most lines end in the token the line before ended in: its shifted digits are then
// copied, not parsed and formatted again (the parse and to_chars cost more than copying
// the line).
struct LastTimestamp {
  char in[20];  // the token as the file has it: '-'? and 1-19 digits
  size_t in_len = 0;
  char out[24];  // moved by delta, as written
  size_t out_len = 0;
};

// find_timestamp() for copy_points, with the shifted digits in last->out. True when the
// line has a timestamp: [*begin, *end) is its token.
bool find_shifted(std::string_view line, int64_t delta, LastTimestamp* last, size_t* begin,
                  size_t* end) {
  const size_t k = last->in_len;
  // The same token at the end of the line, after a blank: find_timestamp would read the
  // same value there (a trailing '\r' fails the compare and takes the long way).
  if (k > 0 && line.size() > k && line[line.size() - k - 1] == ' ' &&
      std::memcmp(line.data() + line.size() - k, last->in, k) == 0) {
    *begin = line.size() - k;
    *end = line.size();
    return true;
  }
  int64_t ts = 0;
  if (!find_timestamp(line, begin, end, &ts)) return false;
  const int64_t moved = shifted_timestamp(ts, delta);
  last->in_len = *end - *begin;
  std::memcpy(last->in, line.data() + *begin, last->in_len);
  last->out_len = static_cast<size_t>(std::to_chars(last->out, last->out + sizeof last->out, moved).ptr - last->out);
  return true;
}

}  // namespace

size_t copy_points(char* buf, size_t n, size_t capacity, bool shift, int64_t delta,
                   uint32_t* points) {
  LineFilter filter;
  LastTimestamp last;
  char* w = buf;  // output; never past p
  uint32_t count = 0;
  const char* p = buf;  // input still to read: [p, stop)
  const char* stop = buf + n;
  while (p < stop) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(stop - p)));
    if (nl == nullptr) nl = stop - 1;  // REQUIRES says it cannot happen; stay in bounds
    const size_t whole = static_cast<size_t>(nl - p) + 1;
    std::string_view line(p, whole - 1);
    if (!filter.is_point(line)) {
      p += whole;
      continue;
    }
    ++count;
    // CRLF: InfluxDB takes a '\r' for part of the line ("missing tag value"), so a line
    // goes out with a plain '\n'.
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t b = 0, e = 0;
    if (!shift || !find_shifted(line, delta, &last, &b, &e)) {
      if (w != p) std::memmove(w, p, line.size());  // in place until a line was left out
      w += line.size();
      *w++ = '\n';
      p += whole;
      continue;
    }
    const char* digits = last.out;
    const size_t len = last.out_len;
    const size_t out_len = line.size() - (e - b) + len + 1;
    if (w + out_len > p + whole) {
      // A longer timestamp would run into the next line: move what is still to be read to
      // the end of the buffer, whose room (kMaxTimestampGrowth a point) covers every
      // growth to come. Rare: shifting across a power of ten.
      const size_t rest = static_cast<size_t>(stop - p);
      char* moved_to = buf + capacity - rest;
      std::memmove(moved_to, p, rest);
      line = std::string_view(moved_to, line.size());
      p = moved_to;
      stop = buf + capacity;
    }
    // Prefix, then what follows the timestamp (more '\r's: rare), then the digits, which
    // overwrite only the old timestamp's bytes, read by then.
    if (w != p) std::memmove(w, p, b);
    if (e < line.size()) std::memmove(w + b + len, p + e, line.size() - e);
    std::memcpy(w + b, digits, len);
    w += out_len - 1;
    *w++ = '\n';
    p += whole;
  }
  *points = count;
  return static_cast<size_t>(w - buf);
}

}  // namespace stressql::generator
