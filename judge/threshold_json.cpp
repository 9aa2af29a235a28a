#include "judge/threshold_json.h"

#include <nlohmann/json.hpp>

namespace stressql::judge {

nlohmann::json threshold_results_json(const std::vector<ThresholdResult>& results) {
  nlohmann::json list = nlohmann::json::array();
  for (const ThresholdResult& r : results) {
    const Threshold& t = *r.threshold;
    list.push_back({{"threshold", t.text},
                    {"statement", r.statement},
                    {"metric", stats::metric_name(t.metric)},
                    {"op", op_text(t.op)},
                    {"value", t.value},
                    {"measured", r.measured ? nlohmann::json(*r.measured) : nlohmann::json(nullptr)},
                    {"pass", r.pass}});
  }
  return list;
}

}  // namespace stressql::judge
