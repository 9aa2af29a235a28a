// Engine: the control-thread side. Splits each job over the reactors, feeds them commands,
// drains their events and turns per-reactor kJobDone events into one on_job_finished.
//
// Invariants:
//  - Every method runs on the control thread; the reactors are reached only through their
//    command rings (plus a doorbell) and read only through their event rings.
//  - Commands that do not fit a full command ring wait in pending_ (per job, so bounded by
//    the jobs the caller submits) and are retried on every call; the control thread never
//    blocks on a reactor, which could itself be waiting for the control thread to drain.
//  - A JobShared lives until its last reactor's kJobDone has been delivered.

#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <deque>
#include <map>
#include <string>

#include "base/clock.h"
#include "engine/cpu_pinning.h"
#include "engine/engine.h"
#include "engine/job.h"
#include "engine/reactor.h"

namespace stressql::engine {

namespace {

constexpr size_t kEventBatch = 256;

class EngineImpl final : public Engine {
 public:
  explicit EngineImpl(const EngineOptions& options) : options_(options) {}
  ~EngineImpl() override;

  base::Status init();
  int reactor_count() const override { return static_cast<int>(reactors_.size()); }
  base::Status submit(JobId id, JobSpec spec) override;
  void cancel(JobId id) override;
  size_t poll(EventSink* sink, int64_t max_wait_ns) override;
  EngineCounters counters() const override {
    EngineCounters sum;
    for (const auto& r : reactors_) r->add_counters(&sum);
    return sum;
  }

 private:
  struct JobControl {
    std::unique_ptr<JobShared> shared;
    int reactors_pending = 0;
    uint64_t requests_done = 0;
    bool cancelled = false;
    std::vector<uint32_t> slots_per_reactor;
  };
  struct Pending {
    int reactor;
    Command command;
  };

  void flush_pending();
  void send(int reactor, const Command& c);
  size_t drain(EventSink* sink);

  EngineOptions options_;
  int control_fd_ = -1;
  std::vector<std::unique_ptr<Reactor>> reactors_;
  std::vector<uint32_t> slots_in_use_;  // per reactor, by running jobs
  std::map<JobId, JobControl> jobs_;
  std::deque<Pending> pending_;
  uint32_t next_first_reactor_ = 0;
  uint64_t next_serial_ = 0;
  Event batch_[kEventBatch];
};

EngineImpl::~EngineImpl() {
  for (auto& r : reactors_) r->stop_and_join();
  reactors_.clear();
  if (control_fd_ >= 0) close(control_fd_);
}

base::Status EngineImpl::init() {
  if (options_.reactors < 0) return base::Status::error("engine: reactors must be >= 0");
  if (options_.max_connections_per_reactor == 0 || options_.max_connections_per_reactor > kMaxSlots) {
    return base::Status::error("engine: max_connections_per_reactor out of range");
  }
  control_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (control_fd_ < 0) return base::Status::error(std::string("eventfd: ") + strerror(errno));
  const std::vector<int> cpus = allowed_cpus();
  const int n = options_.reactors > 0 ? options_.reactors : static_cast<int>(cpus.size());
  for (int i = 0; i < n; ++i) {
    ReactorConfig config;
    config.index = i;
    config.cpu = options_.pin ? cpus[static_cast<size_t>(i) % cpus.size()] : -1;
    config.send_zc = options_.send_zc;
    config.max_slots = options_.max_connections_per_reactor;
    config.control_eventfd = control_fd_;
    auto r = std::make_unique<Reactor>(config);
    base::Status s = r->start();
    if (!s.is_ok()) return base::Status::error("reactor " + std::to_string(i) + ": " + s.message());
    reactors_.push_back(std::move(r));
  }
  slots_in_use_.assign(reactors_.size(), 0);
  return base::Status::ok();
}

base::Status EngineImpl::submit(JobId id, JobSpec spec) {
  flush_pending();
  if (jobs_.count(id) != 0) return base::Status::error("job " + std::to_string(id) + " is already running");
  if (!spec.source) return base::Status::error("job has no request source");
  if (spec.targets.empty()) return base::Status::error("job has no targets");
  if (spec.concurrency == 0) return base::Status::error("concurrency must be >= 1");
  if (spec.max_attempts == 0 || spec.max_attempts > 255) return base::Status::error("max_attempts must be 1-255");
  if (spec.timeout_ns <= 0) return base::Status::error("timeout must be > 0");
  if (spec.backoff_base_ns < 0 || spec.backoff_max_ns < 0 || spec.interval_ns < 0) {
    return base::Status::error("backoff and interval must be >= 0");
  }
  for (const Address& a : spec.targets) {
    if (a.len == 0) return base::Status::error("job has an unresolved target");
  }
  const uint32_t r_count = static_cast<uint32_t>(reactors_.size());
  // Reactor r (counting from a rotating first one) gets ⌊C/R⌋ or ⌈C/R⌉ slots.
  std::vector<uint32_t> share(r_count, 0);
  for (uint32_t k = 0; k < r_count; ++k) {
    const uint32_t r = (next_first_reactor_ + k) % r_count;
    share[r] = spec.concurrency / r_count + (k < spec.concurrency % r_count ? 1 : 0);
    if (slots_in_use_[r] + share[r] > options_.max_connections_per_reactor) {
      return base::Status::error("concurrency " + std::to_string(spec.concurrency) +
                           " exceeds the engine's free connections (max_connections_per_reactor)");
    }
  }
  JobControl job;
  job.shared = std::make_unique<JobShared>();
  JobShared* shared = job.shared.get();
  shared->init(id, std::move(spec), ++next_serial_);
  job.slots_per_reactor = share;
  uint32_t first_slot = 0;
  for (uint32_t k = 0; k < r_count; ++k) {
    const uint32_t r = (next_first_reactor_ + k) % r_count;
    if (share[r] == 0) continue;
    Command c;
    c.kind = Command::Kind::kStart;
    c.job = shared;
    c.first_slot = first_slot;
    c.slots = share[r];
    first_slot += share[r];
    slots_in_use_[r] += share[r];
    ++job.reactors_pending;
    send(static_cast<int>(r), c);
  }
  next_first_reactor_ = (next_first_reactor_ + 1) % r_count;
  jobs_.emplace(id, std::move(job));
  return base::Status::ok();
}

void EngineImpl::cancel(JobId id) {
  flush_pending();
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.cancelled) return;
  JobControl& job = it->second;
  job.cancelled = true;
  job.shared->cancelled.store(true, std::memory_order_relaxed);
  for (size_t r = 0; r < reactors_.size(); ++r) {
    if (job.slots_per_reactor[r] == 0) continue;
    Command c;
    c.kind = Command::Kind::kCancel;
    c.job = job.shared.get();
    send(static_cast<int>(r), c);
  }
}

void EngineImpl::send(int reactor, const Command& c) {
  // Keep per-reactor order: once something waits, everything after it waits too.
  if (pending_.empty() && reactors_[static_cast<size_t>(reactor)]->push_command(c)) {
    reactors_[static_cast<size_t>(reactor)]->wake();
    return;
  }
  pending_.push_back(Pending{reactor, c});
  flush_pending();
}

void EngineImpl::flush_pending() {
  while (!pending_.empty()) {
    Pending& p = pending_.front();
    if (!reactors_[static_cast<size_t>(p.reactor)]->push_command(p.command)) return;
    reactors_[static_cast<size_t>(p.reactor)]->wake();
    pending_.pop_front();
  }
}

size_t EngineImpl::drain(EventSink* sink) {
  size_t delivered = 0;
  for (size_t r = 0; r < reactors_.size(); ++r) {
    size_t n;
    while ((n = reactors_[r]->events().pop_n(batch_, kEventBatch)) > 0) {
      for (size_t i = 0; i < n; ++i) {
        const Event& e = batch_[i];
        ++delivered;
        if (e.kind == Event::Kind::kSample) {
          sink->on_sample(e.sample);
          continue;
        }
        auto it = jobs_.find(e.sample.job);
        if (it == jobs_.end()) continue;
        JobControl& job = it->second;
        job.requests_done += e.requests_done;
        job.cancelled = job.cancelled || e.cancelled;
        slots_in_use_[r] -= job.slots_per_reactor[r];
        if (--job.reactors_pending > 0) {
          --delivered;  // a per-reactor share is not an event for the caller
          continue;
        }
        JobResult result;
        result.job = e.sample.job;
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
        jobs_.erase(it);  // no reactor refers to the job any more
        sink->on_job_finished(result);
      }
    }
  }
  return delivered;
}

size_t EngineImpl::poll(EventSink* sink, int64_t max_wait_ns) {
  flush_pending();
  size_t delivered = drain(sink);
  if (delivered > 0 || max_wait_ns <= 0) return delivered;
  // While jobs run, samples come all the time: they are collected when the caller's wait is
  // up rather than each waking this thread; a job's end (or a filling ring) still does.
  const Reactor::WakeOn wake_on = jobs_.empty() ? Reactor::kWakeOnAny : Reactor::kWakeOnUrgent;
  const int64_t t0 = base::monotonic_ns();
  for (;;) {
    for (auto& r : reactors_) r->request_wakeup(wake_on);
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

}  // namespace

base::Status Engine::start(const EngineOptions& options, std::unique_ptr<Engine>* out) {
  auto engine = std::make_unique<EngineImpl>(options);
  base::Status s = engine->init();
  if (!s.is_ok()) return s;
  *out = std::move(engine);
  return base::Status::ok();
}

}  // namespace stressql::engine
