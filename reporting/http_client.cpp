#include "reporting/http_client.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "engine/engine.h"

namespace stressql::reporting {
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

// Decodes a chunked body; returns false when it is malformed or incomplete.
bool dechunk(const std::string& in, std::string* out) {
  size_t pos = 0;
  out->clear();
  while (true) {
    size_t eol = in.find("\r\n", pos);
    if (eol == std::string::npos) return false;
    size_t n = std::strtoul(in.substr(pos, eol - pos).c_str(), nullptr, 16);
    pos = eol + 2;
    if (n == 0) return true;
    if (pos + n > in.size()) return false;
    out->append(in, pos, n);
    pos += n + 2;
  }
}

// True once `raw` holds a whole answer: its head and all of its body by Content-Length or
// chunked encoding. Without either the body ends when the server closes.
bool answer_complete(const std::string& raw) {
  size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  if (raw.compare(0, 13, "HTTP/1.1 204 ") == 0 || raw.compare(0, 13, "HTTP/1.1 304 ") == 0) {
    return true;  // never a body
  }
  std::string head = raw.substr(0, head_end);
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (head.find("transfer-encoding: chunked") != std::string::npos) {
    // Decoding only when the last chunk may have come keeps long answers linear.
    if (raw.size() < 5 || raw.compare(raw.size() - 5, 5, "0\r\n\r\n") != 0) return false;
    std::string body;
    return dechunk(raw.substr(head_end + 4), &body);
  }
  size_t at = head.find("\r\ncontent-length:");
  if (at == std::string::npos) return false;
  size_t length = std::strtoul(head.c_str() + at + 17, nullptr, 10);
  return raw.size() - (head_end + 4) >= length;
}

}  // namespace

HttpReply http_request(const std::string& host_port, const std::string& method,
                       const std::string& target, std::string_view body,
                       const std::string& extra_headers, std::chrono::milliseconds limit,
                       const std::atomic<bool>* abort) {
  HttpReply reply;
  engine::Address addr;
  if (engine::Status st = engine::resolve_address(host_port, &addr); !st) {
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
  std::string raw;
  bool ok = true;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr.addr), addr.len) != 0 && errno != EINPROGRESS) {
    reply.error = std::string("connect: ") + std::strerror(errno);
    ok = false;
  }
  size_t sent = 0;
  while (ok && sent < req.size()) {
    if (const char* why = wait_for(fd, POLLOUT, deadline, abort); *why != '\0') {
      reply.error = std::string(why) + " sending";
      ok = false;
      break;
    }
    ssize_t n = send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN) {
      reply.error = std::string("send: ") + std::strerror(errno);
      ok = false;
    } else if (n > 0) {
      sent += static_cast<size_t>(n);
    }
  }
  char buf[65536];
  while (ok) {
    if (const char* why = wait_for(fd, POLLIN, deadline, abort); *why != '\0') {
      reply.error = std::string(why) + " waiting for the answer";
      ok = false;
      break;
    }
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0 && errno != EAGAIN) {
      reply.error = std::string("recv: ") + std::strerror(errno);
      ok = false;
    } else if (n > 0) {
      raw.append(buf, static_cast<size_t>(n));
      if (answer_complete(raw)) break;  // do not wait for a close that may never come
    }
  }
  close(fd);
  if (!ok) return reply;
  size_t head_end = raw.find("\r\n\r\n");
  if (raw.compare(0, 9, "HTTP/1.1 ") != 0 || head_end == std::string::npos) {
    reply.error = "malformed answer";
    return reply;
  }
  reply.status = std::atoi(raw.c_str() + 9);
  std::string head = raw.substr(0, head_end);
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string rest = raw.substr(head_end + 4);
  if (head.find("transfer-encoding: chunked") != std::string::npos) {
    if (!dechunk(rest, &reply.body)) reply.error = "malformed chunked body";
  } else {
    reply.body = rest;
  }
  return reply;
}

bool parse_http_url(const std::string& url, std::string* host_port) {
  const std::string prefix = "http://";
  if (url.compare(0, prefix.size(), prefix) != 0) return false;
  std::string rest = url.substr(prefix.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find('/') != std::string::npos) return false;
  *host_port = rest;
  return true;
}

}  // namespace stressql::reporting
