#include "cli/run_command.h"

#include <CLI/CLI.hpp>
#include <signal.h>
#include <unistd.h>

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
namespace {

std::atomic<bool> g_stop{false};       // stop the run; the report still comes
std::atomic<bool> g_uploading{false};  // results rows are being posted after the run
std::atomic<bool> g_abandon{false};    // stop posting them too: they stay in the file

void on_signal(int) {
  // The first signal stops the load; one while rows are posted, or a second, stops posting.
  if (g_stop.exchange(true) || g_uploading.load()) g_abandon.store(true);
}

// The run's options for the JSON report. Credentials are left out on purpose.
nlohmann::json options_json(const RunArgs& args) {
  const statements::RunOptions& o = args.options;
  const parser::Settings& s = o.settings;
  nlohmann::json addresses = s.addresses;
  nlohmann::json j = {
      {"script", args.script},
      {"reactors", o.reactors},
      {"send_zc", o.send_zc},
      {"results", net::url_without_userinfo(o.results_url)},
      {"results_upload", o.results_upload},
      {"dump", o.dump_file},
      {"dry_run", o.dry_run},
      {"no_exec", o.no_exec},
      {"timeout_ns", o.request_timeout_ns},
      {"max_attempts", o.max_attempts},
      {"initial_settings",
       {{"addresses", addresses},
        {"ssl", s.ssl},
        {"database", s.database},
        {"precision", std::string(parser::precision_name(s.precision))},
        {"start_date", s.start_date.now ? std::string("now") : report::rfc3339(s.start_date.unix_ns)},
        {"batch_size", s.batch_size},
        {"write_interval_ns", s.write_interval_ns},
        {"query_interval_ns", s.query_interval_ns},
        {"write_concurrency", s.write_concurrency},
        {"query_concurrency", s.query_concurrency}}}};
  j["tls"] = {{"ca_file", o.tls.ca_file},
              {"cert", o.tls.cert_file},
              {"key", o.tls.key_file},
              {"server_name", o.tls.server_name},
              {"insecure", o.tls.insecure}};
  if (o.seed) j["seed"] = *o.seed;
  if (o.shard.sharded()) j["shard"] = o.shard.text();
  return j;
}

}  // namespace

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

const std::atomic<bool>* stop_requested() { return &g_stop; }
const std::atomic<bool>* abandon_requested() { return &g_abandon; }
void mark_uploading_results() { g_uploading.store(true); }

bool resolve_results(RunArgs& args) {
  statements::RunOptions& o = args.options;
  o.results_endpoint = net::ResultsEndpoint();
  o.results_endpoint.host_port.clear();
  if (o.results_url == "none" || o.dry_run || !o.dump_file.empty()) return true;
  // A 2.x/3.x reporting server takes rows through its own API (detected like a target's).
  return open_results_server(o.results_url, args.results, o.settings.org, o.request_timeout_ns,
                             &g_stop, std::cerr, &o.results_endpoint);
}

bool open_results(const RunArgs& args, const std::string& test_id, const std::string& spool_file,
                  std::function<void(const std::string&)> warn,
                  std::unique_ptr<results::ResultsWriter>* out) {
  out->reset();
  if (args.options.results_url == "none") return true;
  net::ResultsEndpoint endpoint = args.options.results_endpoint;
  if (endpoint.host_port.empty() &&
      !open_results_server(args.options.results_url, args.results, args.options.settings.org,
                           args.options.request_timeout_ns, &g_stop, std::cerr, &endpoint)) {
    return false;
  }
  const std::string host_port = endpoint.host_port;
  *out = std::make_unique<results::ResultsWriter>(
      host_port, test_id, (std::filesystem::current_path() / spool_file).string(),
      args.options.results_upload == "live" ? results::ResultsUpload::kLive : results::ResultsUpload::kAfterRun,
      std::move(warn), &g_abandon, std::move(endpoint));
  return true;
}

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
                  "read the password from FILE (first line) instead of the command line");
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
    std::ifstream pf(args.password_file);
    std::string pw;
    if (!pf || !std::getline(pf, pw)) {
      std::cerr << "stressql: --password-file: cannot read " << args.password_file << "\n";
      return false;
    }
    if (!pw.empty() && pw.back() == '\r') pw.pop_back();
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

int run_script(RunArgs& args) {
  if (!apply_shared_run_flags(args)) return 2;
  if (int rc = check_shard_flags(args); rc != 0) return rc;
  if (args.repeat > 1 && (args.options.shard.sharded() || !args.options.test_id.empty() || !args.html_file.empty())) {
    std::cerr << "stressql: --repeat gives every repeat a fresh test ID and its own report: it "
                 "does not go with --shard, --test-id or --html (use --json for every repeat)\n";
    return 2;
  }
  std::string source;
  parser::ParseResult parsed;
  if (!load_script(args, &source, &parsed)) return 2;
  std::vector<judge::Threshold> thresholds;
  if (!parse_run_thresholds(args.thresholds, parsed.script, &thresholds, std::cerr)) return 2;

  html::ChartLibrary chart_library;  // read now: a missing one must not waste a run
  if (!load_html_library(args.html_file, &chart_library, std::cerr)) return 2;

  install_signal_handlers();
  if (!args.options.test_id.empty() && !args.options.shard.sharded()) {
    // A test ID names one run: refuse one that already has rows (before any load). Shards
    // ask at their start barrier, within --barrier-timeout.
    args.options.script_sha256 = sha256_hex(source);
    if (!resolve_results(args)) return 2;
    const net::ResultsEndpoint& e = args.options.results_endpoint;
    if (!e.host_port.empty()) {
      if (base::Status st = statements::refuse_used_test_id(e, args.options.test_id, std::chrono::seconds(10)); !st) {
        std::cerr << "stressql: " << st.message() << "\n";
        return 2;
      }
    }
  }
  if (args.repeat > 1) return run_repeats(args, parsed.script, source, thresholds);
  RunOutcome once;
  run_once(args, parsed.script, source, thresholds, &once);
  if (once.rc == 2) return 2;
  // Each output on its own: one that cannot be written does not cost the other.
  report::sanitize_json_text(&once.json);  // fields added after report::json_report, too
  bool written = args.options.json_file.empty() || write_json(args.options.json_file, once.json);
  if (!args.html_file.empty()) {
    try {
      written &= write_run_html(args.html_file, once.json, chart_library, std::cerr);
    } catch (const std::exception& e) {
      std::cerr << "stressql: --html: cannot write " << args.html_file << ": " << e.what() << "\n";
      written = false;
    }
  }
  if (!written) return once.rc == 0 ? 1 : once.rc;
  return once.rc == 0 && any_failed(once.judged) ? 3 : once.rc;
}

bool write_json(const std::string& path, const nlohmann::json& doc) {
  std::ofstream json(path, std::ios::trunc);
  try {
    json << doc.dump(2) << "\n";
  } catch (const std::exception& e) {
    std::cerr << "stressql: cannot write " << path << ": " << e.what() << "\n";
    return false;
  }
  if (!json) std::cerr << "stressql: cannot write " << path << "\n";
  return static_cast<bool>(json);
}

void run_once(RunArgs& args, const parser::Script& script, const std::string& source,
              const std::vector<judge::Threshold>& thresholds, RunOutcome* out) {
  g_uploading.store(false);
  bool offline = args.options.dry_run || !args.options.dump_file.empty();
  args.options.script_sha256 = sha256_hex(source);  // shards meet only with the same script
  if (args.options.results_endpoint.host_port.empty() && !resolve_results(args)) {
    // before the controller: its barriers meet there
    out->rc = 2;
    return;
  }
  statements::Controller controller(script, args.options, &g_stop, std::cerr);
  // Progress owns stderr while it redraws: warnings go through it so none is painted over.
  // Declared before the results writer, whose sender thread may still warn while it ends.
  const bool terminal = isatty(STDERR_FILENO) == 1;
  const bool show_progress = terminal || args.options.progress;
  Progress progress(std::cerr, terminal, args.options.progress);
  auto warn = [&progress](const std::string& line) { progress.message(line); };
  controller.set_warner(warn);
  std::unique_ptr<results::ResultsWriter> results;
  if (!offline) {
    const std::string spool = spool_name(controller.test_id(), args.options.shard);
    if (!open_results(args, controller.test_id(), spool, warn, &results)) {
      out->rc = 2;
      return;
    }
  }
  if (results) {
    if (args.options.shard.sharded()) results->set_shard(args.options.shard.index);
    controller.set_observer([&results](const stats::StatementReport& st, const engine::Sample& s) {
      results->add_sample(st, s);
    });
  }
  controller.set_ticker([&](const std::vector<stats::StatementReport>& reports,
                            const std::vector<statements::Task*>& running) {
    if (show_progress) progress.tick(running);
    if (results) {
      for (const auto& r : reports) results->add_intervals(r);  // seconds closed since
      results->tick();  // live rows at least every second
    }
  });
  out->rc = controller.run();
  progress.finish();
  if (out->rc == 2) return;
  stats::RunSummary& summary = controller.summary();
  summary.tls_insecure = args.options.tls.insecure;
  const double cpu_per_mpts =
      stats::run_cpu_per_mpts(controller.reports(), summary.cpu_user_s + summary.cpu_system_s);
  out->judged = judge::evaluate_thresholds(thresholds, controller.reports(), cpu_per_mpts);
  if (results) {
    for (const auto& r : controller.reports()) results->add_intervals(r);
    for (size_t i = 0; i < controller.reports().size(); ++i) {
      results->add_statement(controller.reports()[i], i, summary.start_unix_ns);
    }
    results->add_thresholds(out->judged, summary.start_unix_ns);
    results->add_run(summary, controller.reports().size());
    g_uploading.store(true);
    summary.results_note = results->finish([&progress](uint64_t posted, uint64_t total) {
      progress.upload(posted, total);
    });
    progress.finish();
  } else {
    summary.results_note = offline ? "none (nothing was sent)" : "none (--results none)";
  }
  std::cout << report::render_report(controller.reports(), summary) << thresholds_text(out->judged);
  if (args.options.by_address) std::cout << stats::by_address_text(controller.reports());
  std::cout.flush();
  // Only when asked for: a day-long run's intervals make megabytes of JSON.
  if (!args.options.json_file.empty() || !args.html_file.empty()) {
    out->json = report::json_report(controller.reports(), summary, options_json(args), version());
    for (size_t i = 0; i < controller.reports().size(); ++i) {
      const auto& by_address = controller.reports()[i].by_address;
      if (!by_address.empty()) out->json["statements"][i]["by_address"] = stats::by_address_json(by_address);
    }
    out->json["options"]["script_sha256"] = sha256_hex(source);  // compare: the same script?
    if (!out->judged.empty()) out->json["thresholds"] = judge::threshold_results_json(out->judged);
  }
  out->measured = report::measure_repeat(summary.test_id, controller.reports(), cpu_per_mpts);
  out->interrupted = g_stop.load();
}

}  // namespace stressql::cli
