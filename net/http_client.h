#pragma once
// A small blocking HTTP/1.1 client ("Connection: close", one request per connection) for
// traffic that is not the measured load: results rows, `stressql report`, test fixtures.
// Never used on a reactor thread.

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stressql::engine {
class TlsContext;
}

namespace stressql::net {

struct HttpReply {
  int status = 0;      // 0: no answer (error says why)
  std::string body;
  std::string error;
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  // The value of the first header named `name` (any case), or nullptr.
  const std::string* header(std::string_view name) const;
};

// REQUIRES: host_port is "host:port" (or "[v6]:port"). Gives up after `limit`, or soon
// after `*abort` is set. With `tls`, speaks HTTPS (verified as that context says, through
// the engine's TLS layer); a TLS failure is the reply's error ("TLS: certificate verify
// failed: …").
HttpReply http_request(const std::string& host_port, const std::string& method,
                       const std::string& target, std::string_view body = "",
                       const std::string& extra_headers = "",
                       std::chrono::milliseconds limit = std::chrono::seconds(30),
                       const std::atomic<bool>* abort = nullptr, const engine::TlsContext* tls = nullptr);

// "http://host:port[/]" → "host:port"; false for anything else (https is not supported here).
bool parse_http_url(const std::string& url, std::string* host_port);

// Why a request failed, for a message: "HTTP 401: <the body's first bytes>" when the server
// answered, else the reply's error. The body is a server's bytes: at most `max_bytes` of it,
// cut at a UTF-8 character boundary, invalid bytes replaced by U+FFFD, control characters
// (line breaks too) by spaces, so the text is one valid line.
std::string reply_error_text(const HttpReply& r, size_t max_bytes = 200);

// The first whole UTF-8 characters of `bytes` that fit in `max_bytes` (of the output),
// invalid sequences replaced by U+FFFD and control characters by a space. Pure.
std::string utf8_excerpt(std::string_view bytes, size_t max_bytes);

}  // namespace stressql::net
