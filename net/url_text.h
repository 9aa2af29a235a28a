#pragma once
// Text of URLs and headers: percent-encoding, base64 for Basic auth, and a URL with its
// userinfo taken out (a password in `http://user:pass@host` must never be printed). Pure.

#include <string>
#include <string_view>

namespace stressql::net {

// Percent-encodes for a URL query component (RFC 3986 unreserved characters kept).
std::string url_escape(std::string_view s);
// Decodes %XX (anything else as is; a malformed % stays). For the userinfo of a URL.
std::string url_unescape(std::string_view s);
// Standard base64 with padding.
std::string base64(std::string_view s);

// `url` without its userinfo: "http://bob:secret@h:8086/x" -> "http://h:8086/x". A text that
// is not scheme://… is returned as it is ("none").
std::string url_without_userinfo(std::string_view url);

}  // namespace stressql::net
