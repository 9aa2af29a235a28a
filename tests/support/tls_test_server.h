#pragma once
// A small HTTPS/1.1 server for tests, written with OpenSSL: answers every request 204 (or
// 200 with a small JSON body for GET), counts requests, body bytes, handshakes and
// resumed sessions, and can require a client certificate (mutual TLS, which the
// influxd 1.6 under test cannot do). One thread per connection; blocking I/O with a
// receive time limit. Listens on 127.0.0.1 only.

#include <openssl/ssl.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace stressql::testing {

class TlsTestServer {
 public:
  struct Options {
    std::string cert;          // server certificate chain (PEM)
    std::string key;
    std::string client_ca;     // non-empty: require a client certificate signed by it
    bool close_after_response = false;  // "Connection: close" on every answer
  };
  // nullptr and *error on failure.
  static std::unique_ptr<TlsTestServer> start(const Options& options, std::string* error);
  ~TlsTestServer();
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  std::string address() const;  // "127.0.0.1:PORT"
  uint64_t requests() const { return requests_.load(); }
  uint64_t body_bytes() const { return body_bytes_.load(); }
  uint64_t handshakes() const { return handshakes_.load(); }          // completed
  uint64_t resumed() const { return resumed_.load(); }                // of those, resumed
  uint64_t failed_handshakes() const { return failed_handshakes_.load(); }

 private:
  TlsTestServer() = default;
  void accept_loop();
  void serve(int fd);

  SSL_CTX* ctx_ = nullptr;
  int listen_fd_ = -1;
  int port_ = 0;
  bool close_after_response_ = false;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;  // guards the two vectors below
  std::vector<std::thread> workers_;
  std::vector<int> open_fds_;
  std::atomic<uint64_t> requests_{0}, body_bytes_{0}, handshakes_{0}, resumed_{0},
      failed_handshakes_{0};
};

}  // namespace stressql::testing
