#include "tests/support/fault_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace stressql::testing {

namespace {

// Waits up to 50 ms for fd to become readable; the caller re-checks stopping_.
bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 50) > 0;
}

bool send_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

}  // namespace

FaultServer::FaultServer(FaultHandler handler) : handler_(std::move(handler)) {}

FaultServer::~FaultServer() { stop(); }

std::string FaultServer::response(int status, const std::string& body, const std::string& headers) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n" +
         (status == 204 ? std::string() : "Content-Length: " + std::to_string(body.size()) + "\r\n") +
         headers + "\r\n" + body;
}

std::string FaultServer::chunked(int status, const std::string& body, size_t chunk) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) +
                    "\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (size_t i = 0; i < body.size(); i += chunk) {
    const size_t n = std::min(chunk, body.size() - i);
    char len[32];
    snprintf(len, sizeof(len), "%zx\r\n", n);
    out += len;
    out += body.substr(i, n);
    out += "\r\n";
  }
  return out + "0\r\n\r\n";
}

bool FaultServer::start(int port, std::string* error) {
  stopping_ = false;
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(listen_fd_, 512) != 0) {
    *error = std::string("fault server bind/listen: ") + strerror(errno);
    close(listen_fd_);
    listen_fd_ = -1;
    return false;
  }
  socklen_t len = sizeof(a);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
  return true;
}

void FaultServer::stop() {
  if (listen_fd_ < 0) return;
  stopping_ = true;
  acceptor_.join();
  close(listen_fd_);
  listen_fd_ = -1;
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : fds_) shutdown(fd, SHUT_RDWR);
    workers.swap(workers_);
  }
  for (std::thread& t : workers) t.join();
  std::lock_guard<std::mutex> lock(mu_);
  fds_.clear();
}

void FaultServer::accept_loop() {
  while (!stopping_) {
    if (!readable(listen_fd_)) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    std::lock_guard<std::mutex> lock(mu_);
    fds_.push_back(fd);
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

void FaultServer::serve(int fd) {
  std::string in;
  char buf[65536];
  bool open = true;
  while (open && !stopping_) {
    // Read one request: headers up to the blank line, then Content-Length body bytes.
    size_t header_end;
    while ((header_end = in.find("\r\n\r\n")) == std::string::npos) {
      if (stopping_) { open = false; break; }
      if (!readable(fd)) continue;
      ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) { open = false; break; }
      in.append(buf, static_cast<size_t>(n));
    }
    if (!open) break;
    FaultRequest req;
    const std::string head = in.substr(0, header_end + 2);
    const size_t sp1 = head.find(' ');
    const size_t sp2 = head.find(' ', sp1 + 1);
    req.method = head.substr(0, sp1);
    req.target = head.substr(sp1 + 1, sp2 - sp1 - 1);
    req.headers = head.substr(head.find("\r\n") + 2);
    size_t content_length = 0;
    std::string lower = req.headers;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (size_t p = lower.find("content-length:"); p != std::string::npos) {
      content_length = std::strtoul(lower.c_str() + p + 15, nullptr, 10);
    }
    in.erase(0, header_end + 4);
    while (in.size() < content_length) {
      if (stopping_) { open = false; break; }
      if (!readable(fd)) continue;
      ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) { open = false; break; }
      in.append(buf, static_cast<size_t>(n));
    }
    if (!open) break;
    req.body = in.substr(0, content_length);
    in.erase(0, content_length);
    // stressql's own probes besides the load: SET Api's /ping (204, no version) and SET
    // ServerMetrics' reads (404: no metrics here).
    const bool probe = req.method == "GET" && (req.target == "/ping" || req.target == "/metrics" ||
                                               req.target == "/debug/vars");
    if (answer_ping_ && probe) {
      const std::string pong = response(req.target == "/ping" ? 204 : 404);
      open = send_all(fd, pong.data(), pong.size());
      continue;
    }
    req.number = requests_++;
    body_bytes_ += req.body.size();
    FaultReply reply = handler_(req);
    switch (reply.mode) {
      case FaultReply::Mode::kNormal:
        open = send_all(fd, reply.bytes.data(), reply.bytes.size());
        break;
      case FaultReply::Mode::kCloseAfter:
        send_all(fd, reply.bytes.data(), reply.bytes.size());
        open = false;
        break;
      case FaultReply::Mode::kTrickle:
        for (size_t i = 0; i < reply.bytes.size() && open && !stopping_; ++i) {
          open = send_all(fd, reply.bytes.data() + i, 1);
          usleep(1000);
        }
        break;
      case FaultReply::Mode::kResetMidway: {
        send_all(fd, reply.bytes.data(), reply.bytes.size() / 2);
        usleep(5000);  // let the half arrive before the RST
        linger l{1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        open = false;
        break;
      }
      case FaultReply::Mode::kStall:
        // Hold until the client gives up (EOF/reset) or stop().
        while (!stopping_) {
          if (!readable(fd)) continue;
          if (recv(fd, buf, sizeof(buf), 0) <= 0) break;
        }
        open = false;
        break;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  fds_.erase(std::remove(fds_.begin(), fds_.end(), fd), fds_.end());
  close(fd);
}

}  // namespace stressql::testing
