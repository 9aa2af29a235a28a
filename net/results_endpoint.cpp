#include "net/results_endpoint.h"

#include "net/api_probe.h"
#include "net/url_text.h"

namespace stressql::net {

using base::Api;

ResultsEndpoint results_endpoint(const ServerAddress& server) {
  ResultsEndpoint e;
  e.host_port = server.host_port;
  e.api = server.api == Api::kAuto ? Api::kV1 : server.api;
  e.auth = authorization_header(e.api, server.credentials);
  const std::string db = kResultsDatabase;
  switch (e.api) {
    case Api::kV2:
      e.create_target.clear();
      e.write_target = "/api/v2/write?org=" + url_escape(server.org) + "&bucket=" + db + "&precision=ns";
      break;
    case Api::kV3:
      e.create_target = "/api/v3/configure/database";
      e.create_body = "{\"db\":\"" + db + "\"}";
      e.create_headers = "Content-Type: application/json\r\n";
      e.write_target = "/api/v3/write_lp?db=" + db + "&precision=nanosecond";
      e.query_target = "/api/v3/query_influxql?db=" + db + "&epoch=ns";
      break;
    case Api::kAuto:
    case Api::kV1:
      break;
  }
  return e;
}

base::Status open_results_endpoint(const ServerAddress& server, std::chrono::milliseconds limit,
                                   const std::atomic<bool>* stop, ResultsEndpoint* out,
                                   std::string* api_text) {
  ServerAddress resolved = server;
  if (server.api == Api::kAuto) {
    // The probe carries what a v1 server would take: a 3.x server may want the token even
    // for /ping.
    const ApiChoice choice = probe_api(server.host_port, authorization_header(Api::kV1, server.credentials),
                                       limit, stop);
    resolved.api = choice.api;
    *api_text = choice.reason;
  } else {
    *api_text = "--results API given";
  }
  if (resolved.api == Api::kV2 && resolved.org.empty()) {
    return base::Status::error("--results " + server.shown() +
                               " is InfluxDB 2.x: its rows need an organisation (--org)");
  }
  *out = results_endpoint(resolved);
  return base::Status::ok();
}

std::string ensure_results_database(const ResultsEndpoint& e, std::chrono::milliseconds limit,
                                    const std::atomic<bool>* abort) {
  if (e.create_target.empty()) return "";
  HttpReply r = http_request(e.host_port, "POST", e.create_target, e.create_body,
                             e.auth + e.create_headers, limit, abort);
  // CREATE DATABASE is idempotent; 3.x answers 409 when the database exists.
  if ((r.status >= 200 && r.status < 300) || r.status == 409) return "";
  return reply_error_text(r);
}

HttpReply write_results(const ResultsEndpoint& e, std::string_view rows,
                        std::chrono::milliseconds limit, const std::atomic<bool>* abort) {
  return http_request(e.host_port, "POST", e.write_target, rows,
                      e.auth + "Content-Type: text/plain; charset=utf-8\r\n", limit, abort);
}

HttpReply query_results(const ResultsEndpoint& e, const std::string& q, const std::string& params,
                        std::chrono::milliseconds limit, const std::atomic<bool>* abort) {
  return http_request(e.host_port, "GET", e.query_target + "&q=" + url_escape(q) + params, "", e.auth,
                      limit, abort);
}

}  // namespace stressql::net
