#include "judge/threshold.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace stressql::judge {
namespace {

using stats::MetricKind;

bool is_space(char c) { return c == ' ' || c == '\t'; }

base::Status fail(std::string_view text, size_t column0, const std::string& what) {
  return base::Status::error("threshold '" + std::string(text) + "', column " +
                             std::to_string(column0 + 1) + ": " + what);
}

// The multiplier of a unit for a metric kind; 0 when the unit does not fit the kind.
double unit_factor(MetricKind kind, std::string_view unit) {
  switch (kind) {
    case MetricKind::kLatency:
    case MetricKind::kCpu: {
      const double base = kind == MetricKind::kLatency ? 1.0 : 1e-9;  // ns, or seconds for cpu
      if (unit == "ns") return base;
      if (unit == "us" || unit == "µs") return base * 1e3;
      if (unit == "ms") return base * 1e6;
      if (unit == "s") return base * 1e9;
      if (unit.empty() && kind == MetricKind::kCpu) return 1.0;  // CPU-s, as the report prints
      return 0;
    }
    case MetricKind::kPercent:
      return unit.empty() || unit == "%" ? 1.0 : 0;
    case MetricKind::kCount:
      if (unit.empty()) return 1.0;
      if (unit == "k") return 1e3;
      if (unit == "M") return 1e6;
      return 0;
    case MetricKind::kBytes:
      if (unit.empty() || unit == "B") return 1.0;
      if (unit == "kB" || unit == "KB") return 1e3;
      if (unit == "MB") return 1e6;
      if (unit == "GB") return 1e9;
      if (unit == "KiB") return 1024.0;
      if (unit == "MiB") return 1024.0 * 1024;
      if (unit == "GiB") return 1024.0 * 1024 * 1024;
      return 0;
  }
  return 0;
}

const char* units_expected(MetricKind kind) {
  switch (kind) {
    case MetricKind::kLatency: return "a time unit: ns, us, ms or s (e.g. 200ms)";
    case MetricKind::kPercent: return "a percentage (e.g. 1% or 1)";
    case MetricKind::kCount: return "a number with an optional k or M (e.g. 480k)";
    case MetricKind::kCpu: return "CPU seconds, optionally with ms or s (e.g. 0.5 or 500ms)";
    case MetricKind::kBytes: return "bytes, optionally with kB, MB, GB, KiB, MiB or GiB (e.g. 2GB)";
  }
  return "";
}

}  // namespace

const char* op_text(Op op) {
  switch (op) {
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kEq: return "==";
  }
  return "?";
}

base::Status parse_threshold(std::string_view text, bool allow_statement, Threshold* out) {
  // The operator splits the text; metric names and numbers contain none of its characters.
  const size_t op_at = text.find_first_of("<>=!");
  if (op_at == std::string_view::npos) {
    return fail(text, text.size(), "expected an operator (<, <=, >, >= or ==) after the metric");
  }
  Threshold t;
  t.text = std::string(text);
  size_t op_len = 1;
  const std::string_view rest = text.substr(op_at);
  if (rest.substr(0, 2) == "<=") t.op = Op::kLe, op_len = 2;
  else if (rest.substr(0, 2) == ">=") t.op = Op::kGe, op_len = 2;
  else if (rest.substr(0, 2) == "==") t.op = Op::kEq, op_len = 2;
  else if (rest[0] == '<') t.op = Op::kLt;
  else if (rest[0] == '>') t.op = Op::kGt;
  else return fail(text, op_at, "expected one of <, <=, >, >=, == (found '" + std::string(rest.substr(0, 2)) + "')");

  // Left side: [STATEMENT.]METRIC, blanks around it allowed.
  size_t begin = 0, end = op_at;
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  std::string_view left = text.substr(begin, end - begin);
  if (left.empty()) return fail(text, begin, "expected a metric before the operator (" + stats::metric_names() + ")");
  const size_t dot = left.rfind('.');
  size_t metric_col = begin;
  if (dot != std::string_view::npos) {
    if (!allow_statement) {
      return fail(text, begin, "an SLO judges the statement under search; leave out '" +
                                   std::string(left.substr(0, dot + 1)) + "'");
    }
    if (dot == 0) return fail(text, begin, "expected a statement name before '.'");
    t.statement = std::string(left.substr(0, dot));
    metric_col = begin + dot + 1;
    left = left.substr(dot + 1);
  }
  if (!stats::metric_from_name(left, &t.metric)) {
    return fail(text, metric_col, "unknown metric '" + std::string(left) + "'; expected one of " + stats::metric_names());
  }

  // Right side: a number, then an optional unit, blanks around them allowed.
  size_t pos = op_at + op_len;
  while (pos < text.size() && is_space(text[pos])) ++pos;
  const size_t number_at = pos;
  while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) ++pos;
  const std::string number(text.substr(number_at, pos - number_at));
  char* parsed_end = nullptr;
  const double number_value = number.empty() ? 0 : std::strtod(number.c_str(), &parsed_end);
  if (number.empty() || parsed_end != number.c_str() + number.size()) {
    return fail(text, number_at, std::string("expected a number after '") + op_text(t.op) + "', with " +
                                     units_expected(stats::metric_kind(t.metric)));
  }
  while (pos < text.size() && is_space(text[pos])) ++pos;
  size_t unit_end = text.size();
  while (unit_end > pos && is_space(text[unit_end - 1])) --unit_end;
  const std::string_view unit = text.substr(pos, unit_end - pos);
  const double factor = unit_factor(stats::metric_kind(t.metric), unit);
  if (factor == 0) {
    const std::string found = unit.empty() ? "no unit" : "'" + std::string(unit) + "'";
    return fail(text, pos, std::string(stats::metric_name(t.metric)) + " needs " + units_expected(stats::metric_kind(t.metric)) +
                               "; found " + found);
  }
  t.value = number_value * factor;
  *out = std::move(t);
  return base::Status::ok();
}

bool holds(const Threshold& t, std::optional<double> measured) {
  if (!measured) return false;
  const double v = *measured;
  switch (t.op) {
    case Op::kLt: return v < t.value;
    case Op::kLe: return v <= t.value;
    case Op::kGt: return v > t.value;
    case Op::kGe: return v >= t.value;
    case Op::kEq: return v == t.value;
  }
  return false;
}

std::vector<ThresholdResult> evaluate_thresholds(const std::vector<Threshold>& thresholds,
                                                 const std::vector<stats::StatementReport>& statements,
                                                 double run_cpu_per_mpts) {
  std::vector<ThresholdResult> results;
  for (const Threshold& t : thresholds) {
    const size_t before = results.size();
    for (const stats::StatementReport& r : statements) {
      if (!t.statement.empty() && r.name != t.statement) continue;
      if (!has_metric(r, t.metric)) continue;
      ThresholdResult res;
      res.threshold = &t;
      res.statement = r.name;
      res.measured = measure(r, t.metric, run_cpu_per_mpts);
      res.pass = holds(t, res.measured);
      results.push_back(std::move(res));
    }
    // A threshold that judged nothing must not pass silently.
    if (results.size() == before) {
      ThresholdResult res;
      res.threshold = &t;
      res.statement = t.statement.empty() ? "(no statement has " + std::string(stats::metric_name(t.metric)) + ")"
                                          : t.statement + " (no such statement with this metric)";
      results.push_back(std::move(res));
    }
  }
  return results;
}

std::string render_threshold_results(const std::vector<ThresholdResult>& results) {
  std::string out;
  for (const ThresholdResult& r : results) {
    out += r.pass ? "PASS  " : "FAIL  ";
    out += r.threshold->text + "  " + r.statement + "  " + stats::format_metric(r.threshold->metric, r.measured);
    out += "\n";
  }
  return out;
}

}  // namespace stressql::judge
