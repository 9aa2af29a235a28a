#pragma once
// `stressql run [flags] script.iql`: runs a script against InfluxDB and prints the report.
// Its flags are cli/run_flags.h, what it sets up before the load cli/run_setup.h, signals
// cli/signals.h, and --repeat cli/run_repeat.h.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/run_flags.h"
#include "judge/threshold.h"
#include "parser/script.h"
#include "report/repeat_summary.h"

namespace stressql::cli {

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
}  // namespace stressql::cli
