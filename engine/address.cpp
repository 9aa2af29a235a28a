#include <netdb.h>

#include <cstring>

#include "engine/engine.h"

namespace stressql::engine {

base::Status resolve_address(const std::string& host_port, Address* out) {
  std::string host = host_port;
  std::string port = "8086";
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string::npos) return base::Status::error("address '" + host_port + "': missing ']'");
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') return base::Status::error("address '" + host_port + "': expected ':' after ']'");
      port = host.substr(close + 2);
    }
    host = host.substr(1, close - 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string::npos) {
    if (host.find(':') != colon) return base::Status::error("address '" + host_port + "': write IPv6 as [addr]:port");
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return base::Status::error("address '" + host_port + "': empty host");
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) == 0 || std::stoi(port) > 65535) {
    return base::Status::error("address '" + host_port + "': port must be 1-65535");
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) return base::Status::error("address '" + host_port + "': " + gai_strerror(rc));
  // A name with addresses of both families (as "localhost" has) gets its first IPv4 one:
  // InfluxDB's usual bind addresses (":8086", "127.0.0.1:8086") always take IPv4.
  const addrinfo* pick = res;
  for (const addrinfo* a = res; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) { pick = a; break; }
  }
  std::memcpy(&out->addr, pick->ai_addr, pick->ai_addrlen);
  out->len = static_cast<socklen_t>(pick->ai_addrlen);
  out->text = host_port;
  freeaddrinfo(res);
  return base::Status::ok();
}

}  // namespace stressql::engine
