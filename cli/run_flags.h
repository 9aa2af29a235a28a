#pragma once
// The flags of `run` (and those `find-max` shares with it) and what they are turned into.

#include <map>
#include <string>
#include <vector>

#include "cli/results_flags.h"
#include "cli/token_flags.h"
#include "statements/run_options.h"

// Only the .cpp files that define flags include <CLI/CLI.hpp>: it costs seconds per file.
namespace CLI {
class App;
}  // namespace CLI

namespace stressql::cli {

struct RunArgs {
  std::string script;
  std::map<std::string, std::string> set_flags;  // SET name (canonical) → value
  statements::RunOptions options;
  std::string seed_text;
  std::string password_file;
  std::string timeout_text = "10s";
  std::string html_file;  // --html FILE
  std::string shard_text;                   // --shard I/N | auto/N
  std::string barrier_timeout_text = "5m";  // --barrier-timeout
  std::string start_at_text;                // --start-at
  TokenArgs tokens;
  ResultsArgs results;  // the --results server's credentials (its URL: options.results_url)
  std::vector<std::string> thresholds;  // --threshold, as given
  int repeat = 1;                       // --repeat
  std::vector<std::string> defines;     // --define NAME=VALUE (SPEC §7.2 script variables)
};

// Adds the `run` subcommand and its flags (one per SET name) to `app`.
CLI::App* add_run_command(CLI::App& app, RunArgs* args);

// The flags `run` and `find-max` share (one per SET name, credentials, results, TLS, seed,
// reactors, timeout, retries, --no-exec), on `cmd`.
void add_shared_run_flags(CLI::App* cmd, RunArgs* args);
// Turns them into args.options. On bad input prints what was expected and returns false.
bool apply_shared_run_flags(RunArgs& args);
}  // namespace stressql::cli
