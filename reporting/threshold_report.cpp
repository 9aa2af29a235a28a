#include "reporting/threshold_report.h"

#include <cstdio>

#include "reporting/results_rows.h"

namespace stressql::reporting {

nlohmann::json threshold_results_json(const std::vector<ThresholdResult>& results) {
  nlohmann::json list = nlohmann::json::array();
  for (const ThresholdResult& r : results) {
    const Threshold& t = *r.threshold;
    list.push_back({{"threshold", t.text},
                    {"statement", r.statement},
                    {"metric", metric_name(t.metric)},
                    {"op", op_text(t.op)},
                    {"value", t.value},
                    {"measured", r.measured ? nlohmann::json(*r.measured) : nlohmann::json(nullptr)},
                    {"pass", r.pass}});
  }
  return list;
}

void add_threshold_rows(const std::string& test_id, const std::vector<ThresholdResult>& results,
                        int64_t run_start_ns, std::string* out) {
  char number[40];
  for (size_t i = 0; i < results.size(); ++i) {
    const ThresholdResult& r = results[i];
    const Threshold& t = *r.threshold;
    *out += "threshold,test_id=" + escape_tag(test_id) + ",statement_name=" + escape_tag(r.statement) +
            ",threshold=" + escape_tag(t.text) + " metric=\"" + metric_name(t.metric) + "\",op=\"" +
            escape_field_string(op_text(t.op)) + "\"";
    std::snprintf(number, sizeof number, "%.17g", t.value);
    *out += std::string(",value=") + number;
    if (r.measured) {
      std::snprintf(number, sizeof number, "%.17g", *r.measured);
      *out += std::string(",measured=") + number;
    }
    *out += r.pass ? ",pass=true " : ",pass=false ";
    *out += std::to_string(run_start_ns + static_cast<int64_t>(i)) + "\n";
  }
}

double run_cpu_per_mpts(const std::vector<StatementReport>& statements, double cpu_seconds) {
  const RunTotals t = run_totals(statements);
  return t.points_accepted > 0 ? cpu_seconds * 1e6 / double(t.points_accepted) : 0.0;
}

}  // namespace stressql::reporting
