#include "statements/http_target.h"

#include <cctype>

namespace stressql::statements {

std::string url_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string base64(std::string_view s) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t v = (uint8_t(s[i]) << 16) | (uint8_t(s[i + 1]) << 8) | uint8_t(s[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == s.size()) {
    uint32_t v = uint8_t(s[i]) << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == s.size()) {
    uint32_t v = (uint8_t(s[i]) << 16) | (uint8_t(s[i + 1]) << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string write_target(const parser::Settings& s) {
  return "/write?db=" + url_escape(s.database) +
         "&precision=" + std::string(parser::precision_name(s.precision));
}

std::string query_target(const parser::Settings& s, std::string_view query) {
  return "/query?db=" + url_escape(s.database) + "&q=" + url_escape(query);
}

std::string request_headers(const parser::Settings& s, bool has_body) {
  std::string h;
  if (!s.username.empty() || !s.password.empty()) {
    h += "Authorization: Basic " + base64(s.username + ":" + s.password) + "\r\n";
  }
  if (has_body) h += "Content-Type: text/plain; charset=utf-8\r\n";
  return h;
}

}  // namespace stressql::statements
