#include "engine/worker_pool.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "base/clock.h"
#include "engine/descriptor_limit.h"

namespace stressql::engine {

WorkerPool::WorkerPool(std::vector<std::unique_ptr<Worker>> workers, int control_fd,
                       PoolPolicy policy)
    : workers_(std::move(workers)), control_fd_(control_fd), policy_(policy) {
  slots_in_use_.assign(workers_.size(), 0);
}

WorkerPool::~WorkerPool() {
  for (auto& w : workers_) w->stop_and_join();
  workers_.clear();
  if (control_fd_ >= 0) close(control_fd_);
}

EngineCounters WorkerPool::counters() const {
  EngineCounters sum;
  for (const auto& w : workers_) w->add_counters(&sum);
  return sum;
}

base::Status WorkerPool::check(const JobSpec& spec) const {
  if (!spec.source) return base::Status::error("job has no request source");
  if (spec.targets.empty()) return base::Status::error("job has no targets");
  if (spec.concurrency == 0) return base::Status::error("concurrency must be >= 1");
  if (spec.max_attempts == 0 || spec.max_attempts > 255) return base::Status::error("max_attempts must be 1-255");
  if (spec.timeout_ns <= 0) return base::Status::error("timeout must be > 0");
  if (spec.backoff_base_ns < 0 || spec.backoff_max_ns < 0 || spec.interval_ns < 0) {
    return base::Status::error("backoff and interval must be >= 0");
  }
  const RequestSchedule& r = spec.schedule;
  if (r.open_loop() && !(r.from_per_s >= 0 && r.ramp_ns >= 0 && r.units_per_request > 0)) {
    return base::Status::error("schedule: rates and units per request must be >= 0, the ramp too");
  }
  if (policy_.resolved_targets) {
    for (const Address& a : spec.targets) {
      if (a.len == 0) return base::Status::error("job has an unresolved target");
    }
  }
  return base::Status::ok();
}

base::Status WorkerPool::submit(JobId id, JobSpec spec) {
  flush_pending();
  if (jobs_.count(id) != 0) return base::Status::error("job " + std::to_string(id) + " is already running");
  if (base::Status s = check(spec); !s) return s;
  const uint64_t w_count = workers_.size();
  // The job's slots: its concurrency, up to what the workers run per job. Worker w
  // (counting from a rotating first one) gets ⌊S/W⌋ or ⌈S/W⌉ of them.
  const uint32_t job_slots = static_cast<uint32_t>(
      std::min<uint64_t>(spec.concurrency, w_count * policy_.max_slots_per_job));
  if (policy_.descriptor_bound) {
    uint64_t running = 0;
    for (uint32_t n : slots_in_use_) running += n;
    const std::string e = check_connection_budget(running + job_slots, descriptor_limit());
    if (!e.empty()) {
      return base::Status::error(std::to_string(job_slots) + " connections" +
                                 (running > 0 ? " beside the " + std::to_string(running) + " of running jobs, " : " ") + e);
    }
  }
  std::vector<uint32_t> share(w_count, 0);
  for (uint64_t k = 0; k < w_count; ++k) {
    const size_t w = (next_first_worker_ + k) % w_count;
    share[w] = static_cast<uint32_t>(job_slots / w_count + (k < job_slots % w_count ? 1 : 0));
    if (uint64_t{slots_in_use_[w]} + share[w] > policy_.slot_capacity) {
      return base::Status::error("concurrency " + std::to_string(spec.concurrency) +
                                 " exceeds the engine's free connections (max_connections_per_reactor)");
    }
  }
  JobControl job;
  job.shared = std::make_unique<JobShared>();
  JobShared* shared = job.shared.get();
  shared->init(id, std::move(spec), ++next_serial_);
  shared->job_slots = job_slots;
  shared->start_ns = base::monotonic_ns();
  job.slots_per_worker = share;
  job.worker_done.assign(w_count, false);
  uint32_t first_slot = 0;
  for (uint64_t k = 0; k < w_count; ++k) {
    const size_t w = (next_first_worker_ + k) % w_count;
    if (share[w] == 0) continue;
    Command c;
    c.kind = Command::Kind::kStart;
    c.job = shared;
    c.first_slot = first_slot;
    c.slots = share[w];
    first_slot += share[w];
    slots_in_use_[w] += share[w];
    ++job.workers_pending;
    send(w, c);
  }
  next_first_worker_ = (next_first_worker_ + 1) % w_count;
  jobs_.emplace(id, std::move(job));
  return base::Status::ok();
}

void WorkerPool::cancel(JobId id) {
  flush_pending();
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.cancelled) return;
  JobControl& job = it->second;
  job.cancelled = true;
  job.shared->cancelled.store(true, std::memory_order_relaxed);
  for (size_t w = 0; w < workers_.size(); ++w) {
    if (job.slots_per_worker[w] == 0) continue;
    Command c;
    c.kind = Command::Kind::kCancel;
    c.job = job.shared.get();
    send(w, c);
  }
}

void WorkerPool::send(size_t worker, const Command& c) {
  if (workers_[worker]->failed()) return;  // a dead worker reads nothing (bury() ends its shares)
  // Keep per-worker order: once something waits, everything after it waits too.
  if (pending_.empty() && workers_[worker]->push_command(c)) {
    workers_[worker]->wake();
    return;
  }
  pending_.push_back(Pending{worker, c});
  flush_pending();
}

void WorkerPool::flush_pending() {
  while (!pending_.empty()) {
    Pending& p = pending_.front();
    if (workers_[p.worker]->failed()) {
      pending_.pop_front();
      continue;
    }
    if (!workers_[p.worker]->push_command(p.command)) return;
    workers_[p.worker]->wake();
    pending_.pop_front();
  }
}

void WorkerPool::finish(JobId id, JobControl& job, EventSink* sink) {
  JobResult result;
  result.job = id;
  result.requests_done = job.requests_done;
  result.cancelled = job.cancelled;
  const JobSpec& spec = job.shared->spec;
  result.requests_not_sent = spec.requests - std::min(spec.requests, job.requests_done);
  for (size_t t = 0; t < spec.targets.size(); ++t) {
    if (!job.shared->targets[t].gave_up.load(std::memory_order_relaxed)) continue;
    result.gave_up += std::string(result.gave_up.empty() ? "" : "; ") + "gave up on " +
                      spec.targets[t].text;
    result.gave_up += job.shared->targets[t].tls_failed.load(std::memory_order_relaxed)
                          ? std::string(": TLS failed")
                          : " after " + std::to_string(spec.give_up_after) + " consecutive failed requests";
  }
  jobs_.erase(id);  // no worker refers to the job any more
  sink->on_job_finished(result);
}

size_t WorkerPool::drain(EventSink* sink) {
  size_t delivered = 0;
  for (size_t w = 0; w < workers_.size(); ++w) {
    // Read before its ring is emptied: a dead worker's last events are all in it then.
    const bool dead = workers_[w]->failed();
    size_t n;
    while ((n = workers_[w]->events().pop_n(batch_, kEventBatch)) > 0) {
      for (size_t i = 0; i < n; ++i) {
        const Event& e = batch_[i];
        if (e.kind == Event::Kind::kSample) {
          ++delivered;
          sink->on_sample(e.sample);
          continue;
        }
        auto it = jobs_.find(e.sample.job);
        if (it == jobs_.end()) continue;
        JobControl& job = it->second;
        job.requests_done += e.requests_done;
        job.cancelled = job.cancelled || e.cancelled;
        job.worker_done[w] = true;
        slots_in_use_[w] -= job.slots_per_worker[w];
        if (--job.workers_pending > 0) continue;  // a worker's share is not an event for the caller
        ++delivered;
        finish(e.sample.job, job, sink);
      }
    }
    if (dead) delivered += bury(w, sink);
  }
  return delivered;
}

size_t WorkerPool::bury(size_t w, EventSink* sink) {
  size_t delivered = 0;
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    JobControl& job = it->second;
    const JobId id = it->first;
    ++it;  // finish() erases the job
    if (job.slots_per_worker[w] == 0 || job.worker_done[w]) continue;
    job.worker_done[w] = true;
    job.cancelled = true;
    job.shared->cancelled.store(true, std::memory_order_relaxed);  // the others stop too
    slots_in_use_[w] -= job.slots_per_worker[w];
    if (--job.workers_pending > 0) continue;
    ++delivered;
    finish(id, job, sink);
  }
  return delivered;
}

size_t WorkerPool::poll(EventSink* sink, int64_t max_wait_ns) {
  flush_pending();
  size_t delivered = drain(sink);
  if (delivered > 0 || max_wait_ns <= 0) return delivered;
  // While jobs run, samples come all the time: they are collected when the caller's wait is
  // up rather than each waking this thread; a job's end (or a filling ring) still does.
  const Worker::WakeOn wake_on = jobs_.empty() ? Worker::kWakeOnAny : Worker::kWakeOnUrgent;
  const int64_t t0 = base::monotonic_ns();
  for (;;) {
    for (auto& w : workers_) w->request_wakeup(wake_on);
    delivered = drain(sink);
    if (delivered > 0) return delivered;
    const int64_t left = max_wait_ns - (base::monotonic_ns() - t0);
    if (left <= 0) return 0;
    // Pending commands are retried at least every millisecond while we wait.
    const int64_t wait = pending_.empty() ? left : std::min<int64_t>(left, 1'000'000);
    pollfd pfd{control_fd_, POLLIN, 0};
    timespec ts{wait / 1'000'000'000, wait % 1'000'000'000};
    ppoll(&pfd, 1, &ts, nullptr);
    uint64_t value;
    (void)!read(control_fd_, &value, sizeof(value));
    flush_pending();
  }
}

}  // namespace stressql::engine
