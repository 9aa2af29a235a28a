#include "cli/run_command.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/thread_guard.h"
#include "cli/check_command.h"
#include "html/page_files.h"
#include "cli/progress.h"
#include "cli/run_thresholds.h"
#include "cli/run_repeat.h"
#include "cli/run_setup.h"
#include "cli/script_hash.h"
#include "cli/signals.h"
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
  if (!parse_run_thresholds(args.thresholds, parsed.script, args.options.shard.sharded(), &thresholds,
                            std::cerr)) return 2;

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
  mark_uploading_results(false);
  bool offline = args.options.dry_run || !args.options.dump_file.empty();
  args.options.script_sha256 = sha256_hex(source);  // shards meet only with the same script
  if (args.options.results_endpoint.host_port.empty() && !resolve_results(args)) {
    // before the controller: its barriers meet there
    out->rc = 2;
    return;
  }
  statements::Controller controller(script, args.options, stop_requested(), std::cerr);
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
    mark_uploading_results();
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
  // A thread that died (base/thread_guard.h) ends a --repeat suite as Ctrl-C does.
  out->interrupted = stop_requested()->load() || base::thread_faulted();
}

}  // namespace stressql::cli
