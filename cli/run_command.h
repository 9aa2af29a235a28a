#pragma once
// `stressql run [flags] script.iql`: runs a script against InfluxDB and prints the report.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/results_flags.h"
#include "cli/token_flags.h"
#include "parser/parser.h"
#include "report/repeat_summary.h"
#include "results/results_writer.h"
#include "judge/threshold.h"
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
// Reads and parses args.script, refusing EXEC under --no-exec. Diagnostics go to stderr;
// false on any error.
bool load_script(const RunArgs& args, std::string* source, parser::ParseResult* parsed);

// SIGINT/SIGTERM for run and find-max: the first signal sets *stop_requested() (the load
// stops, the report still comes); one after mark_uploading_results(), or a second, sets
// *abandon_requested() (posting results rows stops; they stay in their file).
void install_signal_handlers();
const std::atomic<bool>* stop_requested();
const std::atomic<bool>* abandon_requested();
void mark_uploading_results();

// Resolves --results into args.options.results_endpoint (its API asked, its credentials
// read) unless --results none or nothing is sent. On a bad --results or a server whose API
// cannot be used says why on stderr and returns false (a usage error: nothing was sent).
bool resolve_results(RunArgs& args);
// The results writer of `run` and `find-max` into *out (none under --results none), to the
// endpoint resolve_results() made (resolved here if it was not), its rows spooled to
// `spool_file` in the working directory; `warn` hears of trouble while rows are posted.
// False as resolve_results(). Needs install_signal_handlers() first.
bool open_results(const RunArgs& args, const std::string& test_id, const std::string& spool_file,
                  std::function<void(const std::string&)> warn,
                  std::unique_ptr<results::ResultsWriter>* out);

// Runs it. Exit status: 0 every statement succeeded, 1 any failed (or interrupted),
// 2 usage or parse errors, 3 a --threshold failed and nothing else did.
int run_script(RunArgs& args);

// One run of a parsed script (signal handlers installed): its report printed to stdout, and
// what --json and --repeat need.
struct RunOutcome {
  int rc = 0;  // 0, 1 (a statement failed or the run was interrupted) or 2 (nothing was sent)
  bool interrupted = false;  // Ctrl-C / SIGTERM: no further repeat
  report::RepeatRun measured;  // the values --repeat summarises
  std::vector<judge::ThresholdResult> judged;  // points into the caller's thresholds
  nlohmann::json json;  // the run's JSON report (with --json only)
};
void run_once(RunArgs& args, const parser::Script& script, const std::string& source,
              const std::vector<judge::Threshold>& thresholds, RunOutcome* out);
// Writes `doc` to `path`; false (said on stderr) when it cannot, ill-formed UTF-8 in `doc`
// included (report::sanitize_json_text first).
bool write_json(const std::string& path, const nlohmann::json& doc);
// `--repeat N` (cli/run_repeat.cpp): the script N times, each run's report, then the median
// and spread of each statement over the repeats; --json gets every repeat.
int run_repeats(RunArgs& args, const parser::Script& script, const std::string& source,
                const std::vector<judge::Threshold>& thresholds);

}  // namespace stressql::cli
