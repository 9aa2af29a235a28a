#pragma once
// JSON documents that hold foreign text (a server's error answer, a script's names) made
// safe to dump: nlohmann's dump() throws on ill-formed UTF-8, and one stray byte must not
// cost the report.

#include <nlohmann/json.hpp>

namespace stressql::report {

// Replaces, in place, every ill-formed UTF-8 part of every string and object key in *doc
// with U+FFFD (base::utf8_sanitize). Afterwards doc->dump() cannot throw for its text.
void sanitize_json_text(nlohmann::json* doc);

}  // namespace stressql::report
