#pragma once
#include <iosfwd>
#include <string>

namespace stressql::cli {

// `stressql check FILE`: parses without contacting any server. Prints a summary to `out`
// and returns 0, or prints every error to `err` and returns 2.
int run_check(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace stressql::cli
