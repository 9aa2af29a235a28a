#include "statements/api_detect.h"

#include <chrono>
#include <type_traits>
#include <variant>

#include "net/server_address.h"
#include "statements/http_target.h"
#include "statements/sending_statements.h"

namespace stressql::statements {

using parser::Api;

ApiChoice ApiDetector::probe(const std::string& address, bool ssl) {
  if (offline_) {
    ApiChoice c;
    c.reason = "auto: nothing is sent (--dump/--dry-run), so v1";
    return c;
  }
  if (ssl && tls_ == nullptr) {
    if (base::Status st = engine::TlsContext::create(tls_options_, &tls_); !st) {
      return api_from_ping(address, nullptr, st.message());
    }
  }
  // The token as a 2.x server takes it: a 3.x one may want it even for /ping.
  net::Credentials token;
  token.token = token_;
  const auto limit = std::chrono::milliseconds(timeout_ns_ / 1'000'000);
  return net::probe_api(address, net::authorization_header(Api::kV2, token), limit, stop_,
                        ssl ? tls_.get() : nullptr);
}

const ApiChoice& ApiDetector::ping(const std::string& address, bool ssl) {
  const std::string key = (ssl ? "https://" : "http://") + address;
  auto it = by_address_.find(key);
  if (it == by_address_.end()) it = by_address_.emplace(key, probe(address, ssl)).first;
  return it->second;
}

base::Status ApiDetector::choose(const parser::Settings& s, ApiChoice* out) {
  if (s.api != Api::kAuto) {
    *out = ApiChoice();
    out->api = s.api;
    out->reason = "SET Api";
    return base::Status::ok();
  }
  ApiChoice first;
  for (size_t i = 0; i < s.addresses.size(); ++i) {
    const ApiChoice& c = ping(s.addresses[i], s.ssl);
    if (i == 0) {
      first = c;
    } else if (c.api != first.api) {
      return base::Status::error(
          "SET Api [auto]: the addresses speak different APIs (" + s.addresses[0] + ": " +
          std::string(parser::api_name(first.api)) + ", " + s.addresses[i] + ": " +
          std::string(parser::api_name(c.api)) + "); one statement speaks one: SET Api");
    }
  }
  *out = first;
  return base::Status::ok();
}

base::Status choose_apis(const parser::Script& script, const parser::Settings& initial,
                         ApiDetector* detector, std::vector<ApiChoice>* out) {
  out->assign(script.statements.size(), ApiChoice());
  return for_each_sending_statement(
      script, initial, [&](size_t i, const parser::Statement& st, const parser::Settings& s) {
        ApiChoice& c = (*out)[i];
        base::Status status = detector->choose(s, &c);
        if (status) {
          parser::Settings resolved = s;
          resolved.api = c.api;
          status = check_api_settings(resolved);
        }
        if (!status) return base::Status::error("line " + std::to_string(st.pos.line) + ": " + status.message());
        return base::Status::ok();
      });
}

}  // namespace stressql::statements
