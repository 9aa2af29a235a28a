#include "cli/run_flags.h"

#include <CLI/CLI.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/check_command.h"
#include "html/page_files.h"
#include "cli/progress.h"
#include "cli/run_thresholds.h"
#include "cli/script_hash.h"
#include "cli/shard_flags.h"
#include "generator/replay_files.h"
#include "parser/parser.h"
#include "parser/time_text.h"
#include "net/url_text.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "results/results_writer.h"
#include "report/text_report.h"
#include "judge/threshold_json.h"
#include "stats/metric.h"
#include "statements/barrier.h"
#include "parser/variables.h"
#include "statements/controller.h"
#include "statements/version.h"

namespace stressql::cli {

CLI::App* add_run_command(CLI::App& app, RunArgs* args) {
  CLI::App* run = app.add_subcommand("run", "Run a script against InfluxDB and print the report");
  run->add_option("SCRIPT", args->script, "the .iql script")->required();
  add_shared_run_flags(run, args);
  run->add_option("--dump", args->options.dump_file,
                  "write the request bodies to FILE instead of sending them (no server needed)");
  run->add_flag("--dry-run", args->options.dry_run,
                "generate every point and discard it; reports the tool's own points/s");
  run->add_option("--json", args->options.json_file,
                  "also write the report as JSON (schema: report/report.schema.json)");
  run->add_option("--html", args->html_file,
                  "also write the report as one self-contained HTML page of charts (opens "
                  "offline; needs Debian's libjs-dygraphs)");
  run->add_flag("--progress", args->options.progress,
                "print progress lines on stderr even when it is not a terminal");
  run->add_option("--threshold", args->thresholds,
                  "[STATEMENT.]METRIC OP VALUE, repeatable (p99<=200ms, points_per_sec>=480k, "
                  "error_rate<1%): judged at the end, exit status 3 when one fails")
      ->allow_extra_args(false);
  run->add_option("--repeat", args->repeat,
                  "run the whole script N times (a fresh test ID each); the report ends with "
                  "each statement's median and spread over the repeats")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  add_shard_flags(run, args);
  return run;
}

void add_shared_run_flags(CLI::App* run, RunArgs* args) {
  for (const parser::SettingInfo& info : parser::all_settings()) {
    if (info.name == parser::SetName::kSeed) continue;  // --seed below, a plain integer
    std::string help = std::string(info.help) + " (SET " + std::string(info.canonical) + ")";
    run->add_option("--" + std::string(info.flag), args->set_flags[std::string(info.canonical)], help);
  }
  run->add_option("--define", args->defines,
                  "NAME=VALUE for ${NAME} in the script (repeatable; SPEC 7.2 script variables)");
  run->add_option("--password-file", args->password_file,
                  "read the password from FILE (all of it, less one line end) instead of the command line");
  add_token_flags(run, &args->tokens);
  add_results_credential_flags(run, &args->results);
  run->add_option("--results", args->options.results_url,
                  "where results rows go: http://host:port of an InfluxDB, or none")
      ->capture_default_str();
  run->add_option("--results-upload", args->options.results_upload,
                  "when results rows are posted: after the run (they wait in a local file, so "
                  "the reporting server takes no CPU from the load) or live (a dashboard can "
                  "follow the run)")
      ->capture_default_str()
      ->check(CLI::IsMember({"after", "live"}));
  run->add_option("--seed", args->seed_text, "seed for random values (same seed, same bytes)");
  run->add_option("--reactors", args->options.reactors,
                  "reactor threads, each pinned to a core (0: one per online CPU)")
      ->capture_default_str();
  run->add_flag("--send-zc", args->options.send_zc,
                "zero-copy sends (for large requests to a remote server; over loopback the "
                "kernel copies anyway and plain sends take over; the report says which ran)");
  run->add_flag("--no-exec", args->options.no_exec, "refuse scripts that contain EXEC");
  run->add_option("--timeout", args->timeout_text, "time limit of one request attempt")
      ->capture_default_str();
  run->add_option("--ca-file", args->options.tls.ca_file,
                  "HTTPS: also trust the CA certificates in FILE (PEM), besides the system store");
  run->add_option("--cert", args->options.tls.cert_file,
                  "HTTPS: client certificate chain (PEM) for mutual TLS; needs --key");
  run->add_option("--key", args->options.tls.key_file, "HTTPS: private key (PEM) of --cert");
  run->add_option("--server-name", args->options.tls.server_name,
                  "HTTPS: name sent as SNI and checked against the certificate (default: the host)");
  run->add_flag("--insecure", args->options.tls.insecure,
                "HTTPS: do NOT verify certificates or names (said in the report)");
  run->add_option("--server-pid", args->options.server_pid,
                  "a server process on this machine: its CPU, RSS and disk bytes from /proc/PID, "
                  "read once a second beside SET ServerMetrics' sources")
      ->check(CLI::Range(1, 1 << 30));
  run->add_option("--server-metric", args->options.server_metric_names,
                  "also record this numeric metric of every metrics source by its own name "
                  "(Prometheus: summed over its labels; /debug/vars: section.field, e.g. "
                  "shard.writePointsOk); repeatable")
      ->allow_extra_args(false);
  run->add_option("--max-attempts", args->options.max_attempts,
                  "attempts per request for retryable failures (429, 500, 503, transport)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
}

bool apply_shared_run_flags(RunArgs& args) {
  // Flags set the starting values of the SET parameters, validated exactly like a SET.
  parser::Settings& settings = args.options.settings;
  // The password can stay off the command line (where `ps` shows it): a file, or the
  // STRESSQL_PASSWORD environment variable. --password wins, then the file, then the variable.
  if (!args.password_file.empty() && args.set_flags["Password"].empty()) {
    std::string pw;
    if (!read_secret_file("--password-file", args.password_file, std::cerr, &pw)) return false;
    args.set_flags["Password"] = pw;
  }
  if (const char* pw = std::getenv("STRESSQL_PASSWORD"); pw && args.set_flags["Password"].empty()) {
    args.set_flags["Password"] = pw;
  }
  if (!read_tokens(args.tokens, std::cerr, &args.options.token)) return false;
  for (const parser::SettingInfo& info : parser::all_settings()) {
    const std::string& value = args.set_flags[std::string(info.canonical)];
    if (value.empty()) continue;
    std::string error;
    if (!parser::apply_setting(info.name, value, &settings, &error)) {
      std::cerr << "stressql: --" << info.flag << ": " << error << "\n";
      return false;
    }
  }
  if (!args.seed_text.empty()) {
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(args.seed_text.c_str(), &end, 10);
    if (errno != 0 || *end != '\0' || args.seed_text[0] == '-') {
      std::cerr << "stressql: --seed: expected a non-negative integer, got '" << args.seed_text << "'\n";
      return false;
    }
    args.options.seed = v;
  }
  if (!parser::parse_duration(args.timeout_text, &args.options.request_timeout_ns) ||
      args.options.request_timeout_ns <= 0) {
    std::cerr << "stressql: --timeout: expected a duration like 10s or 500ms, got '"
              << args.timeout_text << "'\n";
    return false;
  }

  const engine::TlsOptions& tls = args.options.tls;
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    std::cerr << "stressql: --cert and --key go together (mutual TLS needs both)\n";
    return false;
  }
  if (tls.insecure) {
    std::cerr << "stressql: WARNING: --insecure: HTTPS certificates and host names are NOT verified;"
                 " anyone on the path can read and change the traffic\n";
  }
  return true;
}

}  // namespace stressql::cli
