#pragma once
// The latency percentile spectrum (JSON `latency_spectrum`, the HTML report's log-scale
// chart): a histogram's values at percentiles that crowd towards the tail, as
// HdrHistogram's percentile output and plotter lay them out, from p50 to p99.999.

#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "stats/histogram.h"

namespace stressql::stats {

// 100 − 50·2^(−k/5) for k = 0, 1, … while below 99.999, then 99.999: five points per
// halving of the distance to 100 %, 80 in all.
const std::vector<double>& spectrum_percentiles();

// {"percentiles": [...], "from_due_ns": [...], "from_send_ns": [...]}: the values of both
// histograms at spectrum_percentiles(); every list is empty when `from_due` is empty.
nlohmann::json latency_spectrum_json(const Histogram& from_due, const Histogram& from_send);

}  // namespace stressql::stats
