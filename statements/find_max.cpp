#include "statements/find_max.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <type_traits>

#include "base/clock.h"
#include "base/thread_guard.h"
#include "base/duration_text.h"
#include "results/statement_fields.h"
#include "statements/controller.h"

namespace stressql::statements {
namespace {

using stats::StatementReport;

// A step that has not ended this long after twice its planned time is cut off: the server
// fell so far behind that the step's verdict is clear, and waiting longer tells nothing.
constexpr int64_t kCutOffSlackNs = 5'000'000'000;
// Below this share of the target the rate was not reached.
constexpr double kMinAchievedShare = 0.9;
// Sends later than RequestStats::kLateNs on more than this share: the schedule fell behind.
constexpr double kLateShare = 0.01;
// Little's law: a rate of R requests/s answered in L seconds (from send) keeps R × L
// connections busy. Below this share of the connections (L at its p99), late sends were not
// waiting for a connection: stressql itself could not keep up.
constexpr double kIdleConnectionShare = 0.5;

// The process's CPU time so far (every thread: the reactors and the control thread).
double process_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

std::string top_failure(const stats::RequestStats& s) {
  auto it = std::max_element(s.failures.begin(), s.failures.end(),
                             [](const auto& a, const auto& b) { return a.second < b.second; });
  return it == s.failures.end() ? std::string("no answer") : it->first;
}

// Rounded down: 89.8 % of the target fails the 90 % rule, and must not read "90%".
std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f%%", std::floor(share * 100));
  return text;
}

// The INSERT's report with only the samples after the warm-up: what the SLOs judge. The
// statement row's fields, then the counted samples (a report's histograms are not copyable).
void counted_part(const StatementReport& full, stats::RequestStats stats, int64_t warmup_ns,
                  StatementReport* out) {
  results::copy_statement_fields(full, out);
  out->start_unix_ns = full.start_unix_ns + warmup_ns;
  out->duration_ns = std::max<int64_t>(0, full.duration_ns - warmup_ns);
  out->stats = std::move(stats);
}

}  // namespace

StepOutcome outcome(const StepResult& step) {
  return StepOutcome{step.target, step.pass, step.client_limited};
}

std::string rate_with_unit(double rate, parser::Rate::Unit unit) {
  return parser::rate_number(rate) + " " + std::string(parser::rate_unit_name(unit));
}

FindMax::FindMax(const parser::Script& script, const RunOptions& options, const FindMaxOptions& fm,
                 const std::atomic<bool>* stop, results::ResultsWriter* results, std::ostream& err)
    : script_(script), options_(options), fm_(fm), stop_(stop), results_(results), err_(err) {
  insert_settings_ = options_.settings;
  for (size_t i = 0; i < fm_.statement; ++i) {
    if (const auto* set = std::get_if<parser::SetStmt>(&script_.statements[i].body)) {
      std::string error;
      parser::apply_setting(set->name, set->value, &insert_settings_, &error);  // parsed already
    }
  }
}

parser::Script FindMax::step_script(double rate) const {
  parser::Script s;
  s.file = script_.file;
  s.directory = script_.directory;
  for (size_t i = 0; i < fm_.statement; ++i) {
    const parser::Statement& st = script_.statements[i];
    // Setup runs again; earlier load (INSERT, QUERY, WAIT) does not: it is not the statement
    // under search, and would add its own load to every step.
    if (std::holds_alternative<parser::SetStmt>(st.body) ||
        std::holds_alternative<parser::InfluxQLStmt>(st.body) ||
        std::holds_alternative<parser::ExecStmt>(st.body)) {
      s.statements.push_back(st);
    }
  }
  const parser::Statement& insert = script_.statements[fm_.statement];
  parser::Rate r;
  r.unit = fm_.unit;
  r.from = r.to = rate;
  parser::Statement set;
  set.id = "0000000000";
  set.pos = insert.pos;
  set.body = parser::SetStmt{parser::SetName::kWriteRate, "WriteRate", parser::rate_text(r), insert.pos};
  s.statements.push_back(std::move(set));
  parser::Statement st = insert;
  st.go = false;
  auto& body = std::get<parser::InsertStmt>(st.body);
  const double seconds = double(fm_.warmup_ns + fm_.step_ns) / 1e9;
  double points = std::ceil(rate * seconds);
  if (fm_.unit == parser::Rate::Unit::kRequests) points *= double(insert_settings_.batch_size);
  body.count = std::max<int64_t>(1, static_cast<int64_t>(points));
  s.statements.push_back(std::move(st));
  return s;
}

StepResult FindMax::run_step(int number, double rate, SearchPhase phase) {
  StepResult step;
  step.number = number;
  step.phase = phase;
  step.target = rate;
  const parser::Script script = step_script(rate);
  const std::string insert_id = script.statements.back().id;
  std::atomic<bool> step_stop{false};
  Controller c(script, options_, &step_stop, err_);
  c.set_warner([this](const std::string& line) {
    if (std::find(warned_.begin(), warned_.end(), line) != warned_.end()) return;
    warned_.push_back(line);
    if (warn_) {
      warn_(line);
    } else {
      err_ << line << "\n";
    }
  });
  stats::RequestStats counted;
  // CPU of the counted window only: from the first counted sample (the warm-up and the setup
  // statements are behind) to the step's end, divided by the counted points (judge_step).
  double cpu_at_counted = -1;
  c.set_observer([&](const StatementReport& r, const engine::Sample& s) {
    if (results_) results_->add_sample(r, s);
    // The warm-up is cut by due time: a request due in it counts nowhere, however late it
    // was answered.
    if (r.kind == stats::StatementKind::kInsert && r.id == insert_id &&
        s.due_unix_ns >= r.start_unix_ns + fm_.warmup_ns) {
      if (cpu_at_counted < 0) cpu_at_counted = process_cpu_s();
      counted.add(s);
    }
  });
  const int64_t deadline = base::monotonic_ns() + 2 * (fm_.warmup_ns + fm_.step_ns) + kCutOffSlackNs;
  bool cut_off = false;
  c.set_ticker([&](const std::vector<StatementReport>& reports, const std::vector<Task*>&) {
    if (stop_ != nullptr && stop_->load()) {
      step_stop.store(true);
    } else if (!step_stop.load() && base::monotonic_ns() > deadline) {
      cut_off = true;
      step_stop.store(true);
    }
    if (results_) {
      for (const auto& r : reports) results_->add_intervals(r);
      results_->tick();
    }
  });
  if (results_) results_->set_step(number);
  c.run();
  const double cpu_counted = cpu_at_counted < 0 ? 0 : process_cpu_s() - cpu_at_counted;
  step.reports = c.take_reports();
  step.summary = c.summary();
  step.summary.test_id = fm_.test_id;
  if (results_) {
    for (const auto& r : step.reports) results_->add_intervals(r);
    for (size_t i = 0; i < step.reports.size(); ++i) {
      results_->add_statement(step.reports[i], i, step.summary.start_unix_ns);
    }
    results_->add_run(step.summary, step.reports.size());
  }
  // A thread that died (base/thread_guard.h) ends the search as Ctrl-C does.
  step.interrupted = (stop_ != nullptr && stop_->load()) || base::thread_faulted();
  for (size_t i = 0; i + 1 < step.reports.size(); ++i) {
    const StatementReport& r = step.reports[i];
    if (r.ran && !r.ok && r.kind != stats::StatementKind::kSet) {
      step.setup_failed = true;
      step.why = "the setup failed: " + std::string(stats::kind_name(r.kind)) + " '" + r.name +
                 "': " + (r.error.empty() ? r.server_message : r.error);
      break;
    }
  }
  counted_part(step.reports.back(), std::move(counted), fm_.warmup_ns, &step.counted);
  judge_step(fm_.slos, insert_settings_.write_concurrency, cpu_counted, &step);
  if (cut_off && !step.interrupted) {
    step.pass = false;
    step.why += std::string(step.why.empty() ? "" : "; ") + "cut off after " +
                base::duration_text(step.summary.duration_ns) + ": the server fell behind the rate";
  }
  return step;
}

void judge_step(const std::vector<judge::Threshold>& slos, int64_t connections, double cpu_s,
                StepResult* step) {
  const StatementReport& r = step->counted;
  const stats::RequestStats& s = r.stats;
  step->achieved = stats::achieved_rate(r);
  const double mpts = double(s.points_accepted) / 1e6;
  std::vector<std::string> reasons;
  if (!step->why.empty()) reasons.push_back(step->why);
  if (step->interrupted) reasons.push_back("interrupted");
  if (s.requests_ok == 0) {
    reasons.push_back(s.requests_failed == 0 ? "no request was answered after the warm-up"
                                             : "no request succeeded (" + top_failure(s) + ")");
  }
  for (const judge::Threshold& t : slos) {
    judge::ThresholdResult res{&t, r.name, stats::measure(r, t.metric, mpts > 0 ? cpu_s / mpts : 0), false};
    res.pass = judge::holds(t, res.measured);
    if (!res.pass) {
      reasons.push_back(std::string(stats::metric_name(t.metric)) + " " +
                        stats::format_metric(t.metric, res.measured) + " breaks " + t.text);
    }
    step->slo_results.push_back(res);
  }
  if (step->achieved < kMinAchievedShare * step->target) {
    reasons.push_back("achieved " + percent(step->achieved / step->target) + " of the target");
  }
  step->pass = reasons.empty();
  step->why.clear();
  for (const std::string& w : reasons) step->why += (step->why.empty() ? "" : "; ") + w;
  if (step->pass || step->setup_failed || step->interrupted || s.sends == 0) return;
  // A client limit: the rate was not reached and sends were late, although the server
  // answered fast enough (even at its p99 from send) that the connections were mostly idle,
  // and it did not fail requests. Conservative: a server that stalls now and then keeps
  // every connection busy while it does, and the step stays the server's failure.
  const double finished = double(s.requests_ok + s.requests_failed);
  const double per_request = r.rate.units_per_request > 0 ? r.rate.units_per_request : 1;
  const double busy = step->target / per_request * double(s.latency_from_send.value_at_percentile(99)) / 1e9;
  step->client_limited = step->achieved < kMinAchievedShare * step->target &&
                         double(s.sent_late) > kLateShare * double(s.sends) &&
                         busy < kIdleConnectionShare * double(connections) &&
                         finished > 0 && double(s.requests_failed) <= kLateShare * finished;
  if (step->client_limited) step->why += "; client limit: stressql could not send at this rate";
}

std::string thin_tail_note(const std::vector<judge::Threshold>& slos, uint64_t counted, int64_t step_ns) {
  double percentile = 0;
  const char* name = nullptr;
  for (const judge::Threshold& t : slos) {
    const double p = t.metric == stats::Metric::kP50    ? 50
                     : t.metric == stats::Metric::kP95  ? 95
                     : t.metric == stats::Metric::kP99  ? 99
                     : t.metric == stats::Metric::kP999 ? 99.9
                                                            : 0;
    if (p > percentile) {
      percentile = p;
      name = stats::metric_name(t.metric);
    }
  }
  if (name == nullptr || counted == 0 || step_ns <= 0) return "";
  const double beyond = 1 - percentile / 100;
  // (The epsilons keep 5000 × (1 − 0.999) at 5 in floating point.)
  const double tail = double(counted) * beyond + 1e-9;
  if (tail >= kMinTailRequests) return "";
  // The step that would count enough at this rate, rounded up to 5 s.
  const double per_second = double(counted) / (double(step_ns) / 1e9);
  const int64_t seconds = (static_cast<int64_t>(std::ceil(kMinTailRequests / beyond / per_second - 1e-9)) + 4) / 5 * 5;
  char rests[64];
  if (tail < 1) {
    std::snprintf(rests, sizeof rests, "is its slowest request");
  } else {
    std::snprintf(rests, sizeof rests, "rests on the %.0f slowest", std::floor(tail));
  }
  char note[400];
  std::snprintf(note, sizeof note,
                "note: a step at this rate counted %llu requests, so its %s %s: a stall or two "
                "decide it, and repeated searches can land further apart than --resolution. For a "
                "repeatable answer use --step %llds or longer (%.0f requests beyond the %s).",
                static_cast<unsigned long long>(counted), name, rests, static_cast<long long>(seconds),
                kMinTailRequests, name);
  return note;
}

int FindMax::run() {
  std::vector<StepOutcome> outcomes;
  for (int number = 1;; ++number) {
    decision_ = next_step(fm_.search, outcomes);
    if (decision_.phase == SearchPhase::kDone) break;
    if ((stop_ != nullptr && stop_->load()) || base::thread_faulted()) {
      interrupted_ = true;
      break;
    }
    steps_.push_back(run_step(number, decision_.next_rate, decision_.phase));
    if (on_step_) on_step_(steps_.back());
    if (steps_.back().interrupted) {
      interrupted_ = true;
      break;
    }
    if (steps_.back().setup_failed) break;
    outcomes.push_back(outcome(steps_.back()));
  }
  return decision_.phase == SearchPhase::kDone && decision_.found ? 0 : 1;
}

}  // namespace stressql::statements
