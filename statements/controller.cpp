#include "statements/controller.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <type_traits>

#include "base/clock.h"
#include "base/random.h"
#include "base/thread_guard.h"
#include "generator/shard.h"
#include "statements/barrier.h"
#include "statements/api_detect.h"
#include "statements/connection_budget.h"
namespace stressql::statements {
namespace {

using stats::StatementKind;

// After Ctrl-C, in-flight requests get this long to be cancelled and reported.
constexpr int64_t kStopGraceNs = 5'000'000'000;
constexpr int64_t kTickNs = 1'000'000'000;
// Between statements that run one after the other: how long the next waits for the
// server-metrics reading that ends the last one's window, and the shortest statement worth it.
constexpr int64_t kBoundaryMinNs = 10'000'000;
// The control thread sleeps until the engine has events, or this long: the granularity of
// EXEC completion, query-wait time-outs and Ctrl-C. Waking every millisecond instead cost
// 4 % of a core while idle.
constexpr int64_t kIdleWaitNs = 20'000'000;

std::string hex_id(uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) s[static_cast<size_t>(i)] = kHex[v & 15];
  return s;
}

// Seed of statement `index`: the same script and seed give the same bytes.
uint64_t statement_seed(uint64_t seed, size_t index) {
  return base::mix64(seed + 0x9e3779b97f4a7c15ULL * index);
}

}  // namespace

Controller::Controller(const parser::Script& script, const RunOptions& options,
                       const std::atomic<bool>* stop, std::ostream& err)
    : script_(script), options_(options), stop_(stop), err_(err) {
  summary_.test_id = options.test_id.empty() ? hex_id(base::random_seed(), 16) : options.test_id;
  if (options.shard.sharded()) {
    summary_.shard = options.shard.text();
    summary_.shards = options.shard.count;
  }
  ctx_.options = &options_;
  ctx_.script = &script_;
  ctx_.next_job_id = [this] { return next_job_++; };
  ctx_.find_insert = [this](const std::string& name) -> std::shared_ptr<InsertProgress> {
    auto it = inserts_.find(name);
    return it == inserts_.end() ? nullptr : it->second;
  };
  ctx_.publish_insert = [this](const std::string& name, std::shared_ptr<InsertProgress> p) {
    inserts_[name] = std::move(p);
  };
}

Controller::~Controller() {
  sampler_.reset();
  barrier_.reset();
  tasks_.clear();
  engine_.reset();
  if (dump_ != nullptr) std::fclose(dump_);
}

void Controller::on_sample(const engine::Sample& s) {
  auto it = by_job_.find(s.job);
  if (it != by_job_.end()) it->second->on_sample(s);
}

void Controller::on_job_finished(const engine::JobResult& r) {
  auto it = by_job_.find(r.job);
  if (it == by_job_.end()) return;
  it->second->on_job_finished(r);
  by_job_.erase(it);
}

void Controller::turn(int64_t max_wait_ns) {
  if (engine_) engine_->poll(this, max_wait_ns);
  int64_t now = base::monotonic_ns();
  for (size_t i = 0; i < running_.size();) {
    Task* t = running_[i];
    if (t->poll(ctx_, now)) {
      running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
      // A reading right after the statement's end. When nothing else runs, the next
      // statement waits for it (Sampler::mark_and_wait; about a millisecond for influxd's
      // /debug/vars on loopback): its window then starts where this one's ends, instead of
      // at a reading up to a second earlier that would count this one's points as its own.
      // Statements shorter than kBoundaryMinNs are not worth the wait.
      if (sampler_ && running_.empty() && t->report().duration_ns >= kBoundaryMinNs) {
        sampler_->mark_and_wait();
      } else if (sampler_) {
        sampler_->mark();
      }
      continue;
    }
    // A templated QUERY submits its job from poll(); route that job's events from now on.
    if (t->job() != 0 && by_job_.count(t->job()) == 0) by_job_[t->job()] = t;
    ++i;
  }
  // The sampler's warnings, printed here: the warner is the control thread's.
  if (sampler_) {
    for (const std::string& line : sampler_->take_warnings()) warn(line);
  }
  if (ticker_ && now >= next_tick_ns_) {
    next_tick_ns_ = now + kTickNs;
    ticker_(reports_, running_);
  }
}

bool Controller::stop_asked() {
  if (!summary_.internal_error.empty()) return true;
  if (base::thread_faulted()) {
    // Another thread died (base/thread_guard.h): the run stops as Ctrl-C stops it, and
    // says why; the statements in flight fail with the fault, the others do not start.
    summary_.internal_error = base::first_thread_fault().text();
    stop_reason_ = summary_.internal_error;
    return true;
  }
  return stop_ != nullptr && stop_->load(std::memory_order_relaxed);
}

void Controller::stop_everything() {
  if (stopping_) return;
  stopping_ = true;
  summary_.interrupted = true;
  stop_deadline_ns_ = base::monotonic_ns() + kStopGraceNs;
  for (Task* t : running_) {
    if (!summary_.internal_error.empty() && t->report().error.empty()) {
      t->report().error = summary_.internal_error;
    }
    t->cancel(ctx_);
  }
}

void Controller::wait_until(const std::function<bool()>& done) {
  while (!done()) {
    if (stop_asked()) stop_everything();
    if (stopping_ && base::monotonic_ns() > stop_deadline_ns_) {
      err_ << "stressql: in-flight requests did not stop within "
           << kStopGraceNs / 1'000'000'000 << "s; giving up on them\n";
      for (Task* t : running_) {
        t->report().ok = false;
        if (t->report().error.empty()) t->report().error = stop_reason();
        t->report().intervals.finish();
      }
      running_.clear();
      return;
    }
    turn(kIdleWaitNs);
  }
}

void Controller::run_statement(size_t index, const parser::Settings& settings, uint64_t seed) {
  const parser::Statement& st = script_.statements[index];
  stats::StatementReport& r = reports_[index];
  std::unique_ptr<Task> task;
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, parser::InsertStmt>) {
          task = make_insert_task(&r, body);
        } else if constexpr (std::is_same_v<T, parser::QueryStmt>) {
          task = make_query_task(&r, body);
        } else if constexpr (std::is_same_v<T, parser::InfluxQLStmt>) {
          task = make_influxql_task(&r, body);
        } else if constexpr (std::is_same_v<T, parser::ExecStmt>) {
          task = make_exec_task(&r, body);
        }
      },
      st.body);
  if (!task) return;
  Task* t = task.get();
  tasks_.push_back(std::move(task));
  t->start(ctx_, settings, statement_seed(seed, index), base::monotonic_ns());
  if (!r.warning.empty()) {
    warn("stressql: warning: " + std::string(stats::kind_name(r.kind)) + " " + r.name + ": " + r.warning);
  }
  if (t->job() != 0) by_job_[t->job()] = t;
  running_.push_back(t);
  if (!st.go) {
    wait_until([&] { return std::find(running_.begin(), running_.end(), t) == running_.end(); });
  }
}

void Controller::warn(const std::string& line) {
  if (warn_) {
    warn_(line);
  } else {
    err_ << line << "\n";
  }
}

int Controller::run() {
  summary_.start_unix_ns = base::unix_ns();
  int64_t t0 = base::monotonic_ns();
  reports_.resize(script_.statements.size());
  for (size_t i = 0; i < reports_.size(); ++i) {
    const parser::Statement& st = script_.statements[i];
    stats::StatementReport& r = reports_[i];
    // The shards parse the script each: statement IDs from the test ID keep their rows
    // of one statement together for `stressql report`.
    r.id = options_.shard.sharded()
               ? hex_id(base::hash2(generator::seed_from_test_id(summary_.test_id), i), 10)
               : st.id;
    r.go = st.go;
    std::visit(
        [&](const auto& b) {
          using T = std::decay_t<decltype(b)>;
          if constexpr (std::is_same_v<T, parser::SetStmt>) {
            r.kind = StatementKind::kSet;
            r.name = std::string(parser::setting_info(b.name).canonical);
          } else if constexpr (std::is_same_v<T, parser::InsertStmt>) {
            r.kind = StatementKind::kInsert;
            r.name = b.name;
          } else if constexpr (std::is_same_v<T, parser::QueryStmt>) {
            r.kind = StatementKind::kQuery;
            r.name = b.name;
          } else if constexpr (std::is_same_v<T, parser::WaitStmt>) {
            r.kind = StatementKind::kWait;
          } else if constexpr (std::is_same_v<T, parser::ExecStmt>) {
            r.kind = StatementKind::kExec;
            r.name = b.command;
          } else {
            r.kind = StatementKind::kInfluxQL;
            r.name = b.text;
          }
        },
        st.body);
  }

  bool offline = !options_.dump_file.empty() || options_.dry_run;
  if (!offline) {
    // Say the descriptor limit before anything is sent, rather than hit it mid-run.
    if (std::string e = check_descriptor_limit(script_, options_.settings, options_.shard); !e.empty()) {
      err_ << "stressql: " << e << "\n";
      return 2;
    }
  }
  {
    // SET Api [auto] asks each address once, and a v2 without Org fails, before anything is sent.
    ApiDetector detector(options_.token, options_.request_timeout_ns, offline, stop_, options_.tls);
    if (base::Status st = choose_apis(script_, options_.settings, &detector, &apis_); !st) {
      err_ << "stressql: " << st.message() << "\n";
      return 2;
    }
    // SET ServerMetrics' auto reads the same /ping answers; nothing is read offline.
    if (!offline) {
      if (base::Status st = plan_server_sources(script_, options_.settings, options_.server_pid,
                                                options_.token, &detector, &server_plan_);
          !st) {
        err_ << "stressql: " << st.message() << "\n";
        return 2;
      }
      for (const std::string& line : server_plan_.notes) warn("stressql: warning: " + line);
    }
  }
  if (!options_.dump_file.empty()) {
    dump_ = std::fopen(options_.dump_file.c_str(), "wb");
    if (dump_ == nullptr) {
      err_ << "stressql: cannot write " << options_.dump_file << ": " << std::strerror(errno) << "\n";
      return 2;
    }
  }
  {
    engine::EngineOptions eo;
    eo.reactors = options_.reactors;
    eo.send_zc = options_.send_zc;
    base::Status st = offline ? engine::Engine::start_offline(eo, dump_, &engine_)
                                : engine::Engine::start(eo, &engine_);
    if (!st) {
      err_ << "stressql: cannot start the engine: " << st.message() << "\n";
      return 1;
    }
    ctx_.engine = engine_.get();
    ctx_.offline = offline;
    summary_.offline = offline;
  }

  if (!server_plan_.all.empty()) {
    server_metrics::SamplerOptions so;
    so.extra = options_.server_metric_names;
    sampler_ = std::make_unique<server_metrics::Sampler>(server_plan_.all, so);
    sampler_->start();  // the first readings, before any statement sends
    for (const std::string& line : sampler_->take_warnings()) warn(line);
  }

  parser::Settings settings = options_.settings;
  // Without --seed, the test ID keys the random values: shards of one test render the
  // same points, and a run can be rendered again from its test ID.
  uint64_t run_seed = options_.seed.value_or(generator::seed_from_test_id(summary_.test_id));
  if (!start_together()) stop_everything();
  for (size_t i = 0; i < script_.statements.size(); ++i) {
    if (stopping_ || stop_asked()) {
      stop_everything();
      break;
    }
    const parser::Statement& st = script_.statements[i];
    stats::StatementReport& r = reports_[i];
    if (const auto* set = std::get_if<parser::SetStmt>(&st.body)) {
      std::string error;
      r.ran = true;
      r.set_value = parser::display_value(set->name, set->value);
      if (!parser::apply_setting(set->name, set->value, &settings, &error)) {
        r.ok = false;  // the parser validated it; this would be a bug
        r.error = error;
      }
      continue;
    }
    if (std::holds_alternative<parser::WaitStmt>(st.body)) {
      int64_t w0 = base::monotonic_ns();
      r.ran = true;
      wait_until([&] { return running_.empty(); });
      r.duration_ns = base::monotonic_ns() - w0;
      continue;
    }
    parser::Settings resolved = settings;
    resolved.api = apis_[i].api;
    r.api_reason = apis_[i].reason;
    if (shard_zero_only(st)) {
      if (options_.shard.index == 0) run_statement(i, resolved, settings.seed.value_or(run_seed));
      if (options_.shard.index != 0) r.error = "run by shard 0";
      meet("statement-" + std::to_string(i),
           std::string(r.kind == StatementKind::kExec ? "the EXEC" : "the InfluxQL statement") +
               " on line " + std::to_string(st.pos.line));
      continue;
    }
    run_statement(i, resolved, settings.seed.value_or(run_seed));
  }
  wait_until([&] { return running_.empty(); });
  if (sampler_) {
    // The last reading: a second after every statement when a server counts writes after
    // answering them (VictoriaMetrics), so the last statement's count is whole; else now.
    const bool settle = !stopping_ && sampler_->counts_late();
    sampler_->stop(std::chrono::milliseconds(settle ? 1000 : 0));
    for (const std::string& line : sampler_->take_warnings()) warn(line);
    fill_server_stats(server_plan_, *sampler_, options_.shard.count, &reports_);
  }
  if (!stopping_) meet("end", "the end of the script");
  if (stopping_) {
    for (auto& r : reports_) {
      if (!r.ran && r.kind != StatementKind::kSet && r.error.empty()) r.error = "not run: " + stop_reason_;
    }
  }
  if (engine_) {
    summary_.reactors = engine_->reactor_count();
    summary_.send_zc = options_.send_zc;
    summary_.engine = engine_->counters();  // final, unless in-flight requests were given up on
  }
  engine_.reset();  // joins the reactors: their CPU time is all in before we read it
  summary_.duration_ns = base::monotonic_ns() - t0;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  summary_.cpu_user_s = double(ru.ru_utime.tv_sec) + double(ru.ru_utime.tv_usec) / 1e6;
  summary_.cpu_system_s = double(ru.ru_stime.tv_sec) + double(ru.ru_stime.tv_usec) / 1e6;
  stop_asked();  // a thread that died after the last statement is told as well
  bool all_ok = !summary_.interrupted && summary_.shard_error.empty() && summary_.internal_error.empty();
  for (const auto& r : reports_) all_ok = all_ok && r.ok;
  return all_ok ? 0 : 1;
}

}  // namespace stressql::statements
