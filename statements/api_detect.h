#pragma once
// SET Api [auto]: which InfluxDB API a target speaks, from the `X-Influxdb-Version` header
// of its `GET /ping` (net/api_probe.h) (1.x → v1, 2.x → v2, 3.x → v3; no header → v1), asked once per
// address per run. Control thread only; blocking.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/tls_context.h"
#include "parser/script.h"
#include "parser/settings.h"
#include "net/api_probe.h"

namespace stressql::statements {

// The probe itself and its reading are net/'s (net/api_probe.h): the results server and
// metrics sources are asked the same way.
using net::ApiChoice;
using net::api_from_ping;

class ApiDetector {
 public:
  // `token` goes with the probe (a 3.x server may want it even for /ping). `offline`: no
  // server is asked (--dump / --dry-run); auto means v1 there. A probe gives up after
  // `timeout_ns`, or soon after `*stop` is set (Ctrl-C). Under SET SSL [true] it speaks
  // HTTPS with `tls` (the run's --ca-file, --insecure, …), verified as the load is.
  ApiDetector(std::string token, int64_t timeout_ns, bool offline, const std::atomic<bool>* stop,
              engine::TlsOptions tls = {})
      : token_(std::move(token)), timeout_ns_(timeout_ns), offline_(offline), stop_(stop), tls_options_(std::move(tls)) {}

  // The API for settings `s` (s.api when it is not kAuto). Fails when the addresses answer
  // different APIs: one job speaks one.
  base::Status choose(const parser::Settings& s, ApiChoice* out);
  // What `address`'s /ping said (asked once per address and scheme per run; server
  // metrics' auto reads it too).
  const ApiChoice& ping(const std::string& address, bool ssl);

 private:
  ApiChoice probe(const std::string& address, bool ssl);

  std::string token_;
  int64_t timeout_ns_;
  bool offline_;
  const std::atomic<bool>* stop_;
  engine::TlsOptions tls_options_;
  std::shared_ptr<const engine::TlsContext> tls_;  // made at the first HTTPS probe
  std::map<std::string, ApiChoice> by_address_;
};

// Before anything is sent: replays the script's SETs from `initial`, chooses the API of
// every INSERT, QUERY and InfluxQL statement and checks its settings against it (v2 needs
// Org, …). (*out)[i] is statement i's choice (unused for other kinds). A failure names the
// statement's line.
base::Status choose_apis(const parser::Script& script, const parser::Settings& initial,
                         ApiDetector* detector, std::vector<ApiChoice>* out);

}  // namespace stressql::statements
