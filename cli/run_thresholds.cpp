#include "cli/run_thresholds.h"

#include <set>
#include <variant>

namespace stressql::cli {

bool parse_run_thresholds(const std::vector<std::string>& texts, const parser::Script& script,
                          bool sharded, std::vector<judge::Threshold>* out, std::ostream& err) {
  std::set<std::string> names;
  for (const parser::Statement& st : script.statements) {
    if (const auto* insert = std::get_if<parser::InsertStmt>(&st.body)) names.insert(insert->name);
    if (const auto* query = std::get_if<parser::QueryStmt>(&st.body)) names.insert(query->name);
  }
  bool ok = true;
  for (const std::string& text : texts) {
    judge::Threshold t;
    base::Status s = judge::parse_threshold(text, /*allow_statement=*/true, &t);
    if (!s.is_ok()) {
      err << "stressql: --threshold: " << s.message()
          << " (form: [STATEMENT.]METRIC OP VALUE, e.g. p99<=200ms or mockCpu.points_per_sec>=480k)\n";
      ok = false;
      continue;
    }
    if (!t.statement.empty() && names.count(t.statement) == 0) {
      std::string known;
      for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
      err << "stressql: --threshold '" << text << "': the script has no INSERT or QUERY named '"
          << t.statement << "'" << (known.empty() ? " (it has none)" : " (it has: " + known + ")")
          << "\n";
      ok = false;
      continue;
    }
    if (sharded && t.metric == stats::Metric::kServerCpuPerMpts) {
      // Known before the run: a threshold that can only fail with nothing to judge.
      err << "stressql: --threshold '" << text << "': server_cpu_per_mpts is not judged per "
          << "shard (the server's CPU went to every shard's points, this shard accepted only "
          << "its own): judge it on an unsharded run\n";
      ok = false;
      continue;
    }
    out->push_back(std::move(t));
  }
  return ok;
}

std::string thresholds_text(const std::vector<judge::ThresholdResult>& results) {
  if (results.empty()) return "";
  return "\nThresholds:\n" + judge::render_threshold_results(results);
}

bool any_failed(const std::vector<judge::ThresholdResult>& results) {
  for (const judge::ThresholdResult& r : results) {
    if (!r.pass) return true;
  }
  return false;
}

}  // namespace stressql::cli
