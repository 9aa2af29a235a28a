#pragma once
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace stressql::cli {

// `stressql check FILE`: parses without contacting any server. Prints a summary to `out`
// and returns 0, or prints every error to `err` and returns 2.
// `defines`: --define NAME=VALUE, as given (SPEC §7.2 script variables).
int run_check(const std::string& path, std::ostream& out, std::ostream& err,
              const std::vector<std::string>& defines = {});

// A warning on `err` for each --define that `script` never uses (a misspelt name would
// otherwise change nothing, in silence).
void warn_unused_defines(const std::string& script, std::string_view source,
                         const std::map<std::string, std::string, std::less<>>& defines,
                         std::ostream& err);

// Turns --define NAME=VALUE arguments into *out; on a malformed one says why on `err` and
// returns false.
bool collect_defines(const std::vector<std::string>& args, std::ostream& err,
                     std::map<std::string, std::string, std::less<>>* out);

}  // namespace stressql::cli
