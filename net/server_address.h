#pragma once
// One way to name a server stressql speaks to besides the load's targets: the results server
// (--results) and, later, metrics sources. Where it is, which API it speaks, and who we are
// there; and the one builder of the `Authorization` header, which the load's targets use too
// (statements/http_target.cpp). Pure: nothing here sends a byte.

#include <string>
#include <string_view>

#include "base/api.h"

namespace stressql::net {

// Who we are at a server. Never printed, never stored in results rows or the JSON report.
struct Credentials {
  std::string token;     // 2.x/3.x API token (1.x: sent as `Token` when there is no user)
  std::string username;  // 1.x: Basic auth with `password`
  std::string password;
  bool empty() const { return token.empty() && username.empty() && password.empty(); }
};

// The header line ("Authorization: …\r\n") the API wants for `c`, or "" for no credentials:
// v2 `Token <token>`, v3 `Bearer <token>` (when there is a token); otherwise Basic when a
// username or password is set, else `Token <token>` when a token is. kAuto is treated as v1.
std::string authorization_header(base::Api api, const Credentials& c);

struct ServerAddress {
  std::string host_port;          // "host:port" or "[v6]:port"
  base::Api api = base::Api::kAuto;
  Credentials credentials;
  std::string org;                // 2.x: the organisation of the `_stressTest` bucket

  // "http://host:port": what messages, reports and rows say. Never the userinfo.
  std::string shown() const { return "http://" + host_port; }
  std::string authorization() const { return authorization_header(api, credentials); }
};

// Parses "http://[user[:password]@]host:port[/]" into out->host_port, and the userinfo
// (percent-decoded) into out->credentials' username and password. False and *error
// (which never repeats the password) for anything else; https is not spoken here.
bool parse_server_url(std::string_view url, ServerAddress* out, std::string* error);

}  // namespace stressql::net
