#pragma once
// The part every request-sending statement shares (INSERT, QUERY, InfluxQL): one engine
// job, its samples folded into the report, finished when the engine says the job is.

#include "statements/task.h"

namespace stressql::statements {

// The engine's schedule for `rate`: `units_per_request` is what one request carries in the
// rate's unit (1 for req/s, its points for pts/s, its body in MB for MB/s).
engine::RequestSchedule rate_schedule(const parser::Rate& rate, double units_per_request);

class RequestTask : public Task {
 public:
  using Task::Task;
  void on_sample(const engine::Sample& s) override;
  void on_job_finished(const engine::JobResult& r) override;
  bool poll(TaskContext& ctx, int64_t now_ns) override;
  void cancel(TaskContext& ctx) override;
  engine::JobId job() const override { return job_; }

 protected:
  // Submits `spec` as this task's job; on failure the statement ends with the error.
  void submit(TaskContext& ctx, engine::JobSpec spec, int64_t now_ns);
  // Fills the JobSpec fields every statement shares (base_job); on an error the statement
  // ends at once with it and false is returned.
  bool prepare_job(const TaskContext& ctx, const parser::Settings& settings, engine::JobSpec* spec);
  // Puts `whole_rate` (SET WriteRate / QueryRate) on the job as its schedule, and the target
  // into the report. Under --shard I/N the job sends requests I, I+N, … of the whole
  // schedule at their due times, and the report's target is the shard's share (rate / N). `units_per_request`: what one request carries in the rate's unit (1 for
  // req/s, its points for pts/s, its body in MB for MB/s). Warns, in the report, when the
  // closed loop's pause `interval_ns` (`interval_name`) is ignored, and when the rate is
  // one a run can hardly mean: at most 0.01 req/s, or beyond what its connections carry.
  void set_rate(const parser::Rate& whole_rate, double units_per_request, int64_t interval_ns,
                const char* interval_name, engine::JobSpec* spec);
  // Ends the statement at once (nothing sent), with `error`.
  void fail(const std::string& error);
  // Hook for subclasses, called for each final sample.
  virtual void on_final(const engine::Sample&) {}
  // Sets report().ok and error once the job has finished.
  virtual void conclude();

  SampleObserver observe_;
  generator::Shard shard_;  // requests are this shard's part (ctx.options->shard)
  engine::JobId job_ = 0;
  int64_t started_ns_ = 0;
  bool finished_ = false;
  bool cancelled_ = false;
  bool token_given_ = false;  // an API token was passed (the 401/403 hint says which fix)
};

// What to fix after a 401 or 403 from an `api` ("v1", "v2", "v3") server.
std::string credentials_hint(const std::string& api, bool token_given);

}  // namespace stressql::statements
