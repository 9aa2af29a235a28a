// The command line: every subcommand and its flags, parsed, then run.
#include "cli/command_line.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "base/thread_guard.h"
#include "cli/check_command.h"
#include "cli/find_max_command.h"
#include "cli/compare_command.h"
#include "cli/report_command.h"
#include "cli/results_flags.h"
#include "cli/secret_argv.h"
#include "engine/descriptor_limit.h"
#include "cli/run_command.h"
#include "statements/version.h"

namespace stressql::cli {

int run_command_line(int argc, char** argv) {
  CLI::App app{
      "stressql: a load generator for InfluxDB 1.x that runs stress v2 (.iql) scripts on "
      "io_uring.\nExit status: 0 success, 1 a statement failed or the run was interrupted, "
      "2 usage or script errors, or an internal error, 3 a --threshold failed or compare found a regression."};
  app.set_version_flag("--version", std::string("stressql ") + stressql::version());
  app.require_subcommand(1);

  std::string check_file;
  CLI::App* check = app.add_subcommand("check", "Parse a script and print a summary; contacts no server");
  check->add_option("FILE", check_file, "script to check")->required();
  std::vector<std::string> check_defines;
  check->add_option("--define", check_defines,
                    "NAME=VALUE for ${NAME} in the script (repeatable; SPEC 7.2 script variables)");

  stressql::cli::RunArgs run_args;
  CLI::App* run = stressql::cli::add_run_command(app, &run_args);
  stressql::cli::FindMaxArgs find_max_args;
  CLI::App* find_max = stressql::cli::add_find_max_command(app, &find_max_args);

  std::string report_id, report_json, report_html;
  stressql::cli::ResultsArgs report_results;
  CLI::App* report = app.add_subcommand(
      "report", "Rebuild the text report of an earlier run from its rows in _stressTest");
  report->add_option("TEST_ID", report_id, "the Test ID printed at the end of the run")->required();
  stressql::cli::add_results_url_flag(report, &report_results, "the reporting InfluxDB, http://host:port");
  stressql::cli::add_results_credential_flags(report, &report_results);
  bool report_by_shard = false;
  report->add_flag("--by-shard", report_by_shard,
                   "a sharded test (run --shard): also one line per shard for every INSERT and QUERY");
  report->add_option("--json", report_json,
                     "also write the rebuilt report as JSON (schema: report/report.schema.json; "
                     "host and options are this machine's and this command's)");
  report->add_option("--html", report_html,
                     "also write the rebuilt report as one self-contained HTML page of charts");

  stressql::cli::CompareArgs compare_args;
  CLI::App* compare = stressql::cli::add_compare_command(app, &compare_args);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);  // prints help, version, or the usage error
    return rc == 0 ? 0 : 2;
  }
  stressql::cli::hide_secrets_in_argv(argc, argv);  // `ps` shows *** from here on
  // Every connection is a descriptor: the only limit that binds is then the hard one, and
  // a script that needs more is told so before it sends anything.
  stressql::engine::raise_descriptor_limit();

  // Whatever goes wrong ends with a message and exit 2, never an abort: what was written
  // stays, and so does the results spool (a ResultsWriter posts or keeps its rows as it
  // is destroyed on the way out).
  try {
    int rc = 2;
    if (*check) {
      rc = stressql::cli::run_check(check_file, std::cout, std::cerr, check_defines);
    } else if (*run) {
      rc = stressql::cli::run_script(run_args);
    } else if (*find_max) {
      rc = stressql::cli::run_find_max(find_max_args);
    } else if (*compare) {
      rc = stressql::cli::run_compare(compare_args, std::cout, std::cerr);
    } else if (*report) {
      stressql::net::ResultsEndpoint results;
      if (!stressql::cli::open_results_server(report_results.url, report_results, "", 30'000'000'000,
                                              nullptr, std::cerr, &results)) {
        return 2;
      }
      rc = stressql::cli::run_report(report_id, results, report_json, std::cout, std::cerr,
                                     report_by_shard, report_html);
    }
    // A thread that died of an exception stopped the run, which wrote its report and
    // outputs all the same: the exit status says it was an internal error.
    if (stressql::base::thread_faulted()) {
      const stressql::base::ThreadFault f = stressql::base::first_thread_fault();
      std::cout.flush();
      std::cerr << "stressql: stopped by an internal error: " << f.text();
      if (f.count > 1) std::cerr << " (and " << f.count - 1 << " more)";
      std::cerr << "\n";
      return 2;
    }
    return rc;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "stressql: stopped by an internal error: " << e.what() << "\n";
    return 2;
  } catch (...) {
    std::cout.flush();
    std::cerr << "stressql: stopped by an internal error of unknown kind\n";
    return 2;
  }
}

}  // namespace stressql::cli
