#pragma once
// A real InfluxDB (Debian's influxd) on free loopback ports, in its own temporary
// directory, for tests and for the demo. Started per test fixture; stopped and deleted
// by the destructor.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "net/http_client.h"
#include "statements/http_target.h"
#include "tests/support/process.h"

namespace stressql::testing {

// The shared blocking client and URL escaping, under the names the tests use.
using net::HttpReply;
using net::http_request;
using statements::url_escape;

class InfluxServer {
 public:
  struct Options {
    bool https = false;  // https-enabled with `cert` / `key` (PEM)
    std::string cert;
    std::string key;
    std::string ca;      // what the fixture's own HTTPS client trusts; empty: `cert`
    // Non-empty: auth-enabled = true, and this admin user (WITH ALL PRIVILEGES) is created
    // through the first-user /query once the server is up. The fixture's own queries
    // (query(), count_points()) then log in as it (Basic auth, plain HTTP only).
    std::string admin_user;
    std::string admin_password;
  };
  // Starts influxd and waits until /ping answers 204 (up to 60 s). nullptr and *error on
  // failure.
  static std::unique_ptr<InfluxServer> start(std::string* error);
  static std::unique_ptr<InfluxServer> start(const Options& options, std::string* error);
  ~InfluxServer();

  std::string address() const;  // "127.0.0.1:PORT"
  int port() const { return http_port_; }
  // The influxd process (setpriv execs it: the same process), for --server-pid.
  int pid() const { return static_cast<int>(child_.pid()); }

  // Kills the server (SIGKILL, like a crash) / starts it again on the same port and data.
  void kill();
  bool restart(std::string* error);

  // Runs an InfluxQL statement through /query (POST); returns the reply. Over HTTPS
  // (Options::https) it goes through `curl --cacert`, verifying the server certificate.
  HttpReply query(const std::string& q, const std::string& db = "");
  // Whether query() over HTTPS verifies the server certificate (default true). Off
  // (`curl --insecure`) only to count back what went to a server whose certificate is
  // deliberately bad.
  void set_verify_certificate(bool verify) { verify_certificate_ = verify; }
  // `SELECT count(<field>) FROM <measurement>` in db: the count, or -1 on error.
  int64_t count_points(const std::string& db, const std::string& measurement,
                       const std::string& field = "*");

 private:
  InfluxServer() = default;
  bool launch(std::string* error);
  bool create_admin(std::string* error);
  HttpReply request(const std::string& method, const std::string& target, std::chrono::milliseconds limit);
  Options options_;
  bool verify_certificate_ = true;
  std::string dir_;
  int http_port_ = 0;
  int rpc_port_ = 0;
  Child child_;
  bool admin_created_ = false;
};

}  // namespace stressql::testing
