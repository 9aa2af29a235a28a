// libFuzzer target: arbitrary bytes through ResponseParser (llhttp plus our header, body,
// "dropped=N" and JSON-error scanning) as a server's byte stream on one keep-alive
// connection, split at arbitrary points, and every parsed answer through error_message().
// Built only with -DSTRESSQL_FUZZ=ON (the `fuzz` preset). Seed corpus: tests/engine/http_corpus/.
//
// Input: byte 0 holds the flags (bit 0 check_json_error, bit 1 parse_dropped), bytes 1-4
// seed the split points, the rest is the stream. Besides the sanitizers, the target checks:
//  - the answers parsed from the stream in one piece and in random pieces are the same
//    (the socket decides the pieces; the result must not depend on them);
//  - every call makes progress and consumes no more than it was given;
//  - error_message() stays within its buffer and NUL-terminates.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/http_response.h"

namespace {

using stressql::engine::HttpResponse;
using stressql::engine::ResponseParser;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

struct Outcome {
  int result = 0;  // 1 complete, 2 error, 3 complete at EOF, 4 error at EOF
  uint16_t status = 0;
  uint64_t body_bytes = 0;
  int64_t retry_after_s = 0;
  bool keep_alive = false, json_error = false, has_dropped = false;
  uint32_t dropped = 0;
  uint16_t head_len = 0;
  bool operator==(const Outcome& o) const {
    return result == o.result && status == o.status && body_bytes == o.body_bytes &&
           retry_after_s == o.retry_after_s && keep_alive == o.keep_alive &&
           json_error == o.json_error && has_dropped == o.has_dropped && dropped == o.dropped &&
           head_len == o.head_len;
  }
};

Outcome outcome(int result, const HttpResponse& r) {
  Outcome o;
  o.result = result;
  if (result == 2 || result == 4) return o;
  o.status = r.status;
  o.body_bytes = r.body_bytes;
  o.retry_after_s = r.retry_after_s;
  o.keep_alive = r.keep_alive;
  o.json_error = r.json_error;
  o.has_dropped = r.has_dropped;
  o.dropped = r.dropped;
  o.head_len = r.head_len;
  return o;
}

void check_message(const HttpResponse& r) {
  char out[130];
  for (size_t cap : {size_t{0}, size_t{1}, size_t{2}, size_t{17}, size_t{120}}) {
    std::memset(out, 'x', sizeof out);
    stressql::engine::error_message(r, out, cap);
    if (cap == 0) {
      check(out[0] == 'x');
      continue;
    }
    check(std::memchr(out, '\0', cap) != nullptr);
    for (size_t i = cap; i < sizeof out; ++i) check(out[i] == 'x');
  }
}

uint64_t next(uint64_t* s) {  // splitmix64
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Parses `data` as delivered in pieces (seed 0: one piece), the way the engine does: after
// an answer, the rest of the piece is fed for the next; an error ends the connection.
std::vector<Outcome> parse(const uint8_t* data, size_t size, bool json, bool dropped,
                           uint64_t seed) {
  ResponseParser parser;
  parser.reset(json, dropped);
  std::vector<Outcome> out;
  size_t at = 0;
  while (at < size) {
    size_t piece = size - at;
    if (seed != 0) piece = 1 + next(&seed) % (piece < 64 ? piece : 64);
    const char* p = reinterpret_cast<const char*>(data) + at;
    at += piece;
    while (piece > 0) {
      size_t used = 0;
      ResponseParser::Result r = parser.feed(p, piece, &used);
      check(used <= piece);
      if (r == ResponseParser::Result::kNeedMore) {
        check(used == piece);
        break;
      }
      if (r == ResponseParser::Result::kError) {
        out.push_back(outcome(2, parser.response()));
        return out;
      }
      check(used > 0);  // an answer takes at least one byte: the caller's loop ends
      out.push_back(outcome(1, parser.response()));
      check_message(parser.response());
      p += used;
      piece -= used;
    }
  }
  if (parser.in_progress()) {
    ResponseParser::Result r = parser.finish();
    out.push_back(outcome(r == ResponseParser::Result::kComplete ? 3 : 4, parser.response()));
    if (r == ResponseParser::Result::kComplete) check_message(parser.response());
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  const bool json = (data[0] & 1) != 0;
  const bool dropped = (data[0] & 2) != 0;
  uint64_t seed = 0;
  std::memcpy(&seed, data + 1, 4);
  seed |= uint64_t{1} << 40;  // never 0, which means "one piece"
  const std::vector<Outcome> whole = parse(data + 5, size - 5, json, dropped, 0);
  const std::vector<Outcome> split = parse(data + 5, size - 5, json, dropped, seed);
  check(whole == split);
  return 0;
}
