#pragma once
// The control thread: runs a script's statements in order (SPEC §3), GO in the background,
// WAIT for all of them, the end of the script waits too. Talks to the engine only through
// Engine::submit/cancel/poll. One Controller runs one script once.

#include <atomic>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "parser/script.h"
#include "report/text_report.h"
#include "statements/api_detect.h"
#include "statements/run_options.h"
#include "statements/server_sources.h"
#include "statements/task.h"

namespace stressql::statements {

class Barrier;  // statements/barrier.h

class Controller : public engine::EventSink {
 public:
  // `stop` is set (by a signal handler) to stop the run early; the report still comes.
  Controller(const parser::Script& script, const RunOptions& options,
             const std::atomic<bool>* stop, std::ostream& err);
  ~Controller() override;

  // Runs every statement. Returns 0 when every statement succeeded, 1 otherwise.
  int run();

  const std::vector<stats::StatementReport>& reports() const { return reports_; }
  // Hands the reports over (find-max keeps every step's). REQUIRES: run() has returned.
  std::vector<stats::StatementReport> take_reports() { return std::move(reports_); }
  const stats::RunSummary& summary() const { return summary_; }
  stats::RunSummary& summary() { return summary_; }
  const std::string& test_id() const { return summary_.test_id; }
  // Observer for every attempt (results rows); set before run().
  void set_observer(SampleObserver observer) { ctx_.observe = std::move(observer); }
  // Where warnings go (a line, no newline); default: the error stream.
  void set_warner(std::function<void(const std::string&)> warn) { warn_ = std::move(warn); }
  // Called about once a second while statements run (live progress).
  void set_ticker(std::function<void(const std::vector<stats::StatementReport>&,
                                     const std::vector<Task*>&)> tick) {
    ticker_ = std::move(tick);
  }

  void on_sample(const engine::Sample& s) override;
  void on_job_finished(const engine::JobResult& r) override;

 private:
  // Pumps engine events and polls running tasks until `done()` or the run is stopped.
  void wait_until(const std::function<bool()>& done);
  void turn(int64_t max_wait_ns);
  void run_statement(size_t index, const parser::Settings& settings, uint64_t seed);
  // True when the run must stop: Ctrl-C (*stop_), or a thread died of an exception
  // (base/thread_guard.h; summary_.internal_error then says which and why).
  bool stop_asked();
  void stop_everything();
  // Shards (controller_shards.cpp). Meets the other shards at barrier `name` (`where`, for
  // the error); false, with summary().shard_error set and the run stopped, when they do
  // not all arrive within --barrier-timeout. True at once for a single process.
  bool meet(const std::string& name, const std::string& where);
  // Before the first statement: the start barrier, then --start-at. False: stop the run.
  bool start_together();
  // True when statement `st` runs on shard 0 only (InfluxQL passthrough, EXEC).
  bool shard_zero_only(const parser::Statement& st) const;

  const parser::Script& script_;
  RunOptions options_;
  const std::atomic<bool>* stop_;
  std::ostream& err_;
  std::unique_ptr<engine::Engine> engine_;
  TaskContext ctx_;
  std::vector<stats::StatementReport> reports_;
  std::vector<std::unique_ptr<Task>> tasks_;   // every task started, in start order
  std::vector<Task*> running_;                 // started and not yet finished
  std::map<engine::JobId, Task*> by_job_;
  std::map<std::string, std::shared_ptr<InsertProgress>> inserts_;
  engine::JobId next_job_ = 1;
  bool stopping_ = false;
  int64_t stop_deadline_ns_ = 0;
  std::function<void(const std::vector<stats::StatementReport>&, const std::vector<Task*>&)>
      ticker_;
  int64_t next_tick_ns_ = 0;
  std::function<void(const std::string&)> warn_;
  stats::RunSummary summary_;
  std::FILE* dump_ = nullptr;
  std::unique_ptr<Barrier> barrier_;  // under --shard with N > 1
  std::string stop_reason_ = "interrupted";  // the "not run: …" of statements never started
  std::vector<ApiChoice> apis_;  // per statement: the API it speaks (SET Api, or auto's choice)
  // SPEC §7.1: the metrics sources of each statement, read by the sampler's thread.
  ServerSourcePlan server_plan_;
  std::unique_ptr<server_metrics::Sampler> sampler_;
  void warn(const std::string& line);
};

}  // namespace stressql::statements
