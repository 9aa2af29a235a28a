#pragma once
// A real InfluxDB (Debian's influxd) on free loopback ports, in its own temporary
// directory, for tests and for the demo. Started per test fixture; stopped and deleted
// by the destructor.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "tests/support/process.h"

namespace stressql::testing {

struct HttpReply {
  int status = 0;      // 0: no answer (error says why)
  std::string body;
  std::string error;
};

// One blocking HTTP/1.1 request with "Connection: close" (a test helper, not the engine).
HttpReply http_request(const std::string& host_port, const std::string& method,
                       const std::string& target, const std::string& body = "",
                       const std::string& extra_headers = "",
                       std::chrono::milliseconds limit = std::chrono::seconds(30));
// Percent-encodes for a URL query component.
std::string url_escape(const std::string& s);

class InfluxServer {
 public:
  // Starts influxd and waits until /ping answers 204 (up to 60 s). nullptr and *error on
  // failure.
  static std::unique_ptr<InfluxServer> start(std::string* error);
  ~InfluxServer();

  std::string address() const;  // "127.0.0.1:PORT"
  int port() const { return http_port_; }

  // Kills the server (SIGKILL, like a crash) / starts it again on the same port and data.
  void kill();
  bool restart(std::string* error);

  // Runs an InfluxQL statement through /query (POST); returns the reply.
  HttpReply query(const std::string& q, const std::string& db = "");
  // `SELECT count(<field>) FROM <measurement>` in db: the count, or -1 on error.
  int64_t count_points(const std::string& db, const std::string& measurement,
                       const std::string& field = "*");

 private:
  InfluxServer() = default;
  bool launch(std::string* error);
  std::string dir_;
  int http_port_ = 0;
  int rpc_port_ = 0;
  Child child_;
};

}  // namespace stressql::testing
