#include "base/line_protocol.h"

namespace stressql::base {

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

void lp_escape(std::string_view raw, LpPlace place, std::string* out, bool ends_value) {
  // In a string field a backslash is itself escaped, so runs cannot be odd there.
  const bool pair_runs = place != LpPlace::kStringField;
  size_t run = 0;  // backslashes just written
  for (char c : raw) {
    if (c == '\n' || c == '\r') c = ' ';
    if (needs_escape(c, place)) {
      if (pair_runs && run % 2 == 1) out->push_back('\\');
      out->push_back('\\');
    }
    out->push_back(c);
    run = c == '\\' ? run + 1 : 0;
  }
  if (pair_runs && ends_value && run % 2 == 1) out->push_back('\\');
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

}  // namespace stressql::base
