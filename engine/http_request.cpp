#include "engine/http_request.h"

#include <cstring>

namespace stressql::engine {

namespace {
constexpr char kEnd[] = "\r\n\r\n";
constexpr size_t kMaxDigits = 20;
}  // namespace

RequestTemplate::RequestTemplate(Method method, const std::string& host,
                                 const std::string& extra_headers, size_t max_target_bytes)
    : has_body_(method == Method::kPost),
      method_(method == Method::kPost ? "POST " : method == Method::kDelete ? "DELETE " : "GET ") {
  middle_ = " HTTP/1.1\r\nHost: " + host + "\r\n" + extra_headers;
  if (has_body_) middle_ += "Content-Length: ";
  header_room_ = method_.size() + max_target_bytes + middle_.size() + kMaxDigits + sizeof(kEnd);
}

size_t RequestTemplate::frame(char* buffer, const char* target, size_t target_len,
                              size_t body_len) const {
  char* p = buffer + header_room_;
  if (has_body_) {
    p -= 4;
    std::memcpy(p, kEnd, 4);
    size_t v = body_len;
    do {
      *--p = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
  } else {
    // middle_ ends with the last header line's CRLF (or Host's); one more ends the header.
    p -= 2;
    std::memcpy(p, "\r\n", 2);
  }
  p -= middle_.size();
  std::memcpy(p, middle_.data(), middle_.size());
  p -= target_len;
  std::memcpy(p, target, target_len);
  p -= method_.size();
  std::memcpy(p, method_.data(), method_.size());
  return static_cast<size_t>(p - buffer);
}

}  // namespace stressql::engine
