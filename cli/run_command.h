#pragma once
// `stressql run [flags] script.iql`: runs a script against InfluxDB and prints the report.

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "statements/run_options.h"

namespace stressql::cli {

struct RunArgs {
  std::string script;
  std::map<std::string, std::string> set_flags;  // SET name (canonical) → value
  statements::RunOptions options;
  std::string seed_text;
  std::string password_file;
  std::string timeout_text = "10s";
  std::vector<std::string> thresholds;  // --threshold, as given
};

// Adds the `run` subcommand and its flags (one per SET name) to `app`.
CLI::App* add_run_command(CLI::App& app, RunArgs* args);

// Runs it. Exit status: 0 every statement succeeded, 1 any failed (or interrupted),
// 2 usage or parse errors, 3 a --threshold failed and nothing else did.
int run_run(RunArgs& args);

}  // namespace stressql::cli
