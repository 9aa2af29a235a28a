#pragma once
// Which InfluxDB API a server speaks, from the `X-Influxdb-Version` header of its `GET /ping`
// (1.x -> v1, 2.x -> v2, 3.x -> v3; no header -> v1). Asked of the load's targets
// (SET Api [auto], statements/api_detect.h), of the results server (net/results_endpoint.h)
// and of metrics sources. Blocking; never on a reactor thread.

#include <atomic>
#include <chrono>
#include <string>

#include "base/api.h"

namespace stressql::engine {
class TlsContext;
}

namespace stressql::net {

struct ApiChoice {
  base::Api api = base::Api::kV1;
  std::string reason;  // "auto: 127.0.0.1:8086 answered GET /ping with X-Influxdb-Version 2.7.4"
  bool answered = false;  // the server answered /ping (server metrics' `auto` needs to know)
  std::string version;    // its X-Influxdb-Version, "" when it sent none
};

// The API for one /ping answer: `version` is the X-Influxdb-Version value (nullptr: no such
// header), `error` why there was no answer (empty when there was one). Pure.
ApiChoice api_from_ping(const std::string& address, const std::string* version,
                        const std::string& error);

// Sends `GET /ping` to `host_port` with `authorization` (a header line or "": a 3.x server
// may want the token even there), HTTPS through `tls` when given; gives up after `limit` or
// soon after `*stop` is set. A server that does not answer is v1, and the reason says why.
ApiChoice probe_api(const std::string& host_port, const std::string& authorization,
                    std::chrono::milliseconds limit, const std::atomic<bool>* stop,
                    const engine::TlsContext* tls = nullptr);

}  // namespace stressql::net
