#pragma once
// The SET names of InfluxDB 2.x/3.x and gzip (SPEC §6.4): Api, Org, Bucket, Gzip, NoSync,
// AcceptPartial. Their values and parsing live here so settings.cpp only dispatches.

#include <optional>
#include <string>
#include <string_view>

#include "base/api.h"

namespace stressql::parser {

// Which HTTP API writes and queries use. kAuto is resolved per statement from the
// target's `GET /ping` (statements/api_detect.h) before anything is sent.
using Api = base::Api;

// "auto", "v1", "v2" or "v3".
std::string_view api_name(Api api);

// `auto`, `v1`, `v2` or `v3` (any case). False and *error on anything else.
bool parse_api(std::string_view value, Api* out, std::string* error);
// `true` (level 1: the cheapest, chosen by bench/gzip_levels.sh), `false` (0) or a level 1–12.
bool parse_gzip(std::string_view value, int* level, std::string* error);
// `true` or `false` (any case).
bool parse_bool(std::string_view value, std::optional<bool>* out, std::string* error);

}  // namespace stressql::parser
