#include "cli/find_max_command.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "base/random.h"
#include "cli/find_max_output.h"
#include "html/page_files.h"
#include "parser/time_text.h"
#include "net/url_text.h"
#include "results/results_writer.h"
#include "statements/find_max.h"

namespace stressql::cli {
namespace {

bool usage(const std::string& message) {
  std::cerr << "stressql: find-max: " << message << "\n";
  return false;
}

// A constant rate in pts/s or req/s, > 0.
bool parse_search_rate(const std::string& flag, const std::string& text, parser::Rate* out) {
  std::string error;
  if (!parser::parse_rate(text, /*writes=*/true, out, &error)) {
    return usage(flag + ": " + error);
  }
  if (!out->open_loop() || out->ramp_ns != 0 || out->to <= 0 ||
      out->unit == parser::Rate::Unit::kMegabytes) {
    return usage(flag + ": expected a constant rate above 0 in pts/s or req/s, like 1k pts/s, got '" +
                 text + "'");
  }
  return true;
}

// Everything find-max reads from its own flags, checked before anything is sent.
bool build_options(const FindMaxArgs& args, const parser::Script& script,
                   statements::FindMaxOptions* fm) {
  if (args.slos.empty()) return usage("--slo: at least one SLO is needed, like --slo 'p99<=200ms'");
  for (const std::string& text : args.slos) {
    judge::Threshold t;
    if (base::Status st = judge::parse_threshold(text, /*allow_statement=*/false, &t); !st) {
      return usage("--slo: " + st.message());
    }
    fm->slos.push_back(t);
  }
  std::vector<std::string> inserts;
  bool found = false;
  for (size_t i = 0; i < script.statements.size() && !found; ++i) {
    const auto* insert = std::get_if<parser::InsertStmt>(&script.statements[i].body);
    if (insert == nullptr) continue;
    inserts.push_back(insert->name);
    if (args.statement.empty() || args.statement == insert->name) {
      fm->statement = i;
      found = true;
    }
  }
  if (!found && inserts.empty()) {
    return usage(args.run.script + " has no INSERT: find-max searches the rate of an INSERT");
  }
  if (!found) {
    std::string names;
    for (const auto& n : inserts) names += (names.empty() ? "" : ", ") + n;
    return usage("--statement: no INSERT named '" + args.statement + "' (the script's INSERTs: " + names + ")");
  }
  if (std::get<parser::InsertStmt>(script.statements[fm->statement].body).replay()) {
    // A step sizes its INSERT's points to the step's duration; a file has the points it has.
    return usage("INSERT " + inserts.back() + " replays a file: find-max searches the rate of a templated INSERT");
  }
  parser::Rate start, max;
  if (!parse_search_rate("--start", args.start, &start)) return false;
  fm->unit = start.unit;
  fm->search.start = start.to;
  fm->search.max = start.to * 1024;
  if (!args.max.empty()) {
    if (!parse_search_rate("--max", args.max, &max)) return false;
    if (max.unit != start.unit) return usage("--max: give it in the unit of --start (" + args.start + ")");
    if (max.to < start.to) return usage("--max: " + args.max + " is below --start " + args.start);
    fm->search.max = max.to;
  }
  const std::string& res = args.resolution;
  char* end = nullptr;
  const double percent = std::strtod(res.c_str(), &end);
  if (res.empty() || end == res.c_str() || std::string(end) != "%" || !(percent > 0 && percent < 100)) {
    return usage("--resolution: expected a percentage between 0% and 100%, like 5%, got '" + res + "'");
  }
  if (percent < 100 * statements::kMinResolution) {
    return usage("--resolution: " + res + " is finer than a step can measure: at least 1% (rates closer "
                 "than that differ by a step's noise, and every halving adds a step)");
  }
  fm->search.resolution = percent / 100;
  if (args.max_steps < 1 || args.max_steps > 1000) {
    return usage("--max-steps: expected a whole number from 1 to 1000, got " + std::to_string(args.max_steps));
  }
  fm->search.max_steps = args.max_steps;
  if (!parser::parse_duration(args.step, &fm->step_ns) || fm->step_ns < 1'000'000'000) {
    return usage("--step: expected a duration of at least 1s, like 10s, got '" + args.step + "'");
  }
  if (!parser::parse_duration(args.warmup, &fm->warmup_ns) || fm->warmup_ns < 0) {
    return usage("--warmup: expected a duration, like 2s or 0s, got '" + args.warmup + "'");
  }
  return true;
}

std::string hex16(uint64_t v) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(v));
  return text;
}

}  // namespace

CLI::App* add_find_max_command(CLI::App& app, FindMaxArgs* args) {
  CLI::App* cmd = app.add_subcommand(
      "find-max", "Find the highest constant rate of an INSERT that meets every --slo (capacity search)");
  cmd->add_option("SCRIPT", args->run.script, "the .iql script")->required();
  cmd->add_option("--slo", args->slos,
                  "a service-level objective every passing step meets, e.g. 'p99<=200ms' or "
                  "'error_rate<=1%' (repeatable; metrics as for run --threshold)");
  cmd->add_option("--statement", args->statement, "the INSERT whose rate is searched (default: the first)");
  cmd->add_option("--step", args->step, "time a step is counted, at one constant rate")->capture_default_str();
  cmd->add_option("--warmup", args->warmup, "time before it in every step, run and not counted")
      ->capture_default_str();
  cmd->add_option("--start", args->start, "the first step's rate, in pts/s or req/s")->capture_default_str();
  cmd->add_option("--max", args->max, "the highest rate tried (default: 1024 × --start)");
  cmd->add_option("--resolution", args->resolution,
                  "bisect until the last passing and the first failing rate are this close")
      ->capture_default_str();
  cmd->add_option("--max-steps", args->max_steps,
                  "end the search after this many steps, answered or not (it says so)")
      ->capture_default_str();
  cmd->add_option("--json", args->json_file, "also write every step (with its intervals) as JSON");
  cmd->add_option("--html", args->html_file,
                  "also write the search as one self-contained HTML page: p50, p99 and error rate by "
                  "target rate, the SLOs and the knee (opens offline; needs Debian's libjs-dygraphs)");
  // Retries would hide an overloaded server and add load of their own: one attempt unless asked.
  args->run.options.max_attempts = 1;
  add_shared_run_flags(cmd, &args->run);
  return cmd;
}

int run_find_max(FindMaxArgs& args) {
  if (!apply_shared_run_flags(args.run)) return 2;
  std::string source;
  parser::ParseResult parsed;
  if (!load_script(args.run, &source, &parsed)) return 2;
  statements::FindMaxOptions fm;
  if (!build_options(args, parsed.script, &fm)) return 2;
  html::ChartLibrary chart_library;  // read now: a missing one must not waste a search
  if (!load_html_library(args.html_file, &chart_library, std::cerr)) return 2;
  fm.test_id = hex16(base::random_seed());
  const statements::RunOptions& options = args.run.options;

  install_signal_handlers();

  auto warn = [](const std::string& line) { std::cerr << line << "\n"; };
  // Rows go where `run` sends them: the reporting server's API detected, its token used.
  std::unique_ptr<results::ResultsWriter> results;
  if (!open_results(args.run, fm.test_id, "stressql-results-" + fm.test_id + ".lp", warn, &results)) return 2;
  const auto& insert = std::get<parser::InsertStmt>(parsed.script.statements[fm.statement].body);
  std::string slo_text;
  for (const auto& t : fm.slos) slo_text += (slo_text.empty() ? "" : ", ") + t.text;
  std::cout << "find-max: INSERT " << insert.name << ", SLO " << slo_text << "; steps of " << args.step
            << " after " << args.warmup << " of warm-up, from " << statements::rate_with_unit(fm.search.start, fm.unit)
            << " up to " << statements::rate_with_unit(fm.search.max, fm.unit) << ", resolution " << args.resolution
            << "\nTest ID: " << fm.test_id << "\n\n"
            << step_header() << std::flush;

  statements::FindMax search(parsed.script, options, fm, stop_requested(), results.get(), std::cerr);
  search.set_warner(warn);
  search.set_step_observer([&](const statements::StepResult& step) {
    std::cout << step_line(step, fm.unit) << std::flush;
  });
  int rc = search.run();
  std::cout << "\n" << verdict(search, fm);
  if (results) {
    mark_uploading_results();
    std::cout << "Results: " << results->finish() << "\n";
  }
  std::cout.flush();
  if (args.json_file.empty() && args.html_file.empty()) return rc;
  // Also after Ctrl-C: the document holds the steps so far.
  nlohmann::json settings = {{"script", args.run.script},
                             {"statement", insert.name},
                             {"results", net::url_without_userinfo(options.results_url)},
                             {"reactors", options.reactors},
                             {"max_attempts", options.max_attempts},
                             {"timeout_ns", options.request_timeout_ns}};
  const nlohmann::json doc = find_max_json(search, fm, settings);
  if (!args.json_file.empty()) {
    std::ofstream json(args.json_file, std::ios::trunc);
    json << doc.dump(2) << "\n";
    if (!json) {
      std::cerr << "stressql: cannot write " << args.json_file << "\n";
      return 1;
    }
  }
  if (!args.html_file.empty() && !write_find_max_html(args.html_file, doc, chart_library, std::cerr)) return 1;
  return rc;
}

}  // namespace stressql::cli
