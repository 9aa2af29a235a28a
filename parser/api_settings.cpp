#include "parser/api_settings.h"

#include "parser/text.h"

namespace stressql::parser {

std::string_view api_name(Api api) {
  switch (api) {
    case Api::kAuto:
      return "auto";
    case Api::kV1:
      return "v1";
    case Api::kV2:
      return "v2";
    case Api::kV3:
      return "v3";
  }
  return "auto";
}

bool parse_api(std::string_view value, Api* out, std::string* error) {
  for (Api a : {Api::kAuto, Api::kV1, Api::kV2, Api::kV3}) {
    if (iequals(value, api_name(a))) {
      *out = a;
      return true;
    }
  }
  *error = "expected auto, v1, v2 or v3, found " + quoted(value);
  return false;
}

bool parse_gzip(std::string_view value, int* level, std::string* error) {
  // Level 1, by measurement (bench/gzip_levels.sh, docs/servers-and-apis.md): on line
  // protocol with fresh values, levels 3 and 6 cost 1.5-2.5x level 1's CPU for 5-10 % more ratio.
  constexpr int kDefaultLevel = 1;
  uint64_t v = 0;
  if (iequals(value, "true")) {
    *level = kDefaultLevel;
  } else if (iequals(value, "false")) {
    *level = 0;
  } else if (parse_uint(value, 12, &v) && v >= 1) {
    *level = static_cast<int>(v);
  } else {
    *error = "expected true, false or a compression level 1-12, found " + quoted(value);
    return false;
  }
  return true;
}

bool parse_bool(std::string_view value, std::optional<bool>* out, std::string* error) {
  if (iequals(value, "true") || iequals(value, "false")) {
    *out = iequals(value, "true");
    return true;
  }
  *error = "expected true or false, found " + quoted(value);
  return false;
}

}  // namespace stressql::parser
