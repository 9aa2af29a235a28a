#include "engine/line_protocol.h"

namespace stressql::engine {

namespace {

bool needs_escape(char c, LpPlace place) {
  switch (place) {
    case LpPlace::kMeasurement: return c == ',' || c == ' ';
    case LpPlace::kKey: return c == ',' || c == '=' || c == ' ';
    case LpPlace::kStringField: return c == '"' || c == '\\';
  }
  return false;
}

}  // namespace

void lp_escape(std::string_view raw, LpPlace place, std::string* out) {
  for (char c : raw) {
    if (needs_escape(c, place)) out->push_back('\\');
    out->push_back(c);
  }
}

std::string lp_unescape(std::string_view text, LpPlace place) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && needs_escape(text[i + 1], place)) ++i;
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace stressql::engine
