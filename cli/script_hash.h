#pragma once
// The content hash of a script, in the JSON report (`options.script_sha256`), so that
// `stressql compare` can tell whether two runs ran the same script.

#include <string>
#include <string_view>

namespace stressql::cli {

// SHA-256 of `text` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view text);

}  // namespace stressql::cli
