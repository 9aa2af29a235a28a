#include <netdb.h>

#include <cstring>

#include "engine/engine.h"

namespace stressql::engine {

const char* failure_name(Failure f) {
  switch (f) {
    case Failure::kNone: return "ok";
    case Failure::kHttpStatus: return "http";
    case Failure::kQueryError: return "query error";
    case Failure::kTimeout: return "timeout";
    case Failure::kRefused: return "connection refused";
    case Failure::kReset: return "connection reset";
    case Failure::kConnect: return "connect error";
    case Failure::kCancelled: return "cancelled";
    case Failure::kTls: return "tls";
    case Failure::kNotSent: return "not sent";
    case Failure::kOutput: return "output write failed";
  }
  return "unknown";
}

Status resolve_address(const std::string& host_port, Address* out) {
  std::string host = host_port;
  std::string port = "8086";
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string::npos) return Status::error("address '" + host_port + "': missing ']'");
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') return Status::error("address '" + host_port + "': expected ':' after ']'");
      port = host.substr(close + 2);
    }
    host = host.substr(1, close - 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string::npos) {
    if (host.find(':') != colon) return Status::error("address '" + host_port + "': write IPv6 as [addr]:port");
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return Status::error("address '" + host_port + "': empty host");
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) == 0 || std::stoi(port) > 65535) {
    return Status::error("address '" + host_port + "': port must be 1-65535");
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) return Status::error("address '" + host_port + "': " + gai_strerror(rc));
  // Prefer IPv4 for "localhost", like curl and the Go client, when both resolve.
  const addrinfo* pick = res;
  for (const addrinfo* a = res; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) { pick = a; break; }
  }
  std::memcpy(&out->addr, pick->ai_addr, pick->ai_addrlen);
  out->len = static_cast<socklen_t>(pick->ai_addrlen);
  out->text = host_port;
  freeaddrinfo(res);
  return Status::ok();
}

}  // namespace stressql::engine
