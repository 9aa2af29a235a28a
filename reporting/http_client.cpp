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

// Reads the answer in `raw` into *reply once it is whole: its head, and its body by
// Content-Length or chunked encoding (a 204 or 304 has none). Returns false while more is to
// come. `closed`: the server has closed, so what is there is all there will be (a body with
// neither length nor chunks ends there).
bool take_answer(const std::string& raw, bool closed, HttpReply* reply) {
  const size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos && !closed) return false;
  if (raw.compare(0, 9, "HTTP/1.1 ") != 0 || head_end == std::string::npos) {
    reply->error = "malformed answer";
    return true;
  }
  const int status = std::atoi(raw.c_str() + 9);
  std::string head = raw.substr(0, head_end);
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string_view rest = std::string_view(raw).substr(head_end + 4);
  if (status == 204 || status == 304) {
    reply->body.clear();
  } else if (head.find("transfer-encoding: chunked") != std::string::npos) {
    // Decoding only once the last chunk may have come keeps long answers linear.
    const bool may_be_whole = rest.size() >= 5 && rest.substr(rest.size() - 5) == "0\r\n\r\n";
    if (!closed && !may_be_whole) return false;
    std::string body;
    if (!dechunk(std::string(rest), &body)) {
      if (!closed) return false;
      reply->error = "malformed chunked body";
    }
    reply->body = std::move(body);
  } else if (size_t at = head.find("\r\ncontent-length:"); at != std::string::npos) {
    const size_t length = std::strtoul(head.c_str() + at + 17, nullptr, 10);
    if (rest.size() < length && !closed) return false;
    reply->body = std::string(rest.substr(0, length));
  } else {
    if (!closed) return false;
    reply->body = std::string(rest);
  }
  reply->status = status;
  return true;
}

}  // namespace

HttpReply http_request(const std::string& host_port, const std::string& method,
                       const std::string& target, std::string_view body,
                       const std::string& extra_headers, std::chrono::milliseconds limit,
                       const std::atomic<bool>* abort) {
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
    if (n == 0) {
      take_answer(raw, true, &reply);
      break;
    }
    if (n < 0 && errno != EAGAIN) {
      reply.error = std::string("recv: ") + std::strerror(errno);
      ok = false;
    } else if (n > 0) {
      raw.append(buf, static_cast<size_t>(n));
      if (take_answer(raw, false, &reply)) break;  // not waiting for a close that may never come
    }
  }
  close(fd);
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
