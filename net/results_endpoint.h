#pragma once
// How stressql speaks to the results server (--results): the `_stressTest` database through
// the API the server speaks, with the credentials it was given. One endpoint for every user:
// the uploader of results rows, shard barriers, `stressql report`, `compare TEST_ID` and
// find-max. Blocking; control thread or the uploader's threads, never a reactor.

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

#include "base/api.h"
#include "base/status.h"
#include "net/http_client.h"
#include "net/server_address.h"

namespace stressql::net {

inline constexpr const char* kResultsDatabase = "_stressTest";

struct ResultsEndpoint {
  std::string host_port;
  base::Api api = base::Api::kV1;
  // How `_stressTest` is made sure of: empty create_target creates nothing (a 2.x bucket
  // must exist already); create_body goes with its Content-Type in create_headers.
  std::string create_target = std::string("/query?q=CREATE%20DATABASE%20") + kResultsDatabase;
  std::string create_body;
  std::string create_headers;
  std::string write_target = std::string("/write?db=") + kResultsDatabase + "&precision=ns";
  // InfluxQL reads: this, then "&q=<escaped>" and any further parameters.
  std::string query_target = std::string("/query?db=") + kResultsDatabase + "&epoch=ns";
  std::string auth;  // an Authorization header line, or empty

  // "http://host:port", for messages and reports (never the credentials).
  std::string shown() const { return "http://" + host_port; }
};

// The endpoint of `server` once its API is known (kAuto is taken as v1). Pure. v2 writes into
// the `_stressTest` bucket of server.org and reads through its 1.x-compatible /query; v3
// writes through /api/v3/write_lp and reads through /api/v3/query_influxql.
ResultsEndpoint results_endpoint(const ServerAddress& server);

// Asks the server its API when server.api is kAuto (GET /ping, net/api_probe.h) and builds
// the endpoint; *api_text says what was chosen and why. Fails (nothing else is sent) when
// a 2.x server has no organisation to write to.
base::Status open_results_endpoint(const ServerAddress& server, std::chrono::milliseconds limit,
                                   const std::atomic<bool>* stop, ResultsEndpoint* out,
                                   std::string* api_text);

// Makes sure `_stressTest` exists: 1.x CREATE DATABASE (idempotent), 3.x its database
// configuration (409: it exists), 2.x nothing. "" when it does, else why not
// ("HTTP 403: …", "timed out …").
std::string ensure_results_database(const ResultsEndpoint& e, std::chrono::milliseconds limit,
                                    const std::atomic<bool>* abort = nullptr);

// Posts line-protocol `rows` into `_stressTest`.
HttpReply write_results(const ResultsEndpoint& e, std::string_view rows,
                        std::chrono::milliseconds limit, const std::atomic<bool>* abort = nullptr);

// Runs InfluxQL `q` over `_stressTest` (times as epoch nanoseconds); `params` are further
// query parameters ("&chunked=true…") or "".
HttpReply query_results(const ResultsEndpoint& e, const std::string& q, const std::string& params,
                        std::chrono::milliseconds limit, const std::atomic<bool>* abort = nullptr);

}  // namespace stressql::net
