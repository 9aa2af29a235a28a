#pragma once
// `stressql report TEST_ID [--results URL]`: rebuilds a run's text report from the rows it
// stored in _stressTest.

#include <iosfwd>
#include <string>

namespace stressql::cli {

// Prints the report to `out` and returns 0, or a message to `err` and 1 (server/rows
// missing) or 2 (bad arguments).
int run_report(const std::string& test_id, const std::string& results_url, std::ostream& out,
               std::ostream& err);

}  // namespace stressql::cli
