#include "net/http_client.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include <llhttp.h>

#include "engine/engine.h"
#include "engine/tls_context.h"
#include "engine/tls_session.h"
#include "net/server_address.h"

namespace stressql::net {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits until `fd` has `events`: "" when it does, else why not ("timed out", "stopped").
const char* wait_for(int fd, short events, Clock::time_point deadline, const std::atomic<bool>* abort) {
  constexpr int kAbortCheckMs = 50;
  while (true) {
    if (abort != nullptr && abort->load(std::memory_order_relaxed)) return "stopped";
    int left = remaining_ms(deadline);
    if (left == 0) return "timed out";
    pollfd p{fd, events, 0};
    int n = poll(&p, 1, abort != nullptr && left > kAbortCheckMs ? kAbortCheckMs : left);
    if (n > 0) return "";
    if (n < 0 && errno != EINTR) return "poll failed";
  }
}

// Reads one answer with llhttp, as it comes: its status and its body, whether the body is
// framed by Content-Length, by chunks, by nothing (a 204, 304) or by the server's close.
// It stops at the end of the first whole answer, so a server that keeps the connection open
// after "Connection: close" costs no wait.
class AnswerReader {
 public:
  // With a `sink`, a 2xx answer's body goes there instead of into reply->body.
  AnswerReader(HttpReply* reply, const BodySink* sink) : reply_(reply), sink_(sink) {
    llhttp_settings_init(&settings_);
    settings_.on_body = &AnswerReader::on_body;
    settings_.on_header_field = &AnswerReader::on_header_field;
    settings_.on_header_value = &AnswerReader::on_header_value;
    settings_.on_header_value_complete = &AnswerReader::on_header_value_complete;
    settings_.on_message_complete = &AnswerReader::on_message_complete;
    llhttp_init(&parser_, HTTP_RESPONSE, &settings_);
    parser_.data = this;
  }
  AnswerReader(const AnswerReader&) = delete;
  AnswerReader& operator=(const AnswerReader&) = delete;

  // Takes the next bytes received. True once the answer is whole, or cannot be read (then
  // reply->error says why); false while more is to come.
  bool feed(const char* data, size_t n) {
    const llhttp_errno_t rc = llhttp_execute(&parser_, data, n);
    if (rc == HPE_OK) return false;
    return done(rc);
  }
  // The server closed: what came is all there will be (a body with neither length nor chunks
  // ends here).
  void closed() { done(llhttp_finish(&parser_)); }

 private:
  bool done(llhttp_errno_t rc) {
    if ((rc == HPE_OK || rc == HPE_PAUSED) && complete_) {
      reply_->status = parser_.status_code;
    } else {
      reply_->body.clear();
      if (stopped_) {
        reply_->error = "stopped by the reader";
      } else if (rc == HPE_OK) {  // closed before a byte of it came
        reply_->error = "the server closed without answering";
      } else if (rc == HPE_INVALID_EOF_STATE) {
        reply_->error = "the server closed in the middle of the answer";
      } else {
        reply_->error = std::string("malformed answer (") + llhttp_errno_name(rc) + ")";
      }
    }
    return true;
  }
  static int on_header_field(llhttp_t* p, const char* at, size_t n) {
    AnswerReader* self = static_cast<AnswerReader*>(p->data);
    auto& headers = self->reply_->headers;
    // A name may arrive in pieces; the first piece after a value starts the next header.
    if (!self->in_name_) headers.emplace_back();
    self->in_name_ = true;
    headers.back().first.append(at, n);
    return 0;
  }
  static int on_header_value(llhttp_t* p, const char* at, size_t n) {
    AnswerReader* self = static_cast<AnswerReader*>(p->data);
    self->in_name_ = false;
    if (!self->reply_->headers.empty()) self->reply_->headers.back().second.append(at, n);
    return 0;
  }
  static int on_header_value_complete(llhttp_t* p) {
    static_cast<AnswerReader*>(p->data)->in_name_ = false;  // also after an empty value
    return 0;
  }
  static int on_body(llhttp_t* p, const char* at, size_t n) {
    AnswerReader* self = static_cast<AnswerReader*>(p->data);
    if (self->sink_ == nullptr || p->status_code / 100 != 2) {
      self->reply_->body.append(at, n);
    } else if (!(*self->sink_)(std::string_view(at, n))) {
      self->stopped_ = true;
      return -1;  // llhttp_execute returns HPE_USER
    }
    return 0;
  }
  static int on_message_complete(llhttp_t* p) {
    static_cast<AnswerReader*>(p->data)->complete_ = true;
    return HPE_PAUSED;  // llhttp_execute returns here: what follows is not ours to read
  }

  HttpReply* const reply_;
  const BodySink* const sink_;
  bool stopped_ = false;
  llhttp_settings_t settings_;
  llhttp_t parser_;
  bool complete_ = false;
  bool in_name_ = false;
};

// The bytes of one connection: plain, or through the engine's TLS layer (a TlsSession has
// no I/O of its own; here blocking waits move its ciphertext). Each call returns "" or why
// it could not go on.
class Channel {
 public:
  Channel(int fd, Clock::time_point deadline, const std::atomic<bool>* abort, engine::TlsSession* tls)
      : fd_(fd), deadline_(deadline), abort_(abort), tls_(tls) {}

  std::string handshake() {
    if (tls_ == nullptr) return "";
    while (true) {
      const engine::TlsSession::Result r = tls_->handshake();
      if (std::string e = flush(); !e.empty()) return e;
      if (r == engine::TlsSession::Result::kOk) return "";
      if (r != engine::TlsSession::Result::kWant) return std::string("TLS: ") + tls_->error_text();
      bool eof = false;
      if (std::string e = pull(&eof); !e.empty()) return e;
      if (eof) return "TLS: the server closed during the handshake";
    }
  }

  // A streamed answer may take as long as it keeps coming: each wait gets the limit again.
  void extend(Clock::time_point deadline) { deadline_ = deadline; }

  std::string send_all(const char* data, size_t n) {
    for (size_t sent = 0; sent < n;) {
      if (tls_ == nullptr) {
        if (const char* why = wait_for(fd_, POLLOUT, deadline_, abort_); *why != '\0') return std::string(why) + " sending";
        const ssize_t k = send(fd_, data + sent, n - sent, MSG_NOSIGNAL);
        if (k < 0 && errno != EAGAIN) return std::string("send: ") + std::strerror(errno);
        if (k > 0) sent += static_cast<size_t>(k);
        continue;
      }
      size_t taken = 0;
      if (tls_->write(data + sent, n - sent, &taken) == engine::TlsSession::Result::kError) {
        return std::string("TLS: ") + tls_->error_text();
      }
      sent += taken;
      if (std::string e = flush(); !e.empty()) return e;
    }
    return "";
  }

  // Plaintext into buf[0, cap); *n == 0 when the server closed.
  std::string receive(char* buf, size_t cap, size_t* n) {
    *n = 0;
    while (true) {
      if (tls_ == nullptr) {
        if (const char* why = wait_for(fd_, POLLIN, deadline_, abort_); *why != '\0') {
          return std::string(why) + " waiting for the answer";
        }
        const ssize_t k = recv(fd_, buf, cap, 0);
        if (k < 0 && errno != EAGAIN) return std::string("recv: ") + std::strerror(errno);
        if (k >= 0) {
          *n = static_cast<size_t>(k);
          return "";
        }
        continue;
      }
      const engine::TlsSession::Result r = tls_->read(buf, cap, n);
      if (r == engine::TlsSession::Result::kOk && *n > 0) return "";
      if (r == engine::TlsSession::Result::kClosed) return "";
      if (r == engine::TlsSession::Result::kError) return std::string("TLS: ") + tls_->error_text();
      if (std::string e = flush(); !e.empty()) return e;  // e.g. a key update to answer
      bool eof = false;
      if (std::string e = pull(&eof); !e.empty()) return e;
      if (eof) return "";
    }
  }

 private:
  // Sends what the TLS layer produced.
  std::string flush() {
    while (tls_->fill_output() > 0) {
      if (const char* why = wait_for(fd_, POLLOUT, deadline_, abort_); *why != '\0') return std::string(why) + " sending";
      const ssize_t k = send(fd_, tls_->output(), tls_->output_bytes(), MSG_NOSIGNAL);
      if (k < 0 && errno != EAGAIN) return std::string("send: ") + std::strerror(errno);
      if (k > 0) tls_->consumed(static_cast<size_t>(k));
    }
    return "";
  }
  // Hands the TLS layer the next ciphertext: what it did not take last time, else a recv.
  std::string pull(bool* eof) {
    if (pending_.empty()) {
      if (const char* why = wait_for(fd_, POLLIN, deadline_, abort_); *why != '\0') {
        return std::string(why) + " waiting for the answer";
      }
      char buf[16384];
      const ssize_t k = recv(fd_, buf, sizeof buf, 0);
      if (k == 0) *eof = true;
      if (k < 0 && errno != EAGAIN) return std::string("recv: ") + std::strerror(errno);
      if (k > 0) pending_.assign(buf, static_cast<size_t>(k));
    }
    pending_.erase(0, tls_->put_ciphertext(pending_.data(), pending_.size()));
    return "";
  }

  const int fd_;
  Clock::time_point deadline_;
  const std::atomic<bool>* const abort_;
  engine::TlsSession* const tls_;
  std::string pending_;  // received ciphertext the TLS layer had no room for yet
};

// One exchange; with a `sink` the answer's body is streamed and `limit` is an idle limit.
HttpReply exchange(const std::string& host_port, const std::string& method, const std::string& target,
                   std::string_view body, const std::string& extra_headers, std::chrono::milliseconds limit,
                   const std::atomic<bool>* abort, const engine::TlsContext* tls, const BodySink* sink) {
  HttpReply reply;
  engine::Address addr;
  if (base::Status st = engine::resolve_address(host_port, &addr); !st) {
    reply.error = st.message();
    return reply;
  }
  auto deadline = Clock::now() + limit;
  int fd = socket(addr.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    reply.error = std::strerror(errno);
    return reply;
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: " + host_port +
                    "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\n" + extra_headers + "\r\n" + std::string(body);
  AnswerReader answer(&reply, sink);
  engine::TlsSession session;
  Channel channel(fd, deadline, abort, tls == nullptr ? nullptr : &session);
  std::string error;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr.addr), addr.len) != 0 && errno != EINPROGRESS) {
    error = std::string("connect: ") + std::strerror(errno);
  } else if (tls != nullptr && session.start(*tls, tls->peer_for(addr), nullptr) == engine::TlsSession::Result::kError) {
    error = std::string("TLS: ") + session.error_text();
  }
  if (error.empty()) error = channel.handshake();
  if (error.empty()) error = channel.send_all(req.data(), req.size());
  char buf[65536];
  while (error.empty()) {
    size_t n = 0;
    error = channel.receive(buf, sizeof buf, &n);
    if (!error.empty()) break;
    if (n == 0) {
      answer.closed();
      break;
    }
    if (answer.feed(buf, n)) break;  // not waiting for a close that may never come
    if (sink != nullptr) channel.extend(Clock::now() + limit);
  }
  if (!error.empty()) reply.error = error;
  session.end();
  close(fd);
  return reply;
}

}  // namespace

HttpReply http_request(const std::string& host_port, const std::string& method,
                       const std::string& target, std::string_view body,
                       const std::string& extra_headers, std::chrono::milliseconds limit,
                       const std::atomic<bool>* abort, const engine::TlsContext* tls) {
  return exchange(host_port, method, target, body, extra_headers, limit, abort, tls, nullptr);
}

HttpReply http_request_streamed(const std::string& host_port, const std::string& method,
                                const std::string& target, const BodySink& sink,
                                std::chrono::milliseconds idle_limit, const std::string& extra_headers,
                                const std::atomic<bool>* abort, const engine::TlsContext* tls) {
  return exchange(host_port, method, target, "", extra_headers, idle_limit, abort, tls, &sink);
}

const std::string* HttpReply::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < key.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(key[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return &value;
  }
  return nullptr;
}

bool parse_http_url(const std::string& url, std::string* host_port) {
  ServerAddress server;
  std::string error;
  if (!parse_server_url(url, &server, &error) || !server.credentials.empty()) return false;
  *host_port = server.host_port;
  return true;
}

std::string utf8_excerpt(std::string_view bytes, size_t max_bytes) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  size_t i = 0;
  while (i < bytes.size()) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    // The length of a well-formed sequence starting at i (RFC 3629: no overlongs, no
    // surrogates, nothing past U+10FFFF), or 0.
    size_t n = 0;
    if (c < 0x80) {
      n = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
    }
    bool ok = n > 0 && i + n <= bytes.size();
    for (size_t k = 1; ok && k < n; ++k) {
      const unsigned char d = static_cast<unsigned char>(bytes[i + k]);
      unsigned char lo = 0x80, hi = 0xBF;
      if (k == 1 && c == 0xE0) lo = 0xA0;
      if (k == 1 && c == 0xED) hi = 0x9F;
      if (k == 1 && c == 0xF0) lo = 0x90;
      if (k == 1 && c == 0xF4) hi = 0x8F;
      ok = d >= lo && d <= hi;
    }
    std::string_view piece;
    char space = ' ';
    if (!ok) {
      piece = kReplacement;
      n = 1;
    } else if (n == 1 && (c < 0x20 || c == 0x7F)) {
      piece = std::string_view(&space, 1);
    } else {
      piece = bytes.substr(i, n);
    }
    if (out.size() + piece.size() > max_bytes) break;
    out.append(piece);
    i += n;
  }
  return out;
}

std::string reply_error_text(const HttpReply& r, size_t max_bytes) {
  if (r.status == 0) return r.error;
  std::string text = "HTTP " + std::to_string(r.status);
  std::string body = utf8_excerpt(r.body, max_bytes);
  while (!body.empty() && body.back() == ' ') body.pop_back();
  if (!body.empty()) text += ": " + body;
  return text;
}

}  // namespace stressql::net
