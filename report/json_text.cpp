#include "report/json_text.h"

#include <string>
#include <utility>
#include <vector>

#include "base/utf8.h"

namespace stressql::report {

void sanitize_json_text(nlohmann::json* doc) {
  if (doc->is_string()) {
    base::utf8_sanitize_in_place(doc->get_ptr<std::string*>());
  } else if (doc->is_array()) {
    for (auto& item : *doc) sanitize_json_text(&item);
  } else if (doc->is_object()) {
    std::vector<std::string> bad_keys;  // a key cannot change in place
    for (auto it = doc->begin(); it != doc->end(); ++it) {
      sanitize_json_text(&it.value());
      if (!base::utf8_valid(it.key())) bad_keys.push_back(it.key());
    }
    for (const std::string& key : bad_keys) {
      nlohmann::json value = std::move((*doc)[key]);
      doc->erase(key);
      (*doc)[base::utf8_sanitized(key)] = std::move(value);
    }
  }
}

}  // namespace stressql::report
