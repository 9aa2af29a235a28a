#include "cli/find_max_output.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/duration_text.h"
#include "report/json_report.h"
#include "judge/threshold.h"
#include "statements/version.h"
#include "stats/metric.h"

namespace stressql::cli {
namespace {

using statements::SearchPhase;
using statements::StepResult;

const char* phase_name(SearchPhase p) {
  switch (p) {
    case SearchPhase::kDoubling: return "double";
    case SearchPhase::kBisecting: return "bisect";
    case SearchPhase::kConfirming: return "confirm";
    case SearchPhase::kDone: return "done";
  }
  return "?";
}

double error_rate(const stats::RequestStats& s) {
  const uint64_t n = s.requests_ok + s.requests_failed;
  return n == 0 ? 0 : 100.0 * double(s.requests_failed) / double(n);
}

// A metric of the counted part, as the SLOs see it and --threshold prints it.
std::string shown(const StepResult& step, stats::Metric m) {
  return stats::format_metric(m, stats::measure(step.counted, m, 0));
}

// SPEC §7.1: the server's side of a step, over its INSERT (warm-up included: the server's
// readings are a second apart): CPU in cores, CPU-s per million points, the largest RSS.
struct StepServer {
  std::optional<double> cpu, cpu_per_mpts, rss_max;
};
StepServer step_server(const StepResult& step) {
  StepServer out;
  if (step.reports.empty()) return out;
  const stats::StatementReport& insert = step.reports.back();
  out.cpu = stats::server_process_first(insert.server, &stats::ServerSourceStats::cpu_avg, true);
  out.cpu_per_mpts = stats::server_cpu_per_mpts(insert.server, insert.stats.points_accepted);
  out.rss_max = stats::server_process_first(insert.server, &stats::ServerSourceStats::rss_max, false);
  return out;
}
nlohmann::json opt_json(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }
std::string or_dash(const std::optional<double>& v, const char* format, double scale = 1) {
  if (!v) return "-";
  char text[32];
  std::snprintf(text, sizeof text, format, *v / scale);
  return text;
}

// "480000 pts/s (p99 183ms, error rate 0%)": the numbers of the step that found the rate.
std::string rate_and_numbers(const StepResult& step, parser::Rate::Unit unit) {
  return statements::rate_with_unit(step.target, unit) + " (p99 " + shown(step, stats::Metric::kP99) +
         ", error rate " + shown(step, stats::Metric::kErrorRate) + ", achieved " +
         statements::rate_with_unit(std::round(step.achieved), unit) + ")";
}

const StepResult* last_at(const statements::FindMax& search, double rate) {
  for (auto it = search.steps().rbegin(); it != search.steps().rend(); ++it) {
    if (it->target == rate) return &*it;
  }
  return nullptr;
}

constexpr const char* kLabel = "%-39s";  // the report's value column

// The note on how many requests the answer's percentile rests on; empty when enough.
std::string answer_note(const statements::FindMax& search, const statements::FindMaxOptions& fm) {
  const statements::SearchDecision& d = search.decision();
  if (d.phase != SearchPhase::kDone || !d.found) return "";
  const stats::RequestStats& c = last_at(search, d.rate)->counted.stats;
  return statements::thin_tail_note(fm.slos, c.requests_ok + c.requests_failed, fm.step_ns);
}

}  // namespace

std::string step_header() {
  char line[200];
  std::snprintf(line, sizeof line, "%4s  %-7s  %16s  %16s  %9s  %9s  %7s  %6s  %7s  %10s  %7s  %s\n", "Step", "Phase",
                "Target", "Achieved", "p50", "p99", "Errors", "Late", "SrvCPU", "CPU-s/Mpts", "SrvRSS", "Result");
  return line;
}

std::string step_line(const StepResult& step, parser::Rate::Unit unit) {
  const stats::RequestStats& s = step.counted.stats;
  std::string result = step.pass ? "PASS" : "FAIL " + step.why;
  const StepServer server = step_server(step);
  char line[260];
  std::snprintf(line, sizeof line, "%4d  %-7s  %16s  %16s  %9s  %9s  %7s  %6llu  %7s  %10s  %7s  ", step.number,
                phase_name(step.phase), statements::rate_with_unit(step.target, unit).c_str(),
                statements::rate_with_unit(std::round(step.achieved), unit).c_str(),
                shown(step, stats::Metric::kP50).c_str(), shown(step, stats::Metric::kP99).c_str(),
                shown(step, stats::Metric::kErrorRate).c_str(), static_cast<unsigned long long>(s.sent_late),
                or_dash(server.cpu, "%.2f").c_str(), (server.cpu_per_mpts ? stats::significant(*server.cpu_per_mpts) : std::string("-")).c_str(),
                or_dash(server.rss_max, "%.0fMB", 1e6).c_str());
  return line + result + "\n";
}

std::string verdict(const statements::FindMax& search, const statements::FindMaxOptions& fm) {
  const statements::SearchDecision& d = search.decision();
  const auto& steps = search.steps();
  std::string out;
  char label[64];
  std::snprintf(label, sizeof label, kLabel, "Max sustainable rate:");
  if (d.phase == SearchPhase::kDone && d.found) {
    out += label + rate_and_numbers(*last_at(search, d.rate), fm.unit) + "\n";
    if (d.max_reached) {
      out += "  --max reached: the server took every step; its capacity may be higher (raise --max)\n";
    }
    const std::string note = answer_note(search, fm);
    if (!note.empty()) out += "  " + note + "\n";
  } else if (search.interrupted()) {
    double best = 0;
    for (const StepResult& s : steps) best = s.pass ? std::max(best, s.target) : best;
    out += label + std::string("unknown: interrupted after ") + std::to_string(steps.size()) + " step(s)";
    if (best > 0) out += "; the highest passing rate so far, not confirmed: " + statements::rate_with_unit(best, fm.unit);
    out += "\n";
  } else if (!steps.empty() && steps.back().setup_failed) {
    out += label + std::string("unknown: step ") + std::to_string(steps.back().number) + " stopped the search: " +
           steps.back().why + "\n";
  } else if (d.step_limit) {
    out += label + std::string("unknown: the search stopped at --max-steps ") + std::to_string(steps.size()) +
           " before it converged";
    if (d.best > 0) out += "; the highest passing rate, not confirmed: " + statements::rate_with_unit(d.best, fm.unit);
    out += "\n  raise --max-steps, start nearer the answer (--start, --max) or use a coarser --resolution\n";
  } else if (d.first_failed) {
    out += label + std::string("none: even the first step (") +
           statements::rate_with_unit(fm.search.start, fm.unit) + ") failed: " + steps.front().why + "\n";
    if (steps.front().counted.stats.requests_ok == 0) {
      out += "  no request succeeded: is the server up at the script's address?\n";
    } else {
      out += "  try a lower --start\n";
    }
  } else {
    out += label + std::string("none: no rate passed its confirmation step; latencies near the edge vary "
                               "more than --resolution (try a longer --step)\n");
  }
  if (d.client_limit) {
    out += "  client limit: the lowest failing step failed because stressql could not send at its "
           "rate while the server answered fast; the server's capacity is higher than this search "
           "can show (more --reactors, or more load machines)\n";
  }
  return out;
}

nlohmann::json find_max_json(const statements::FindMax& search, const statements::FindMaxOptions& fm,
                             const nlohmann::json& settings) {
  const statements::SearchDecision& d = search.decision();
  nlohmann::json steps = nlohmann::json::array();
  for (const StepResult& s : search.steps()) {
    const stats::RequestStats& c = s.counted.stats;
    nlohmann::json slo = nlohmann::json::array();
    for (const auto& r : s.slo_results) {
      slo.push_back({{"slo", r.threshold->text},
                     {"measured", r.measured ? nlohmann::json(*r.measured) : nlohmann::json()},
                     {"pass", r.pass}});
    }
    steps.push_back({{"step", s.number},
                     {"phase", phase_name(s.phase)},
                     {"target", s.target},
                     {"achieved", s.achieved},
                     {"pass", s.pass},
                     {"why", s.why},
                     {"client_limited", s.client_limited},
                     {"setup_failed", s.setup_failed},
                     {"interrupted", s.interrupted},
                     {"counted",
                      {{"requests_ok", c.requests_ok},
                       {"requests_failed", c.requests_failed},
                       {"points_accepted", c.points_accepted},
                       {"error_rate_percent", error_rate(c)},
                       {"sends", c.sends},
                       {"sent_late", c.sent_late},
                       {"p50_ns", c.latency.value_at_percentile(50)},
                       {"p99_ns", c.latency.value_at_percentile(99)},
                       {"max_ns", c.latency.max()},
                       {"from_send_p99_ns", c.latency_from_send.value_at_percentile(99)}}},
                     {"slos", slo},
                     {"server", {{"server_cpu", opt_json(step_server(s).cpu)},
                                 {"server_cpu_per_mpts", opt_json(step_server(s).cpu_per_mpts)},
                                 {"server_rss_max", opt_json(step_server(s).rss_max)}}},
                     {"run", report::json_report(s.reports, s.summary, settings, stressql::version())}});
  }
  nlohmann::json slos = nlohmann::json::array();
  for (const auto& t : fm.slos) slos.push_back(t.text);
  return {{"kind", "find-max"},
          {"test_id", fm.test_id},
          {"version", stressql::version()},
          {"unit", std::string(parser::rate_unit_name(fm.unit))},
          {"slos", slos},
          {"start", fm.search.start},
          {"max", fm.search.max},
          {"resolution", fm.search.resolution},
          {"max_steps", fm.search.max_steps},
          {"step_ns", fm.step_ns},
          {"warmup_ns", fm.warmup_ns},
          {"settings", settings},
          {"steps", steps},
          {"result",
           {{"found", d.phase == SearchPhase::kDone && d.found},
            {"rate", d.found ? nlohmann::json(d.rate) : nlohmann::json()},
            {"max_reached", d.max_reached},
            {"client_limit", d.client_limit},
            {"first_failed", d.first_failed},
            {"unconfirmed", d.unconfirmed},
            {"step_limit", d.step_limit},
            {"interrupted", search.interrupted()},
            {"note", answer_note(search, fm)}}}};
}

}  // namespace stressql::cli
