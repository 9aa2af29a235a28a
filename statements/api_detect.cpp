#include "statements/api_detect.h"

#include <chrono>
#include <type_traits>
#include <variant>

#include "net/http_client.h"
#include "statements/http_target.h"

namespace stressql::statements {

using parser::Api;

ApiChoice api_from_ping(const std::string& address, const std::string* version,
                        const std::string& error) {
  ApiChoice c;
  c.api = Api::kV1;
  if (!error.empty()) {
    c.reason = "auto: no answer from " + address + " to GET /ping (" + error + "), so v1";
    return c;
  }
  if (version == nullptr) {
    c.reason = "auto: " + address + " answered GET /ping without X-Influxdb-Version, so v1";
    return c;
  }
  // 1.x sends "1.8.10", 2.x "v2.7.4" (OSS) or "2.7.4", 3.x "3.0.1".
  size_t i = 0;
  while (i < version->size() && ((*version)[i] == 'v' || (*version)[i] == 'V' || (*version)[i] == ' ')) ++i;
  const char major = i < version->size() ? (*version)[i] : '\0';
  const bool one_digit = i + 1 >= version->size() || (*version)[i + 1] == '.';
  const std::string said = address + " answered GET /ping with X-Influxdb-Version " + *version;
  if (one_digit && major == '2') {
    c.api = Api::kV2;
  } else if (one_digit && major == '3') {
    c.api = Api::kV3;
  } else if (!(one_digit && major == '1')) {
    c.reason = "auto: " + said + ", not 1.x, 2.x or 3.x, so v1";
    return c;
  }
  c.reason = "auto: " + said;
  return c;
}

ApiChoice ApiDetector::probe(const std::string& address, bool ssl) {
  if (offline_) {
    return {Api::kV1, "auto: nothing is sent (--dump/--dry-run), so v1"};
  }
  if (ssl && tls_ == nullptr) {
    if (base::Status st = engine::TlsContext::create(tls_options_, &tls_); !st) {
      return api_from_ping(address, nullptr, st.message());
    }
  }
  std::string headers;
  if (!token_.empty()) headers = "Authorization: Token " + token_ + "\r\n";
  const auto limit = std::chrono::milliseconds(timeout_ns_ / 1'000'000);
  net::HttpReply reply =
      net::http_request(address, "GET", "/ping", "", headers, limit, stop_, ssl ? tls_.get() : nullptr);
  return api_from_ping(address, reply.status == 0 ? nullptr : reply.header("X-Influxdb-Version"),
                       reply.status == 0 ? reply.error : "");
}

base::Status ApiDetector::choose(const parser::Settings& s, ApiChoice* out) {
  if (s.api != Api::kAuto) {
    *out = {s.api, "SET Api"};
    return base::Status::ok();
  }
  ApiChoice first;
  for (size_t i = 0; i < s.addresses.size(); ++i) {
    const std::string key = (s.ssl ? "https://" : "http://") + s.addresses[i];
    auto it = by_address_.find(key);
    if (it == by_address_.end()) it = by_address_.emplace(key, probe(s.addresses[i], s.ssl)).first;
    if (i == 0) {
      first = it->second;
    } else if (it->second.api != first.api) {
      return base::Status::error(
          "SET Api [auto]: the addresses speak different APIs (" + s.addresses[0] + ": " +
          std::string(parser::api_name(first.api)) + ", " + s.addresses[i] + ": " +
          std::string(parser::api_name(it->second.api)) + "); one statement speaks one: SET Api");
    }
  }
  *out = first;
  return base::Status::ok();
}

base::Status choose_apis(const parser::Script& script, const parser::Settings& initial,
                         ApiDetector* detector, std::vector<ApiChoice>* out) {
  out->assign(script.statements.size(), ApiChoice());
  parser::Settings s = initial;
  for (size_t i = 0; i < script.statements.size(); ++i) {
    const parser::Statement& st = script.statements[i];
    if (const auto* set = std::get_if<parser::SetStmt>(&st.body)) {
      std::string error;
      parser::apply_setting(set->name, set->value, &s, &error);  // validated by the parser
      continue;
    }
    const bool sends = std::holds_alternative<parser::InsertStmt>(st.body) ||
                       std::holds_alternative<parser::QueryStmt>(st.body) ||
                       std::holds_alternative<parser::InfluxQLStmt>(st.body);
    if (!sends) continue;
    ApiChoice& c = (*out)[i];
    base::Status status = detector->choose(s, &c);
    if (status) {
      parser::Settings resolved = s;
      resolved.api = c.api;
      status = check_api_settings(resolved);
    }
    if (!status) return base::Status::error("line " + std::to_string(st.pos.line) + ": " + status.message());
  }
  return base::Status::ok();
}

base::Status results_endpoint(const std::string& host_port, const std::string& org,
                              const std::string& token, int64_t timeout_ns,
                              const std::atomic<bool>* stop, results::ResultsEndpoint* out,
                              std::string* api_text) {
  ApiDetector detector(token, timeout_ns, false, stop);
  parser::Settings s;
  s.addresses = {host_port};
  ApiChoice choice;
  if (base::Status st = detector.choose(s, &choice); !st) return st;
  *api_text = choice.reason;
  const std::string db = results::kResultsDatabase;
  *out = results::ResultsEndpoint();
  switch (choice.api) {
    case Api::kV2:
      if (org.empty()) {
        return base::Status::error("--results " + host_port +
                                   " is InfluxDB 2.x: its rows need an organisation (--org)");
      }
      out->create_target.clear();
      out->write_target = "/api/v2/write?org=" + url_escape(org) + "&bucket=" + db + "&precision=ns";
      if (!token.empty()) out->auth = "Authorization: Token " + token + "\r\n";
      break;
    case Api::kV3:
      out->create_target = "/api/v3/configure/database";
      out->create_body = "{\"db\":\"" + db + "\"}";
      out->create_headers = "Content-Type: application/json\r\n";
      out->write_target = "/api/v3/write_lp?db=" + db + "&precision=nanosecond";
      if (!token.empty()) out->auth = "Authorization: Bearer " + token + "\r\n";
      break;
    case Api::kAuto:
    case Api::kV1:
      if (!token.empty()) out->auth = "Authorization: Token " + token + "\r\n";
      break;
  }
  return base::Status::ok();
}

}  // namespace stressql::statements
