#pragma once
// What `run` and `find-max` need before the load starts: the script read and parsed, and the
// results server opened (its API asked, its credentials read) with its writer.

#include <functional>
#include <memory>
#include <string>

#include "cli/run_flags.h"
#include "parser/parser.h"
#include "results/results_writer.h"

namespace stressql::cli {

// Reads and parses args.script, refusing EXEC under --no-exec. Diagnostics go to stderr;
// false on any error.
bool load_script(const RunArgs& args, std::string* source, parser::ParseResult* parsed);

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

}  // namespace stressql::cli
