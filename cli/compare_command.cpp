#include "cli/compare_command.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "html/page_files.h"
#include "cli/report_command.h"
#include "cli/shard_flags.h"
#include "judge/compare.h"
#include "judge/compare_output.h"

namespace stressql::cli {
namespace {

// Any ID that `run --test-id` accepts, but a name of a .json file: a missing report says so.
bool looks_like_test_id(const std::string& s) {
  return valid_test_id(s) && !(s.size() >= 5 && s.compare(s.size() - 5, 5, ".json") == 0);
}

// Reads one side: a file when one of that name exists, else a test ID. 0, or the exit status.
int load(const std::string& what, const std::string& arg, const ResultsArgs& results,
         judge::CompareInput* in, std::ostream& err) {
  nlohmann::json doc;
  if (std::filesystem::exists(arg) || !looks_like_test_id(arg)) {
    std::ifstream file(arg, std::ios::binary);
    if (!file) {
      err << "stressql: compare: " << what << " '" << arg
          << "': no such file (expected a --json report or a test ID: letters, digits, '.', '_' or '-')\n";
      return 2;
    }
    std::stringstream text;
    text << file.rdbuf();
    doc = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
      err << "stressql: compare: " << what << " '" << arg << "': not valid JSON (a truncated or corrupt report?)\n";
      return 2;
    }
  } else {
    net::ResultsEndpoint endpoint;
    if (!open_results_server(results.url, results, "", 30'000'000'000, nullptr, err, &endpoint)) return 2;
    if (int rc = report_json(arg, endpoint, &doc, err); rc != 0) return rc;
  }
  base::Status s = judge::read_compare_input(doc, arg, in);
  if (!s.is_ok()) {
    err << "stressql: compare: " << what << " " << s.message() << "\n";
    return 2;
  }
  return 0;
}

bool write_file(const std::string& path, const std::string& text, std::ostream& err) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  f.close();
  if (!f) {
    err << "stressql: compare: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

CLI::App* add_compare_command(CLI::App& app, CompareArgs* args) {
  CLI::App* c = app.add_subcommand(
      "compare",
      "Compare two runs statement by statement: base, new, change with its 95% confidence "
      "interval (new as a ratio of base), and a verdict. Exit status 3 on a significant regression beyond "
      "--max-regression, or when no deciding metric could be judged");
  c->add_option("BASE", args->base, "the baseline: a --json report, or a test ID read from --results")->required();
  c->add_option("NEW", args->next, "the run to judge: a --json report, or a test ID")->required();
  add_results_url_flag(c, &args->results, "the reporting InfluxDB for test IDs, http://host:port");
  add_results_credential_flags(c, &args->results);
  c->add_option("--max-regression", args->max_regression,
                "a significant regression larger than this fails (exit status 3)")
      ->capture_default_str();
  c->add_option("--metrics", args->metrics,
                "comma-separated metrics that decide; the others are shown only")
      ->capture_default_str();
  c->add_flag("--markdown", args->markdown, "print a Markdown table (for a CI job summary) instead of text");
  c->add_option("--junit", args->junit_file, "also write JUnit XML: one test case per statement and metric");
  c->add_option("--json", args->json_file, "also write the comparison as JSON");
  c->add_option("--html", args->html_file,
                "also write the comparison as one HTML page: per statement base vs new with intervals");
  return c;
}

int run_compare(const CompareArgs& args, std::ostream& out, std::ostream& err) {
  judge::CompareOptions options;
  if (base::Status s = judge::parse_percent(args.max_regression, &options.max_regression_percent); !s) {
    err << "stressql: compare: --max-regression: " << s.message() << "\n";
    return 2;
  }
  if (base::Status s = judge::parse_metric_list(args.metrics, &options.deciding); !s) {
    err << "stressql: compare: --metrics: " << s.message() << "\n";
    return 2;
  }
  html::ChartLibrary library;
  if (!load_html_library(args.html_file, &library, err)) return 2;
  judge::CompareInput base, next;
  if (int rc = load("BASE", args.base, args.results, &base, err); rc != 0) return rc;
  if (int rc = load("NEW", args.next, args.results, &next, err); rc != 0) return rc;
  const judge::Comparison c = judge::compare_runs(base, next, options);
  for (const std::string& w : c.warnings) err << "stressql: compare: warning: " << w << "\n";
  out << (args.markdown ? judge::render_compare_markdown(c, options) : judge::render_compare_text(c, options));
  out.flush();
  if (!args.junit_file.empty() && !write_file(args.junit_file, judge::render_compare_junit(c, options), err)) {
    return 1;
  }
  const nlohmann::json doc = judge::compare_json(c, options);
  if (!args.json_file.empty() && !write_file(args.json_file, doc.dump(2) + "\n", err)) return 1;
  if (!args.html_file.empty() && !write_compare_html(args.html_file, doc, library, err)) return 1;
  // A comparison that judged nothing has not passed (the output says why).
  return c.regression() || !c.judged() ? 3 : 0;
}

}  // namespace stressql::cli
