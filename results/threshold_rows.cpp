#include "results/threshold_rows.h"

#include <cstdio>

#include "results/results_rows.h"

namespace stressql::results {

void add_threshold_rows(const std::string& test_id, const std::vector<judge::ThresholdResult>& results,
                        int64_t run_start_ns, std::string* out) {
  char number[40];
  for (size_t i = 0; i < results.size(); ++i) {
    const judge::ThresholdResult& r = results[i];
    const judge::Threshold& t = *r.threshold;
    *out += "threshold,test_id=" + escape_tag(test_id) + ",statement_name=" + escape_tag(r.statement) +
            ",threshold=" + escape_tag(t.text) + " metric=\"" + stats::metric_name(t.metric) + "\",op=\"" +
            escape_field_string(judge::op_text(t.op)) + "\"";
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

}  // namespace stressql::results
