#pragma once
// WorkerPool: the control-thread side of an engine, whatever its workers do. Splits each
// job into job slots over the workers, feeds them commands, drains their events and turns
// per-worker kJobDone events into one on_job_finished.
//
// Invariants:
//  - Every method runs on the control thread; a worker is reached only through its command
//    ring (plus a doorbell) and read only through its event ring.
//  - Commands that do not fit a full command ring wait in pending_ (per job, so bounded by
//    the jobs the caller submits) and are retried on every call, in order per worker; the
//    control thread never blocks on a worker, which could itself be waiting for the control
//    thread to drain.
//  - A JobShared lives until its last worker's kJobDone has been delivered, or the worker
//    died (Worker::failed): a dead worker's thread has ended and touches nothing.

#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "engine/engine.h"
#include "engine/job.h"
#include "engine/worker.h"

namespace stressql::engine {

// What differs between the kinds of workers, as far as the control side is concerned.
struct PoolPolicy {
  // Job slots one worker runs for one job: a reactor runs a connection per slot; a
  // renderer is one slot (it renders one request at a time).
  uint32_t max_slots_per_job = UINT32_MAX;
  // Slots one worker holds across running jobs (a reactor's connection table); submit
  // fails when a job would exceed it.
  uint32_t slot_capacity = UINT32_MAX;
  // Every slot is a descriptor: the running jobs' slots together must fit under the
  // descriptor limit (engine/descriptor_limit.h), checked at submit.
  bool descriptor_bound = false;
  // Jobs must carry resolved addresses (the network engine connects to them).
  bool resolved_targets = true;
};

class WorkerPool final : public Engine {
 public:
  // Takes the started workers and the control eventfd they write to (closed here).
  WorkerPool(std::vector<std::unique_ptr<Worker>> workers, int control_fd, PoolPolicy policy);
  ~WorkerPool() override;  // stops and joins the workers, then closes the eventfd

  int reactor_count() const override { return static_cast<int>(workers_.size()); }
  base::Status submit(JobId id, JobSpec spec) override;
  void cancel(JobId id) override;
  size_t poll(EventSink* sink, int64_t max_wait_ns) override;
  EngineCounters counters() const override;

 private:
  struct JobControl {
    std::unique_ptr<JobShared> shared;
    int workers_pending = 0;
    uint64_t requests_done = 0;
    bool cancelled = false;
    std::vector<uint32_t> slots_per_worker;
    std::vector<bool> worker_done;  // the worker's kJobDone came (or it died)
  };
  struct Pending {
    size_t worker;
    Command command;
  };

  base::Status check(const JobSpec& spec) const;
  void send(size_t worker, const Command& c);
  void flush_pending();
  size_t drain(EventSink* sink);
  // A worker that died (Worker::failed) sends no kJobDone: its shares end here, cancelled,
  // their unfinished requests not sent. Returns the jobs finished that way.
  size_t bury(size_t worker, EventSink* sink);
  void finish(JobId id, JobControl& job, EventSink* sink);

  std::vector<std::unique_ptr<Worker>> workers_;
  int control_fd_;
  PoolPolicy policy_;
  std::vector<uint32_t> slots_in_use_;  // per worker, by running jobs
  std::map<JobId, JobControl> jobs_;
  std::deque<Pending> pending_;
  size_t next_first_worker_ = 0;
  uint64_t next_serial_ = 0;
  static constexpr size_t kEventBatch = 256;
  Event batch_[kEventBatch];
};

}  // namespace stressql::engine
