#include "statements/http_target.h"

#include <cctype>

#include "net/server_address.h"

namespace stressql::statements {
namespace {

using parser::Api;
using parser::Precision;

std::string lower_words(std::string_view text, size_t max_words) {
  std::string words;
  size_t n = 0;
  for (size_t i = 0; i < text.size() && n < max_words;) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) break;
    if (!words.empty()) words += ' ';
    for (size_t k = start; k < i; ++k) words += static_cast<char>(std::tolower(static_cast<unsigned char>(text[k])));
    ++n;
  }
  return words;
}

// The database name after "CREATE DATABASE " / "DROP DATABASE " (the third word, double
// quotes removed), or "" when there is none.
std::string third_word_name(std::string_view text) {
  size_t i = 0, words = 0;
  auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  for (; words < 2; ++words) {
    skip_space();
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  }
  skip_space();
  std::string name;
  if (i < text.size() && text[i] == '"') {
    for (++i; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) ++i;
      name += text[i];
    }
    return name;
  }
  while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != ';') {
    name += text[i++];
  }
  return name;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

base::Status check_api_settings(const parser::Settings& s) {
  if (s.api == Api::kV2 && s.org.empty()) {
    return base::Status::error("the v2 API needs an organisation: SET Org [name] (or --org)");
  }
  if ((s.api == Api::kV2 || s.api == Api::kV3) &&
      (s.precision == Precision::kMinutes || s.precision == Precision::kHours)) {
    return base::Status::error("the " + std::string(parser::api_name(s.api)) +
                               " API has no precision '" +
                               std::string(parser::precision_name(s.precision)) +
                               "'; expected SET Precision [ns], [u], [ms] or [s]");
  }
  return base::Status::ok();
}

std::string precision_param(const parser::Settings& s) {
  if (s.api == Api::kV3) {
    switch (s.precision) {
      case Precision::kNanoseconds: return "nanosecond";
      case Precision::kMicroseconds: return "microsecond";
      case Precision::kMilliseconds: return "millisecond";
      default: return "second";
    }
  }
  if (s.api == Api::kV2 && s.precision == Precision::kMicroseconds) return "us";
  return std::string(parser::precision_name(s.precision));
}

std::string write_target(const parser::Settings& s) {
  const std::string precision = "&precision=" + precision_param(s);
  switch (s.api) {
    case Api::kV2:
      return "/api/v2/write?org=" + url_escape(s.org) +
             "&bucket=" + url_escape(s.bucket.empty() ? s.database : s.bucket) + precision;
    case Api::kV3: {
      std::string t = "/api/v3/write_lp?db=" + url_escape(s.database) + precision;
      if (s.no_sync) t += *s.no_sync ? "&no_sync=true" : "&no_sync=false";
      if (s.accept_partial) t += *s.accept_partial ? "&accept_partial=true" : "&accept_partial=false";
      return t;
    }
    case Api::kAuto:
    case Api::kV1:
      break;
  }
  return "/write?db=" + url_escape(s.database) + precision;
}

std::string query_prefix(const parser::Settings& s) {
  switch (s.api) {
    case Api::kV2:
      return "/query?db=" + url_escape(s.bucket.empty() ? s.database : s.bucket) + "&q=";
    case Api::kV3:
      return "/api/v3/query_influxql?db=" + url_escape(s.database) + "&q=";
    case Api::kAuto:
    case Api::kV1:
      break;
  }
  return "/query?db=" + url_escape(s.database) + "&q=";
}

std::string query_target(const parser::Settings& s, std::string_view query) {
  return query_prefix(s) + url_escape(query);
}

std::string request_headers(const parser::Settings& s, const std::string& token, bool has_body) {
  std::string h = net::authorization_header(s.api, {token, s.username, s.password});
  if (has_body) {
    h += "Content-Type: text/plain; charset=utf-8\r\n";
    if (s.gzip_level > 0) h += "Content-Encoding: gzip\r\n";
  }
  return h;
}

PassthroughRequest passthrough_request(const parser::Settings& s, std::string_view text,
                                       bool is_read) {
  PassthroughRequest r;
  if (s.api == Api::kV3) {
    const std::string words = lower_words(text, 2);
    if (words == "create database") {
      r.method = engine::Method::kPost;
      r.target = "/api/v3/configure/database";
      r.body = "{\"db\":" + json_string(third_word_name(text)) + "}";
      r.content_type = "application/json";
      return r;
    }
    if (words == "drop database") {
      r.method = engine::Method::kDelete;
      r.target = "/api/v3/configure/database?db=" + url_escape(third_word_name(text));
      return r;
    }
    // v3 takes every InfluxQL statement it knows through GET query_influxql.
    r.target = query_target(s, text);
    return r;
  }
  r.method = is_read ? engine::Method::kGet : engine::Method::kPost;
  r.target = query_target(s, text);
  return r;
}

}  // namespace stressql::statements
