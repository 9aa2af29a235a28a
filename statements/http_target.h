#pragma once
// The URLs and headers stressql sends to InfluxDB (SPEC §4).

#include <string>
#include <string_view>

#include "parser/settings.h"

namespace stressql::statements {

// Percent-encodes for a URL query component (RFC 3986 unreserved characters kept).
std::string url_escape(std::string_view s);
std::string base64(std::string_view s);

// "/write?db=<db>&precision=<p>".
std::string write_target(const parser::Settings& s);
// "/query?db=<db>&q=<escaped query>".
std::string query_target(const parser::Settings& s, std::string_view query);

// Header lines (each ending "\r\n"): Basic auth when a username is set, plus
// `Content-Type` for bodies.
std::string request_headers(const parser::Settings& s, bool has_body);

}  // namespace stressql::statements
