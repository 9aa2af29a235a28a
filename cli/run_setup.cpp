#include "cli/run_setup.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/check_command.h"
#include "cli/signals.h"
#include "generator/replay_files.h"
#include "parser/variables.h"

namespace stressql::cli {

bool load_script(const RunArgs& args, std::string* source, parser::ParseResult* parsed) {
  std::ifstream in(args.script, std::ios::binary);
  if (!in) {
    std::cerr << "stressql: cannot read " << args.script << "\n";
    return false;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  *source = buf.str();
  parser::Defines defines;
  if (!collect_defines(args.defines, std::cerr, &defines)) return false;
  *parsed = parser::parse_script_with_defines(args.script, *source, defines);
  warn_unused_defines(args.script, *source, defines, std::cerr);
  if (parsed->ok()) generator::check_replay_files(parsed->script, &parsed->errors);
  for (const auto& d : parsed->errors) std::cerr << parser::format_diagnostic(args.script, *source, d);
  if (!parsed->ok()) return false;
  if (args.options.no_exec) {
    bool refused = false;
    for (const auto& st : parsed->script.statements) {
      if (std::holds_alternative<parser::ExecStmt>(st.body)) {
        std::cerr << parser::format_diagnostic(
            args.script, *source, {st.pos, "EXEC is refused by --no-exec; nothing was run"});
        refused = true;
      }
    }
    if (refused) return false;
  }
  return true;
}

bool resolve_results(RunArgs& args) {
  statements::RunOptions& o = args.options;
  o.results_endpoint = net::ResultsEndpoint();
  o.results_endpoint.host_port.clear();
  if (o.results_url == "none" || o.dry_run || !o.dump_file.empty()) return true;
  // A 2.x/3.x reporting server takes rows through its own API (detected like a target's).
  return open_results_server(o.results_url, args.results, o.settings.org, o.request_timeout_ns,
                             stop_requested(), std::cerr, &o.results_endpoint);
}

bool open_results(const RunArgs& args, const std::string& test_id, const std::string& spool_file,
                  std::function<void(const std::string&)> warn,
                  std::unique_ptr<results::ResultsWriter>* out) {
  out->reset();
  if (args.options.results_url == "none") return true;
  net::ResultsEndpoint endpoint = args.options.results_endpoint;
  if (endpoint.host_port.empty() &&
      !open_results_server(args.options.results_url, args.results, args.options.settings.org,
                           args.options.request_timeout_ns, stop_requested(), std::cerr, &endpoint)) {
    return false;
  }
  const std::string host_port = endpoint.host_port;
  *out = std::make_unique<results::ResultsWriter>(
      host_port, test_id, (std::filesystem::current_path() / spool_file).string(),
      args.options.results_upload == "live" ? results::ResultsUpload::kLive : results::ResultsUpload::kAfterRun,
      std::move(warn), abandon_requested(), std::move(endpoint));
  return true;
}

}  // namespace stressql::cli
