#include "net/server_address.h"

#include "net/url_text.h"

namespace stressql::net {

std::string authorization_header(base::Api api, const Credentials& c) {
  if (api == base::Api::kV2 && !c.token.empty()) return "Authorization: Token " + c.token + "\r\n";
  if (api == base::Api::kV3 && !c.token.empty()) return "Authorization: Bearer " + c.token + "\r\n";
  if (!c.username.empty() || !c.password.empty()) {
    return "Authorization: Basic " + base64(c.username + ":" + c.password) + "\r\n";
  }
  if (!c.token.empty()) return "Authorization: Token " + c.token + "\r\n";
  return "";
}

bool parse_server_url(std::string_view url, ServerAddress* out, std::string* error) {
  const std::string_view prefix = "http://";
  const std::string shown = url_without_userinfo(url);
  if (url.substr(0, prefix.size()) != prefix) {
    *error = "expected http://host:port, got '" + shown + "'";
    return false;
  }
  std::string_view rest = url.substr(prefix.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  const size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const size_t colon = userinfo.find(':');
    out->credentials.username = url_unescape(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) out->credentials.password = url_unescape(userinfo.substr(colon + 1));
    rest = rest.substr(at + 1);
  }
  if (rest.empty() || rest.find('/') != std::string_view::npos) {
    *error = "expected http://host:port, got '" + shown + "'";
    return false;
  }
  out->host_port = std::string(rest);
  return true;
}

}  // namespace stressql::net
