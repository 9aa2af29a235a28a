#pragma once
// `stressql find-max SCRIPT --slo EXPR ...` (SPEC §6.2): the highest constant rate of one
// INSERT that meets every SLO. Flags and output here; the search in statements/.

#include <string>
#include <vector>

#include "cli/run_flags.h"
#include "cli/run_setup.h"
#include "cli/signals.h"

// Only the .cpp files that define flags include <CLI/CLI.hpp>: it costs seconds per file.
namespace CLI {
class App;
}  // namespace CLI

namespace stressql::cli {

struct FindMaxArgs {
  RunArgs run;  // the flags shared with `run` (SET flags, results, TLS, …) and the script
  std::vector<std::string> slos;
  std::string statement;  // empty: the script's first INSERT
  std::string step = "10s";
  std::string warmup = "2s";
  std::string start = "1k pts/s";
  std::string max;  // empty: 1024 × start (ten doublings)
  std::string resolution = "5%";
  int max_steps = 40;  // statements::kDefaultMaxSteps
  std::string json_file;
  std::string html_file;  // the page renders find_max_json(), as run's --html its JSON report
};

// Adds the `find-max` subcommand and its flags to `app`.
CLI::App* add_find_max_command(CLI::App& app, FindMaxArgs* args);

// Runs it. Exit status: 0 a rate was found (and confirmed), 1 none (even the first step
// failed, the setup failed, the server is dead, or Ctrl-C), 2 usage errors — checked before
// anything is sent.
int run_find_max(FindMaxArgs& args);

}  // namespace stressql::cli
