#pragma once
// FaultServer: a small threaded HTTP/1.1 server on 127.0.0.1 for the engine's tests. It
// exists for the faults a real server won't produce on demand: a reset in the middle of an
// answer, a stall, an answer trickled one byte at a time, 503/429 with Retry-After,
// "Connection: close" after each answer. One thread accepts, one thread per connection;
// everything is bounded by stop().

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace stressql::testing {

struct FaultRequest {
  std::string method;
  std::string target;
  std::string headers;  // raw header block, lines included
  std::string body;
  size_t number = 0;    // 0-based, across all connections, in arrival order
};

struct FaultReply {
  enum class Mode {
    kNormal,       // send `bytes`, keep the connection
    kCloseAfter,   // send `bytes`, then close
    kTrickle,      // send `bytes` one byte at a time, 1 ms apart
    kResetMidway,  // send the first half of `bytes`, then reset (SO_LINGER 0)
    kStall,        // never answer; hold the connection until the client or stop() ends it
  };
  Mode mode = Mode::kNormal;
  std::string bytes;
};

// Called on connection threads, concurrently: must be thread-safe.
using FaultHandler = std::function<FaultReply(const FaultRequest&)>;

class FaultServer {
 public:
  explicit FaultServer(FaultHandler handler);
  ~FaultServer();  // stop()
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  // By default `GET /ping` (stressql's SET Api [auto] probe, once per address) is answered
  // 204 without a version header, like a server that speaks 1.x only, and SET ServerMetrics'
  // reads (`GET /metrics`, `GET /debug/vars`) 404; none is counted nor shown to the handler.
  // Call this before start() to hand them to the handler.
  void pass_ping_to_handler() { answer_ping_ = false; }
  // Listens on 127.0.0.1:`port` (0: any free port). False (and *error) on failure.
  bool start(int port, std::string* error);
  // Closes the listener and every connection, joins all threads. Idempotent.
  void stop();

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  size_t requests() const { return requests_.load(); }
  size_t connections() const { return connections_.load(); }
  // Total body bytes received.
  size_t body_bytes() const { return body_bytes_.load(); }

  // "HTTP/1.1 <status> X\r\nContent-Length: n\r\n<headers>\r\n<body>".
  static std::string response(int status, const std::string& body = "",
                              const std::string& headers = "");
  // The same answer with a chunked body, `chunk` bytes per chunk.
  static std::string chunked(int status, const std::string& body, size_t chunk);

 private:
  void accept_loop();
  void serve(int fd);

  FaultHandler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  bool answer_ping_ = true;
  std::atomic<size_t> requests_{0};
  std::atomic<size_t> connections_{0};
  std::atomic<size_t> body_bytes_{0};
  std::thread acceptor_;
  std::mutex mu_;  // guards workers_ and fds_
  std::vector<std::thread> workers_;
  std::vector<int> fds_;
};

}  // namespace stressql::testing
