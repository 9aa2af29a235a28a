#pragma once
// HTTP/1.1 request framing. A request lives in one buffer:
//
//   [ unused | request line + headers | body ]
//   ^ buffer  ^ start()                 ^ buffer + header_room()
//
// The body is rendered in place behind room reserved for the header; once its length is
// known the header is written backwards into that room, Content-Length last, so the whole
// request is one contiguous span and nothing is copied except the (short) target.

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/engine.h"

namespace stressql::engine {

// The constant parts of one job's requests to one target; built once per (job, target) on
// the control thread, then shared read-only by reactors.
class RequestTemplate {
 public:
  RequestTemplate(Method method, const std::string& host, const std::string& extra_headers,
                  size_t max_target_bytes);

  // Bytes to reserve in front of the body.
  size_t header_room() const { return header_room_; }
  bool has_body() const { return has_body_; }
  // Grows the room (all targets of a job share one). REQUIRES: bytes ≥ header_room().
  void set_header_room(size_t bytes) { header_room_ = bytes; }
  // Writes the header for `target` and a body of `body_len` bytes that already sits at
  // buffer + header_room(); returns the offset of the request's first byte in `buffer`.
  // REQUIRES: target_len ≤ max_target_bytes.
  size_t frame(char* buffer, const char* target, size_t target_len, size_t body_len) const;

 private:
  bool has_body_;
  std::string method_;  // "POST " / "GET "
  std::string middle_;  // " HTTP/1.1\r\nHost: h\r\n<extra>" (+ "Content-Length: " for POST)
  size_t header_room_;
};

}  // namespace stressql::engine
