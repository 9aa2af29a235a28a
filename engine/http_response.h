#pragma once
// ResponseParser: one HTTP/1.1 response at a time over a keep-alive connection, fed in
// whatever pieces the socket delivers (llhttp 8.1 underneath). Keeps only what the engine
// reports: status, body size, Retry-After, keep-alive, the "dropped=N" count of a partial
// write and whether a JSON body carries an "error" member. Bodies are scanned as they
// stream past, never stored. One parser per connection; reactor thread only.

#include <llhttp.h>

#include <cstddef>
#include <cstdint>

namespace stressql::engine {

struct HttpResponse {
  uint16_t status = 0;
  uint64_t body_bytes = 0;
  int64_t retry_after_s = -1;  // -1: no (numeric) Retry-After header
  bool keep_alive = true;      // false after "Connection: close" or an HTTP/1.0 answer
  bool json_error = false;     // top-level or per-result "error" member (check_json_error)
  bool has_dropped = false;    // "dropped=N" seen in the body, or an InfluxDB 3 partial
                               // write listing its rejected lines (parse_dropped)
  uint32_t dropped = 0;
  // The first bytes of the body, for the server's error message in failure reports.
  static constexpr size_t kHeadBytes = 256;
  uint16_t head_len = 0;
  char head[kHeadBytes];
};

// The server's message for a failed answer, NUL-terminated in out[0, cap): the value of
// the first JSON "error" member in the body's first bytes, else of a "message" member
// (InfluxDB 2.x's error bodies), else those bytes themselves (whitespace folded). Empty
// when the body is. Control characters become spaces; a cut falls between characters, but
// the bytes are the server's: not necessarily UTF-8 (the writers sanitize). No allocation.
void error_message(const HttpResponse& r, char* out, size_t cap);

// Counts the occurrences of a fixed pattern in a stream. REQUIRES: the pattern's first
// character does not occur again in it except as its last (so a mismatch restarts at most
// one character in).
class StreamMatcher {
 public:
  explicit StreamMatcher(const char* pattern);
  void reset() { matched_ = 0, count_ = 0; }
  void feed(const char* at, size_t n);
  uint32_t count() const { return count_; }

 private:
  const char* pattern_;
  uint8_t len_;
  uint8_t matched_ = 0;
  uint32_t count_ = 0;
};

// Streams over a JSON text and notices an "error" key at the top level or in an object
// that is an element of a top-level member's array (InfluxDB's {"results":[{"error":…}]}).
// Not a validator: it tracks strings, escapes and nesting, nothing else.
class JsonErrorScanner {
 public:
  void reset() { *this = JsonErrorScanner(); }
  void feed(const char* at, size_t n);
  bool found() const { return found_; }

 private:
  uint64_t stack_ = 0;  // bit i set: container at depth i+1 is an object
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  bool after_string_ = false;  // a string just closed; a ':' next makes it a key
  bool found_ = false;
  char key_[6] = {};
  uint8_t key_len_ = 0;
  int key_depth_ = 0;
};

class ResponseParser {
 public:
  enum class Result { kNeedMore, kComplete, kError };

  ResponseParser();
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  // Forgets any partial response (new connection) and sets what to look for in bodies.
  void reset(bool check_json_error, bool parse_dropped);
  // Parses at most one response from data[0, n). *consumed: bytes used. kComplete: the
  // response is in response(); feed the remaining bytes (if any) for the next one.
  // kError: malformed; the connection must be closed.
  Result feed(const char* data, size_t n, size_t* consumed);
  // The peer closed the connection: completes a response whose body runs to EOF.
  Result finish();
  // True while a response has started but not completed.
  bool in_progress() const { return started_ && !complete_; }
  const HttpResponse& response() const { return response_; }

 private:
  static int on_message_begin(llhttp_t* p);
  static int on_header_field(llhttp_t* p, const char* at, size_t n);
  static int on_header_field_complete(llhttp_t* p);
  static int on_header_value(llhttp_t* p, const char* at, size_t n);
  static int on_header_value_complete(llhttp_t* p);
  static int on_headers_complete(llhttp_t* p);
  static int on_body(llhttp_t* p, const char* at, size_t n);
  static int on_message_complete(llhttp_t* p);
  static const llhttp_settings_t* settings();

  void scan_dropped(const char* at, size_t n);

  llhttp_t parser_;
  HttpResponse response_;
  bool check_json_error_ = false;
  bool parse_dropped_ = false;
  bool started_ = false;
  bool complete_ = false;
  bool paused_ = false;
  // Header name being matched (only Retry-After matters), and its value.
  char field_[16];
  uint8_t field_len_ = 0;
  bool field_overflow_ = false;
  bool in_retry_after_ = false;
  int64_t value_ = 0;
  bool value_ok_ = false;
  bool value_seen_digit_ = false;
  // Streaming "dropped=N" matcher.
  uint8_t dropped_match_ = 0;
  bool in_dropped_digits_ = false;
  uint64_t dropped_value_ = 0;
  // InfluxDB 3's partial write: a JSON body saying "partial write of line protocol
  // occurred" with one {"line_number": …} per rejected line.
  StreamMatcher partial_write_{"partial write of line protocol"};
  StreamMatcher line_number_{"\"line_number\""};
  JsonErrorScanner json_;
};

}  // namespace stressql::engine
