#include "tests/support/tls_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include <algorithm>
#include <cstring>
#include <strings.h>

namespace stressql::testing {

std::unique_ptr<TlsTestServer> TlsTestServer::start(const Options& o, std::string* error) {
  // OpenSSL writes with write(2): a client that aborted must not kill the test process.
  signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<TlsTestServer> s(new TlsTestServer());
  s->close_after_response_ = o.close_after_response;
  s->ctx_ = SSL_CTX_new(TLS_server_method());
  if (s->ctx_ == nullptr || SSL_CTX_use_certificate_chain_file(s->ctx_, o.cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(s->ctx_, o.key.c_str(), SSL_FILETYPE_PEM) != 1) {
    *error = "TLS test server: cannot load " + o.cert + " / " + o.key;
    return nullptr;
  }
  SSL_CTX_set_session_id_context(s->ctx_, reinterpret_cast<const unsigned char*>("stressql"), 8);
  if (!o.client_ca.empty()) {
    if (SSL_CTX_load_verify_locations(s->ctx_, o.client_ca.c_str(), nullptr) != 1) {
      *error = "TLS test server: cannot load " + o.client_ca;
      return nullptr;
    }
    SSL_CTX_set_verify(s->ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  s->listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int one = 1;
  setsockopt(s->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(s->listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(s->listen_fd_, 128) != 0 ||
      getsockname(s->listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    *error = std::string("TLS test server: ") + strerror(errno);
    return nullptr;
  }
  s->port_ = ntohs(a.sin_port);
  s->acceptor_ = std::thread([p = s.get()] { p->accept_loop(); });
  return s;
}

TlsTestServer::~TlsTestServer() {
  stop_.store(true);
  if (acceptor_.joinable()) acceptor_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);  // wakes workers blocked in recv
  }
  for (std::thread& t : workers_) t.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  SSL_CTX_free(ctx_);
}

std::string TlsTestServer::address() const { return "127.0.0.1:" + std::to_string(port_); }

void TlsTestServer::accept_loop() {
  while (!stop_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;  // the time-out only bounds how late stop_ is seen
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.push_back(fd);
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

void TlsTestServer::serve(int fd) {
  SSL* ssl = SSL_new(ctx_);
  SSL_set_fd(ssl, fd);
  if (SSL_accept(ssl) != 1) {
    ++failed_handshakes_;
  } else {
    ++handshakes_;
    if (SSL_session_reused(ssl)) ++resumed_;
    std::string in;
    char buf[16384];
    auto read_more = [&] {  // false: the peer closed or the TLS session failed
      const int n = SSL_read(ssl, buf, sizeof buf);
      if (n > 0) in.append(buf, static_cast<size_t>(n));
      return n > 0;
    };
    bool open = true;
    while (open) {
      size_t end;
      while ((end = in.find("\r\n\r\n")) == std::string::npos && (open = read_more())) {
      }
      if (!open) break;
      size_t length = 0;
      const std::string head = in.substr(0, end);
      for (size_t at = head.find("\r\n"); at != std::string::npos; at = head.find("\r\n", at + 2)) {
        if (strncasecmp(head.c_str() + at + 2, "content-length:", 15) == 0) {
          length = std::strtoull(head.c_str() + at + 17, nullptr, 10);
        }
      }
      while (in.size() < end + 4 + length && (open = read_more())) {
      }
      if (!open) break;
      in.erase(0, end + 4 + length);
      ++requests_;
      body_bytes_ += length;
      const bool get = head.compare(0, 4, "GET ") == 0;
      std::string reply = get ? "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 14\r\n"
                              : "HTTP/1.1 204 No Content\r\n";
      if (close_after_response_) reply += "Connection: close\r\n";
      reply += get ? "\r\n{\"results\":[]}" : "\r\n";
      if (SSL_write(ssl, reply.data(), static_cast<int>(reply.size())) <= 0) break;
      if (close_after_response_) break;
    }
    SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
  close(fd);
}

}  // namespace stressql::testing
