#pragma once
// `run --repeat N`: the script N times, then each statement's median and spread.

#include <string>
#include <vector>

#include "cli/run_flags.h"
#include "judge/threshold.h"
#include "parser/script.h"

namespace stressql::cli {

// `--repeat N` (cli/run_repeat.cpp): the script N times, each run's report, then the median
// and spread of each statement over the repeats; --json gets every repeat.
int run_repeats(RunArgs& args, const parser::Script& script, const std::string& source,
                const std::vector<judge::Threshold>& thresholds);

}  // namespace stressql::cli
