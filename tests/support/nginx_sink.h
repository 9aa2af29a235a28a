#pragma once
// nginx as a fast line-protocol sink for end-to-end tests (the benchmarks' bench/nginx.conf.in:
// 204 for /write, a minimal JSON answer for /query) on a free loopback port, in its own
// temporary directory; optionally throttled, to stand in for a slower server.

#include <memory>
#include <string>

#include "tests/support/process.h"

namespace stressql::testing {

class NginxSink {
 public:
  struct Options {
    // > 0: nginx's limit_req holds /write to this many requests a second, delaying (not
    // refusing) the ones that come faster, like a server at its capacity.
    int write_requests_per_sec = 0;
    // > 0 (and write_requests_per_sec 0): /write admits this many requests a second, with a
    // burst of refuse_burst, and answers 503 beyond (limit_req nodelay): a server shedding load.
    int refuse_over_per_sec = 0;
    int refuse_burst = 1;
    // > 0: nginx closes a connection after this many requests (keepalive_requests), as
    // servers do to spread their clients: the client must reconnect.
    int keepalive_requests = 0;
    // > 0: room for this many client connections (worker_connections, and the worker's
    // descriptor limit); else bench/nginx.conf.in's 1024.
    int connections = 0;
  };
  // Starts nginx and waits until /write answers 204 (up to 30 s). nullptr and *error on failure.
  static std::unique_ptr<NginxSink> start(const Options& options, std::string* error);
  ~NginxSink();

  std::string address() const;  // "127.0.0.1:PORT"

 private:
  NginxSink() = default;
  bool launch(const Options& options, std::string* error);
  std::string dir_;
  int port_ = 0;
  Child child_;
};

}  // namespace stressql::testing
