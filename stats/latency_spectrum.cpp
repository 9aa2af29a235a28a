#include "stats/latency_spectrum.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace stressql::stats {

const std::vector<double>& spectrum_percentiles() {
  static const std::vector<double> list = [] {
    constexpr double kLast = 99.999;
    std::vector<double> p;
    for (int k = 0;; ++k) {
      // Rounded to 7 decimals: what value_at_percentile reads, and what the JSON shows.
      const double v = std::round((100.0 - 50.0 * std::exp2(-k / 5.0)) * 1e7) / 1e7;
      if (v >= kLast) break;
      p.push_back(v);
    }
    p.push_back(kLast);
    return p;
  }();
  return list;
}

nlohmann::json latency_spectrum_json(const Histogram& from_due, const Histogram& from_send) {
  nlohmann::json percentiles = nlohmann::json::array(), due = nlohmann::json::array(),
                 send = nlohmann::json::array();
  if (from_due.count() > 0) {
    for (double p : spectrum_percentiles()) {
      percentiles.push_back(p);
      due.push_back(from_due.value_at_percentile(p));
      send.push_back(from_send.value_at_percentile(p));
    }
  }
  return {{"percentiles", percentiles}, {"from_due_ns", due}, {"from_send_ns", send}};
}

}  // namespace stressql::stats
