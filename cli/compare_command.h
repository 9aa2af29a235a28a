#pragma once
// `stressql compare BASE NEW`: two runs, from their --json reports or by test ID from the
// --results server, statement by statement and metric by metric (SPEC §6.3).

#include <ostream>
#include <string>

#include "cli/results_flags.h"

// Only the .cpp files that define flags include <CLI/CLI.hpp>: it costs seconds per file.
namespace CLI {
class App;
}  // namespace CLI

namespace stressql::cli {

struct CompareArgs {
  std::string base, next;  // a JSON report file, or a test ID
  ResultsArgs results;  // the server and credentials for test IDs
  std::string max_regression = "5%";
  std::string metrics = "points_per_sec,requests_per_sec,p99,error_rate";
  bool markdown = false;
  std::string junit_file;
  std::string json_file;
  std::string html_file;
};

CLI::App* add_compare_command(CLI::App& app, CompareArgs* args);

// Exit status: 0 no significant regression beyond the limit in the deciding metrics, 3 one
// or no deciding metric judged at all,
// 2 bad arguments or a missing or malformed report, 1 a test ID that cannot be read back or
// an output file that cannot be written. With --html, a missing chart library is exit 2
// before either side is read.
int run_compare(const CompareArgs& args, std::ostream& out, std::ostream& err);

}  // namespace stressql::cli
