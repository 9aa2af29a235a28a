#include "net/api_probe.h"

#include "net/http_client.h"

namespace stressql::net {

using base::Api;

ApiChoice api_from_ping(const std::string& address, const std::string* version,
                        const std::string& error) {
  ApiChoice c;
  c.api = Api::kV1;
  if (!error.empty()) {
    c.reason = "auto: no answer from " + address + " to GET /ping (" + error + "), so v1";
    return c;
  }
  c.answered = true;
  if (version != nullptr) c.version = *version;
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

ApiChoice probe_api(const std::string& host_port, const std::string& authorization,
                    std::chrono::milliseconds limit, const std::atomic<bool>* stop,
                    const engine::TlsContext* tls) {
  HttpReply reply = http_request(host_port, "GET", "/ping", "", authorization, limit, stop, tls);
  return api_from_ping(host_port, reply.status == 0 ? nullptr : reply.header("X-Influxdb-Version"),
                       reply.status == 0 ? reply.error : "");
}

}  // namespace stressql::net
