#include "cli/compare_command.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "html/html_output.h"
#include "cli/report_command.h"
#include "judge/compare.h"
#include "judge/compare_output.h"

namespace stressql::cli {
namespace {

bool looks_like_test_id(const std::string& s) {
  if (s.size() != 16) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Reads one side: a file when one of that name exists, else a test ID. 0, or the exit status.
int load(const std::string& what, const std::string& arg, const std::string& results,
         judge::CompareInput* in, std::ostream& err) {
  nlohmann::json doc;
  if (std::filesystem::exists(arg) || !looks_like_test_id(arg)) {
    std::ifstream file(arg, std::ios::binary);
    if (!file) {
      err << "stressql: compare: " << what << " '" << arg
          << "': no such file (expected a --json report or a 16-hex-digit test ID)\n";
      return 2;
    }
    std::stringstream text;
    text << file.rdbuf();
    doc = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
      err << "stressql: compare: " << what << " '" << arg << "': not valid JSON (a truncated or corrupt report?)\n";
      return 2;
    }
  } else if (int rc = report_json(arg, results, &doc, err); rc != 0) {
    return rc;
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
      "interval, and a verdict. Exit status 3 on a significant regression beyond --max-regression");
  c->add_option("BASE", args->base, "the baseline: a --json report, or a test ID read from --results")->required();
  c->add_option("NEW", args->next, "the run to judge: a --json report, or a test ID")->required();
  c->add_option("--results", args->results, "the reporting InfluxDB for test IDs, http://host:port")
      ->capture_default_str();
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
  return c.regression() ? 3 : 0;
}

}  // namespace stressql::cli
