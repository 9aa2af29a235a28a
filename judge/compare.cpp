#include "judge/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "stats/compare_stats.h"
#include "report/json_fields.h"

namespace stressql::judge {
namespace {

using Json = nlohmann::json;

constexpr stats::Metric kAllMetrics[] = {stats::Metric::kPointsPerSec, stats::Metric::kRequestsPerSec, stats::Metric::kAvg,
                                  stats::Metric::kP50,          stats::Metric::kP95,            stats::Metric::kP99,
                                  stats::Metric::kP999,         stats::Metric::kMax,            stats::Metric::kErrors,
                                  stats::Metric::kErrorRate,    stats::Metric::kRetries,        stats::Metric::kCpuPerMpts,
                                  stats::Metric::kServerCpuPerMpts, stats::Metric::kServerRssMax};

bool higher_is_better(stats::Metric m) { return m == stats::Metric::kPointsPerSec || m == stats::Metric::kRequestsPerSec; }

double num(const Json& j, const char* key) { return report::json_number(j, key).value_or(0.0); }
const Json& member(const Json& j, const char* key) {
  static const Json kEmpty = Json::object();
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : kEmpty;
}

bool compared_kind(const Json& st) {
  const std::string kind = st.value("kind", "");
  return (kind == "insert" || kind == "query") && st.value("ran", false);
}

// The statement's value of the metric over its whole run; nullopt when it has none.
std::optional<double> run_value(const Json& report, const Json& st, stats::Metric m) {
  const Json& req = member(st, "requests");
  const Json& lat = member(st, "latency_ns");
  const double ok = num(req, "ok"), failed = num(req, "failed");
  const bool insert = st.value("kind", "") == "insert";
  switch (m) {
    case stats::Metric::kPointsPerSec:
      if (!insert) return std::nullopt;
      return num(st, "points_per_second");
    case stats::Metric::kRequestsPerSec: {
      const double d = num(st, "duration_ns");
      return d > 0 ? ok * 1e9 / d : 0.0;
    }
    case stats::Metric::kErrors: return failed;
    case stats::Metric::kErrorRate:
      if (ok + failed == 0) return std::nullopt;
      return 100.0 * failed / (ok + failed);
    case stats::Metric::kRetries: return num(req, "retries");
    case stats::Metric::kCpuPerMpts: {
      const double cpu = num(member(report, "cpu"), "per_million_points");
      if (!insert || cpu <= 0) return std::nullopt;
      return cpu;
    }
    case stats::Metric::kServerCpuPerMpts:
    case stats::Metric::kServerRssMax: {  // SPEC §7.1: the statement's server object, when it has one
      if (m == stats::Metric::kServerCpuPerMpts && !insert) return std::nullopt;
      auto v = member(st, "server").find(stats::metric_name(m));
      if (v == member(st, "server").end() || !v->is_number()) return std::nullopt;
      return v->get<double>();
    }
    default: {
      if (num(lat, "count") == 0) return std::nullopt;
      const char* key = m == stats::Metric::kAvg ? "mean" : stats::metric_name(m);
      return num(lat, key);
    }
  }
}

// Whether one-second intervals give samples of the metric: per-second counts, and the
// per-second p50/p99/max kept for each second.
bool per_second(stats::Metric m) {
  return m == stats::Metric::kPointsPerSec || m == stats::Metric::kRequestsPerSec || m == stats::Metric::kErrorRate ||
         m == stats::Metric::kP50 || m == stats::Metric::kP99 || m == stats::Metric::kMax;
}

// The statement's per-second samples of the metric, leaving out seconds without the
// requests the metric needs. The last second's counts cover only the part of it the
// statement ran through: they are scaled to a whole second (and left out under a quarter).
void interval_samples(const Json& st, stats::Metric m, std::vector<double>* out) {
  auto it = st.find("intervals");
  if (it == st.end() || !it->is_array()) return;
  const Json& list = *it;
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& k = list[i];
    const double requests = num(k, "requests"), failures = num(k, "failures");
    const Json& lat = member(k, "latency_from_due_ns");
    double scale = 1;
    if (i + 1 == list.size()) {
      const double covered_ns = num(st, "duration_ns") - num(k, "second") * 1e9;
      if (covered_ns < 1e9) scale = covered_ns >= 0.25e9 ? 1e9 / covered_ns : 0;
    }
    switch (m) {
      case stats::Metric::kPointsPerSec:
        if (scale > 0) out->push_back(num(k, "points_accepted") * scale);
        break;
      case stats::Metric::kRequestsPerSec:
        if (scale > 0) out->push_back((requests - failures) * scale);
        break;
      case stats::Metric::kErrorRate:
        if (requests > 0) out->push_back(100.0 * failures / requests);
        break;
      default:
        if (requests > failures) out->push_back(num(lat, m == stats::Metric::kMax ? "max" : stats::metric_name(m)));
        break;
    }
  }
}

// The statements of one report that compare, by name ("name#2" for a second of that name).
std::map<std::string, const Json*> statements_by_name(const Json& report, std::vector<std::string>* order) {
  std::map<std::string, const Json*> out;
  std::map<std::string, int> seen;
  auto it = report.find("statements");
  if (it == report.end() || !it->is_array()) return out;
  for (const Json& st : *it) {
    if (!compared_kind(st)) continue;
    const std::string name = st.value("name", "");
    const int n = ++seen[name];
    const std::string key = n == 1 ? name : name + "#" + std::to_string(n);
    out[key] = &st;
    if (order) order->push_back(key);
  }
  return out;
}

// The compared statements of every repeat, in script order, each once.
std::vector<std::string> statement_keys(const CompareInput& in) {
  std::vector<std::string> keys;
  for (const Json& r : in.repeats) {
    std::vector<std::string> order;
    statements_by_name(r, &order);
    for (const std::string& k : order) {
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
  }
  return keys;
}

struct Side {
  std::vector<const Json*> reports;     // repeats that have the statement
  std::vector<const Json*> statements;  // the statement in each of them
  double finished_requests = 0;
  bool rated = false;
};

Side side_of(const CompareInput& in, const std::string& key) {
  Side s;
  for (const Json& report : in.repeats) {
    auto by_name = statements_by_name(report, nullptr);
    auto it = by_name.find(key);
    if (it == by_name.end()) continue;
    s.reports.push_back(&report);
    s.statements.push_back(it->second);
    const Json& req = member(*it->second, "requests");
    s.finished_requests += num(req, "ok") + num(req, "failed");
    if (it->second->contains("rate")) s.rated = true;
  }
  return s;
}

// The statement's value of the metric in each repeat that has one.
std::vector<double> run_values(const Side& side, stats::Metric m) {
  std::vector<double> out;
  for (size_t i = 0; i < side.reports.size(); ++i) {
    if (auto v = run_value(*side.reports[i], *side.statements[i], m)) out.push_back(*v);
  }
  return out;
}

std::string plural(size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

MetricComparison compare_metric(const std::string& name, stats::Metric m, const Side& base, const Side& next,
                                 const CompareOptions& options) {
  MetricComparison c;
  c.statement = name;
  c.metric = m;
  for (stats::Metric d : options.deciding) c.deciding |= d == m;
  std::vector<double> b, n;
  const bool by_repeats = base.reports.size() >= kMinRepeats && next.reports.size() >= kMinRepeats;
  const bool throughput = m == stats::Metric::kPointsPerSec || m == stats::Metric::kRequestsPerSec;
  if (by_repeats) {
    b = run_values(base, m);
    n = run_values(next, m);
    c.basis = std::to_string(b.size()) + " vs " + plural(n.size(), "repeat");
  } else if (!per_second(m)) {
    c.note = "one value per run (compared over repeats only)";
  } else if (throughput && (base.rated || next.rated)) {
    c.note = "rated: per-second counts follow the schedule (a slower server shows in p99)";
  } else {
    for (const Json* st : base.statements) interval_samples(*st, m, &b);
    for (const Json* st : next.statements) interval_samples(*st, m, &n);
    c.basis = std::to_string(b.size()) + " vs " + plural(n.size(), "one-second interval");
  }
  if (c.note.empty() && (b.empty() || n.empty())) c.note = "no values (" + c.basis + ")";
  if (!c.note.empty()) {
    // Shown, not tested: the runs' own values (the median over repeats).
    const std::vector<double> rb = run_values(base, m), rn = run_values(next, m);
    if (!rb.empty()) c.base = stats::median(rb);
    if (!rn.empty()) c.next = stats::median(rn);
    if (c.base && c.next && *c.base != 0) c.change = (*c.next - *c.base) / *c.base;
    return c;
  }
  c.base = stats::median(b);
  c.next = stats::median(n);
  stats::Shift s;
  if (const std::optional<stats::Ratio> r = stats::hodges_lehmann_ratio(b, n, options.confidence)) {
    // Judged as ratios: the interval of the change is a ratio's, above −100 %.
    c.ratio = true;
    c.change = r->estimate - 1;
    s.estimate = *c.base * c.change.value();
    s.bounded = r->bounded;
    if (r->bounded) {
      c.change_low = r->low - 1, c.change_high = r->high - 1;
      s.low = *c.base * *c.change_low, s.high = *c.base * *c.change_high;
      // The sign of the ratio's interval decides, not the rounded product.
      if (!r->significant()) s.low = std::min(s.low, 0.0), s.high = std::max(s.high, 0.0);
    }
  } else {
    s = stats::hodges_lehmann(b, n, options.confidence);
    if (*c.base != 0) c.change = s.estimate / std::fabs(*c.base);
  }
  c.shift = s.estimate;
  c.shift_low = s.low;
  c.shift_high = s.high;
  c.bounded = s.bounded;
  if (!s.bounded) {
    c.note = "too few values for a " + std::to_string(int(options.confidence * 100)) + " % interval (" + c.basis + ")";
    return c;
  }
  if (!s.significant()) {
    c.verdict = Verdict::kNoChange;
    return c;
  }
  const bool up = s.low > 0;
  c.verdict = up == higher_is_better(m) ? Verdict::kBetter : Verdict::kWorse;
  // From a base of 0 any significant rise is beyond every relative limit.
  c.regression = c.deciding && c.verdict == Verdict::kWorse &&
                 (!c.change || std::fabs(*c.change) * 100 > options.max_regression_percent);
  return c;
}

}  // namespace

const char* verdict_text(Verdict v) {
  switch (v) {
    case Verdict::kBetter: return "better";
    case Verdict::kWorse: return "worse";
    case Verdict::kNoChange: return "no significant change";
    case Verdict::kNotTested: return "not tested";
  }
  return "?";
}

bool Comparison::judged() const {
  for (const MetricComparison& r : rows) {
    if (r.deciding && r.verdict != Verdict::kNotTested) return true;
  }
  return false;
}

bool Comparison::regression() const {
  for (const MetricComparison& r : rows) {
    if (r.regression) return true;
  }
  return false;
}

base::Status read_compare_input(const nlohmann::json& doc, std::string label, CompareInput* out) {
  auto bad = [&label](const std::string& what) {
    return base::Status::error(label + ": not a stressql JSON report: " + what);
  };
  if (!doc.is_object()) return bad("expected a JSON object");
  const std::string schema = doc.value("schema", "");
  std::vector<const Json*> reports;
  if (schema == "stressql-report") {
    reports.push_back(&doc);
  } else if (schema == "stressql-repeats") {
    auto it = doc.find("runs");
    if (it == doc.end() || !it->is_array() || it->empty()) return bad("expected a non-empty array 'runs'");
    for (const Json& r : *it) reports.push_back(&r);
  } else {
    return bad("expected \"schema\": \"stressql-report\" or \"stressql-repeats\"");
  }
  CompareInput in;
  in.label = std::move(label);
  for (const Json* r : reports) {
    if (!r->is_object() || r->value("schema", "") != "stressql-report") return bad("a run is not a report");
    auto st = r->find("statements");
    if (st == r->end() || !st->is_array()) return bad("expected an array 'statements'");
    for (const Json& s : *st) {
      if (!s.is_object() || !s.contains("kind") || !s["kind"].is_string() || !s.contains("name") ||
          !s["name"].is_string()) {
        return bad("a statement lacks 'kind' or 'name'");
      }
    }
    in.repeats.push_back(*r);
  }
  const Json& options = member(doc.value("schema", "") == "stressql-repeats" ? in.repeats.front() : doc, "options");
  in.script_sha256 = options.value("script_sha256", "");
  *out = std::move(in);
  return base::Status::ok();
}

Comparison compare_runs(const CompareInput& base, const CompareInput& next, const CompareOptions& options) {
  Comparison out;
  out.base_label = base.label;
  out.next_label = next.label;
  for (const Json& r : base.repeats) out.base_test_ids.push_back(report::json_text(r, "test_id"));
  for (const Json& r : next.repeats) out.next_test_ids.push_back(report::json_text(r, "test_id"));
  if (!base.script_sha256.empty() && !next.script_sha256.empty() && base.script_sha256 != next.script_sha256) {
    out.warnings.push_back("BASE and NEW ran different scripts (sha256 " + base.script_sha256.substr(0, 12) +
                           "… vs " + next.script_sha256.substr(0, 12) + "…): statements are matched by name");
  }
  const std::vector<std::string> base_order = statement_keys(base), next_order = statement_keys(next);
  for (const std::string& name : next_order) {
    if (std::find(base_order.begin(), base_order.end(), name) == base_order.end()) {
      out.notes.push_back(name + ": only in NEW, not compared");
    }
  }
  for (const std::string& name : base_order) {
    if (std::find(next_order.begin(), next_order.end(), name) == next_order.end()) {
      out.notes.push_back(name + ": only in BASE, not compared");
      continue;
    }
    const Side b = side_of(base, name), n = side_of(next, name);
    if (b.finished_requests == 0 || n.finished_requests == 0) {
      out.notes.push_back(name + ": no requests finished in " +
                          (b.finished_requests == 0 && n.finished_requests == 0 ? "BASE or NEW"
                           : b.finished_requests == 0                          ? "BASE"
                                                                               : "NEW") +
                          ", not compared");
      continue;
    }
    const bool insert = b.statements.front()->value("kind", "") == "insert";
    for (stats::Metric m : kAllMetrics) {
      if (!insert && (m == stats::Metric::kPointsPerSec || m == stats::Metric::kCpuPerMpts)) continue;
      // The server's metrics only where a run read them (SET ServerMetrics).
      if (stats::is_server_metric(m) && run_values(b, m).empty() && run_values(n, m).empty()) continue;
      out.rows.push_back(compare_metric(name, m, b, n, options));
    }
  }
  return out;
}

base::Status parse_metric_list(std::string_view text, std::vector<stats::Metric>* out) {
  std::vector<stats::Metric> metrics;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(pos, comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    stats::Metric m;
    if (!stats::metric_from_name(item, &m)) {
      return base::Status::error("unknown metric '" + std::string(item) + "'; expected a comma-separated list of " +
                                 stats::metric_names());
    }
    metrics.push_back(m);
    pos = comma + 1;
  }
  *out = std::move(metrics);
  return base::Status::ok();
}

base::Status parse_percent(std::string_view text, double* out) {
  std::string s(text);
  if (!s.empty() && s.back() == '%') s.pop_back();
  char* end = nullptr;
  const double v = s.empty() ? -1 : std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !(v >= 0) || std::isinf(v)) {
    return base::Status::error("expected a percentage like 5% or 2.5, got '" + std::string(text) + "'");
  }
  *out = v;
  return base::Status::ok();
}

}  // namespace stressql::judge
