#pragma once
// `stressql run [flags] script.iql`: runs a script against InfluxDB and prints the report.

#include <CLI/CLI.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "parser/script.h"
#include "reporting/repeat_summary.h"
#include "reporting/threshold.h"
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
  int repeat = 1;                       // --repeat
};

// Adds the `run` subcommand and its flags (one per SET name) to `app`.
CLI::App* add_run_command(CLI::App& app, RunArgs* args);

// Runs it. Exit status: 0 every statement succeeded, 1 any failed (or interrupted),
// 2 usage or parse errors, 3 a --threshold failed and nothing else did.
int run_run(RunArgs& args);

// One run of a parsed script (signal handlers installed): its report printed to stdout, and
// what --json and --repeat need.
struct RunOutcome {
  int rc = 0;  // 0, 1 (a statement failed or the run was interrupted) or 2 (nothing was sent)
  bool interrupted = false;  // Ctrl-C / SIGTERM: no further repeat
  reporting::RepeatRun measured;  // the values --repeat summarises
  std::vector<reporting::ThresholdResult> judged;  // points into the caller's thresholds
  nlohmann::json json;  // the run's JSON report (with --json only)
};
void run_once(RunArgs& args, const parser::Script& script, const std::string& source,
              const std::vector<reporting::Threshold>& thresholds, RunOutcome* out);
// Writes `doc` to `path`; false (said on stderr) when it cannot.
bool write_json(const std::string& path, const nlohmann::json& doc);
// `--repeat N` (cli/run_repeat.cpp): the script N times, each run's report, then the median
// and spread of each statement over the repeats; --json gets every repeat.
int run_repeats(RunArgs& args, const parser::Script& script, const std::string& source,
                const std::vector<reporting::Threshold>& thresholds);

}  // namespace stressql::cli
