#pragma once
// The URLs and headers stressql sends to InfluxDB: 1.x (SPEC §4), and the 2.x and 3.x APIs
// (SPEC §6.4). Every function takes settings whose Api is resolved (not kAuto; kAuto is
// treated as v1).

#include <string>
#include <string_view>

#include "base/status.h"
#include "engine/engine.h"
#include "net/url_text.h"
#include "parser/settings.h"

namespace stressql::statements {

// Percent-encoding and base64 live with the other URL text in net/.
using net::base64;
using net::url_escape;

// Why the settings cannot talk to their API (v2 without Org, a Precision the API has no
// name for); ok otherwise. Checked before anything is sent.
base::Status check_api_settings(const parser::Settings& s);

// The `precision=` value for the settings' API: v1 `s`, v2 `s`/`us`, v3 `second`, …
std::string precision_param(const parser::Settings& s);

// v1 "/write?db=<db>&precision=<p>"; v2 "/api/v2/write?org=&bucket=&precision=";
// v3 "/api/v3/write_lp?db=&precision=[&no_sync=][&accept_partial=]".
std::string write_target(const parser::Settings& s);
// v1 and v2 "/query?db=<db>&q=<escaped query>" (v2: its 1.x-compatible endpoint, db = the
// Bucket); v3 "/api/v3/query_influxql?db=<db>&q=".
std::string query_target(const parser::Settings& s, std::string_view query);
// The part of query_target() before the escaped query text.
std::string query_prefix(const parser::Settings& s);

// Header lines (each ending "\r\n"): the credentials for the API (v1: Basic auth when a
// username or password is set, else `Token` when a token is; v2: `Token`; v3: `Bearer`),
// `Content-Type` for bodies, `Content-Encoding: gzip` for bodies when Gzip is on.
std::string request_headers(const parser::Settings& s, const std::string& token, bool has_body);

// One InfluxQL passthrough block as an HTTP request. v3 maps CREATE DATABASE and DROP
// DATABASE to its database configuration endpoint; everything else is a query.
struct PassthroughRequest {
  engine::Method method = engine::Method::kGet;
  std::string target;
  std::string body;          // JSON for v3's CREATE DATABASE; else empty
  std::string content_type;  // header value for `body`
};
PassthroughRequest passthrough_request(const parser::Settings& s, std::string_view text,
                                       bool is_read);

}  // namespace stressql::statements
