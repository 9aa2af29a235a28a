// `run --repeat N`: the script N times, each a fresh run (its own test ID, results rows and
// report), then the median and spread of each statement over the repeats. Every repeat's
// thresholds are judged on that repeat: a suite passes when each repeat does.
#include <iostream>

#include "cli/run_command.h"
#include "cli/run_repeat.h"
#include "cli/run_thresholds.h"
#include "cli/script_hash.h"
#include "report/repeat_summary.h"

namespace stressql::cli {

int run_repeats(RunArgs& args, const parser::Script& script, const std::string& source,
                const std::vector<judge::Threshold>& thresholds) {
  std::vector<RunOutcome> runs;
  int rc = 0;
  bool threshold_failed = false;
  for (int i = 0; i < args.repeat; ++i) {
    std::cout << (i == 0 ? "" : "\n") << "=== Repeat " << i + 1 << " of " << args.repeat << " ===\n";
    std::cout.flush();
    RunOutcome run;
    run_once(args, script, source, thresholds, &run);
    if (run.rc == 2) return 2;
    rc = std::max(rc, run.rc);
    threshold_failed |= any_failed(run.judged);
    const bool interrupted = run.interrupted;
    runs.push_back(std::move(run));
    if (interrupted) break;  // Ctrl-C ends the suite, not only the repeat
  }
  std::vector<report::RepeatRun> summary;
  for (const RunOutcome& r : runs) summary.push_back(r.measured);
  std::cout << report::render_repeat_summary(summary);
  if (runs.size() < static_cast<size_t>(args.repeat)) {
    std::cout << "  (interrupted after " << runs.size() << " of " << args.repeat << " repeats)\n";
  }
  std::cout.flush();
  if (!args.options.json_file.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const RunOutcome& r : runs) list.push_back(r.json);
    const nlohmann::json doc = {{"schema", "stressql-repeats"},
                                {"schema_version", 1},
                                {"repeat", args.repeat},
                                {"completed", runs.size()},
                                {"script_sha256", sha256_hex(source)},
                                {"summary", report::repeat_summary_json(summary)},
                                {"runs", list}};
    if (!write_json(args.options.json_file, doc)) return rc == 0 ? 1 : rc;
  }
  return rc == 0 && threshold_failed ? 3 : rc;
}

}  // namespace stressql::cli
