#pragma once
// A statement while it runs. Tasks live on the control thread only: the controller
// starts them, routes engine events to them by job id, and polls them every loop turn.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/clock.h"
#include "engine/engine.h"
#include "parser/script.h"
#include "stats/statement_report.h"
#include "statements/run_options.h"

namespace stressql::generator {
class PointPlan;
}

namespace stressql::statements {

// What a templated QUERY reads from the INSERT of the same name. The INSERT task
// publishes; query sources read it on reactor threads (hence the atomic).
struct InsertProgress {
  std::shared_ptr<const generator::PointPlan> plan;
  // 1 + the index of the newest point the server accepted; 0 while none.
  std::atomic<uint64_t> newest_point_plus_one{0};
  // Set (control thread) when the INSERT has finished: a query still waiting for a point
  // then knows none will come.
  bool finished = false;
};

// Called for every attempt of every request, for results rows.
using SampleObserver =
    std::function<void(const stats::StatementReport&, const engine::Sample&)>;

struct TaskContext {
  engine::Engine* engine = nullptr;  // never null while tasks run; the offline engine with
                                     // --dump / --dry-run (renders, sends nothing)
  bool offline = false;              // --dump / --dry-run: nothing leaves the tool
  const RunOptions* options = nullptr;
  const parser::Script* script = nullptr;
  std::function<engine::JobId()> next_job_id;
  // The newest INSERT started so far with this name, or null.
  std::function<std::shared_ptr<InsertProgress>(const std::string&)> find_insert;
  std::function<void(const std::string&, std::shared_ptr<InsertProgress>)> publish_insert;
  SampleObserver observe;
  // Under --shard: the latest barrier's time, the same on every shard; an INSERT with
  // StartDate now starts its timestamps there, so the shards render the same points.
  int64_t shared_now_unix_ns = 0;
};

class Task {
 public:
  explicit Task(stats::StatementReport* report) : report_(report) {}
  virtual ~Task() = default;
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  // Starts the statement with the settings in force now. `now_ns` is monotonic.
  virtual void start(TaskContext& ctx, const parser::Settings& settings, uint64_t seed,
                     int64_t now_ns) = 0;
  virtual void on_sample(const engine::Sample&) {}
  virtual void on_job_finished(const engine::JobResult&) {}
  // Advances time-driven work; returns true once the statement has finished.
  virtual bool poll(TaskContext& ctx, int64_t now_ns) = 0;
  // Stops the statement (Ctrl-C); poll() still reports when it has finished.
  virtual void cancel(TaskContext& ctx) = 0;
  // The engine job whose events go to this task; 0 when none.
  virtual engine::JobId job() const { return 0; }

  stats::StatementReport& report() { return *report_; }

 protected:
  stats::StatementReport* report_;  // owned by the controller; outlives the task
};

std::unique_ptr<Task> make_insert_task(stats::StatementReport* r, const parser::InsertStmt& s);
// INSERT … FROM (statements/replay_task.cpp); make_insert_task hands replay INSERTs to it.
std::unique_ptr<Task> make_replay_task(stats::StatementReport* r, const parser::InsertStmt& s);
std::unique_ptr<Task> make_query_task(stats::StatementReport* r, const parser::QueryStmt& s);
std::unique_ptr<Task> make_influxql_task(stats::StatementReport* r,
                                         const parser::InfluxQLStmt& s);
std::unique_ptr<Task> make_exec_task(stats::StatementReport* r, const parser::ExecStmt& s);

// Why a stopped statement failed: "interrupted" (Ctrl-C), or the fault of a thread that
// died and stopped the run (base/thread_guard.h).
std::string stop_reason();

// Fills the report's settings snapshot (results-row tags, JSON).
void snapshot_settings(const parser::Settings& s, stats::StatementReport* r);

// JobSpec fields every request-sending statement shares.
base::Status base_job(const TaskContext& ctx, const parser::Settings& s, engine::JobSpec* spec);

}  // namespace stressql::statements
