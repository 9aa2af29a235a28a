#include "report/repeat_summary.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "stats/compare_stats.h"

namespace stressql::report {
namespace {

constexpr stats::Metric kSummaryMetrics[] = {stats::Metric::kPointsPerSec, stats::Metric::kRequestsPerSec, stats::Metric::kP50,
                                      stats::Metric::kP99, stats::Metric::kErrorRate};

struct Line {
  std::string statement;
  stats::Metric metric;
  std::vector<std::optional<double>> values;  // one per repeat
  std::vector<double> present;                // the values there are
};

std::vector<Line> lines(const std::vector<RepeatRun>& runs) {
  std::vector<Line> out;
  if (runs.empty()) return out;
  // Every repeat ran the same script: value j is the same statement and metric in each.
  const std::vector<MeasuredValue>& first = runs.front().values;
  for (size_t j = 0; j < first.size(); ++j) {
    Line l{first[j].statement, first[j].metric, {}, {}};
    for (const RepeatRun& run : runs) {
      std::optional<double> v = j < run.values.size() ? run.values[j].value : std::nullopt;
      l.values.push_back(v);
      if (v) l.present.push_back(*v);
    }
    out.push_back(std::move(l));
  }
  return out;
}

std::string spread_text(const Line& l) {
  if (l.present.empty()) return "";
  const double med = stats::median(l.present);
  const auto [lo, hi] = std::minmax_element(l.present.begin(), l.present.end());
  if (med == 0) return *hi == *lo ? "±0%" : "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "±%.1f%%", (*hi - *lo) / (2 * med) * 100);
  return buf;
}

}  // namespace

RepeatRun measure_repeat(const std::string& test_id, const std::vector<stats::StatementReport>& statements,
                         double cpu_per_mpts) {
  RepeatRun run{test_id, {}};
  for (const stats::StatementReport& st : statements) {
    for (stats::Metric m : kSummaryMetrics) {
      if (!has_metric(st, m)) continue;
      run.values.push_back({st.name, m, st.ran ? measure(st, m, cpu_per_mpts) : std::nullopt});
    }
  }
  return run;
}

std::string render_repeat_summary(const std::vector<RepeatRun>& runs) {
  std::string out = "\nRepeats:                               " + std::to_string(runs.size()) + " (test IDs";
  for (const RepeatRun& r : runs) out += " " + r.test_id;
  out += ")\n";
  std::vector<std::vector<std::string>> rows = {{"Statement", "Metric", "Median", "Min", "Max", "Spread"}};
  for (const Line& l : lines(runs)) {
    std::optional<double> med, lo, hi;
    if (!l.present.empty()) {
      med = stats::median(l.present);
      lo = *std::min_element(l.present.begin(), l.present.end());
      hi = *std::max_element(l.present.begin(), l.present.end());
    }
    rows.push_back({l.statement, stats::metric_name(l.metric), stats::format_metric(l.metric, med), format_metric(l.metric, lo),
                    format_metric(l.metric, hi), spread_text(l)});
  }
  std::vector<size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line = "  ";
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    while (line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

nlohmann::json repeat_summary_json(const std::vector<RepeatRun>& runs) {
  nlohmann::json list = nlohmann::json::array();
  for (const Line& l : lines(runs)) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& v : l.values) values.push_back(v ? nlohmann::json(*v) : nlohmann::json(nullptr));
    nlohmann::json j = {{"statement", l.statement}, {"metric", stats::metric_name(l.metric)}, {"values", values}};
    if (!l.present.empty()) {
      const double med = stats::median(l.present);
      const double lo = *std::min_element(l.present.begin(), l.present.end());
      const double hi = *std::max_element(l.present.begin(), l.present.end());
      j["median"] = med;
      j["min"] = lo;
      j["max"] = hi;
      j["spread"] = med != 0 ? nlohmann::json((hi - lo) / (2 * med)) : nlohmann::json(nullptr);
    } else {
      j["median"] = j["min"] = j["max"] = j["spread"] = nullptr;
    }
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace stressql::report
