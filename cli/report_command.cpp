#include "cli/report_command.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "html/page_files.h"
#include "net/http_client.h"
#include "report/json_report.h"
#include "report/text_report.h"
#include "results/report_rebuild.h"
#include "statements/version.h"

namespace stressql::cli {
namespace {

// Rebuilds the report of `test_id` from the results server. Returns 0, or with a message to
// `err` 1 (the server or the rows are missing).
int rebuild(const std::string& test_id, const net::ResultsEndpoint& results, bool by_shard,
            results::RebuiltReport* out, std::string* host_port, std::ostream& err) {
  *host_port = results.host_port;
  if (base::Status st = results::rebuild_report(results::RowReader(results), test_id, by_shard, out); !st) {
    err << "stressql: " << st.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int run_report(const std::string& test_id, const net::ResultsEndpoint& results,
               const std::string& json_file, std::ostream& out, std::ostream& err, bool by_shard,
               const std::string& html_file) {
  html::ChartLibrary chart_library;  // read first: a missing one is a usage error
  if (!load_html_library(html_file, &chart_library, err)) return 2;
  results::RebuiltReport rebuilt;
  std::string host_port;
  if (int rc = rebuild(test_id, results, by_shard, &rebuilt, &host_port, err); rc != 0) return rc;
  const std::vector<stats::StatementReport>& reports = rebuilt.statements;
  const stats::RunSummary& summary = rebuilt.summary;
  out << report::render_report(reports, summary) << rebuilt.by_shard_text;
  if (json_file.empty() && html_file.empty()) return 0;
  nlohmann::json options = {{"rebuilt_from", host_port}};
  if (rebuilt.shards > 1) options["shards"] = rebuilt.shards;
  const nlohmann::json doc = report::json_report(reports, summary, options, stressql::version());
  if (!json_file.empty()) {
    std::ofstream json(json_file, std::ios::trunc);
    json << doc.dump(2) << "\n";
    if (!json) {
      err << "stressql: cannot write " << json_file << "\n";
      return 1;
    }
  }
  if (!html_file.empty() && !write_run_html(html_file, doc, chart_library, err)) return 1;
  return 0;
}

int report_json(const std::string& test_id, const net::ResultsEndpoint& results, nlohmann::json* out,
                std::ostream& err) {
  results::RebuiltReport rebuilt;
  std::string host_port;
  if (int rc = rebuild(test_id, results, false, &rebuilt, &host_port, err); rc != 0) return rc;
  const std::vector<stats::StatementReport>& reports = rebuilt.statements;
  const stats::RunSummary& summary = rebuilt.summary;
  nlohmann::json options = {{"rebuilt_from", host_port}};
  if (rebuilt.shards > 1) options["shards"] = rebuilt.shards;
  *out = report::json_report(reports, summary, options, stressql::version());
  return 0;
}

}  // namespace stressql::cli
