// The offline engine (--dump, --dry-run): reactors that render requests and send none, so a
// dry run measures what the reactors themselves can produce per core.
//
// Invariants:
//  - As in EngineImpl, every Engine method runs on the control thread; a renderer thread is
//    reached only through its command ring (plus a doorbell) and read only through its
//    event ring, and a full event ring stalls it, it never drops a sample.
//  - A renderer is one job slot of each job it gets: it claims with JobShared::claim_for
//    exactly as a real reactor's connection slot does, so every request index is rendered
//    once across the renderers, in round-robin over the targets.
//  - A renderer runs its jobs one after another, in the order it got them. With an output
//    there is one renderer, so bodies are written in request-index order, job after job.
//  - Cancel is JobShared::cancelled alone: a renderer reads it before every claim (also for
//    a job still queued behind another), so no cancel command is needed.
//  - A JobShared lives until its last renderer's kJobDone has been delivered.
//  - The per-request path (claim, render, frame, write, push a sample) allocates nothing
//    and takes no lock: buffers are sized when a job starts on the renderer.

#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "engine/cpu_pinning.h"
#include "engine/engine.h"
#include "engine/job.h"
#include "engine/spsc_ring.h"

namespace stressql::engine {

namespace {

constexpr size_t kEventBatch = 256;
constexpr size_t kCommandCapacity = 256;
constexpr size_t kEventCapacity = 4096;

int64_t clock_ns(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// One offline reactor: a pinned thread that renders its share of each job.
class Renderer {
 public:
  Renderer(int cpu, std::FILE* output, int control_fd)
      : cpu_(cpu), output_(output), control_fd_(control_fd) {}
  ~Renderer() { stop_and_join(); }
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // Control thread.
  void start() { thread_ = std::thread([this] { run(); }); }
  void stop_and_join() {
    stop_.store(true, std::memory_order_release);
    wake();
    if (thread_.joinable()) thread_.join();
  }
  // Control thread: false when the command ring is full (nothing stored).
  // Command::first_slot is this renderer's job slot, Command::slots the job's slot count.
  bool push_command(const Command& c) { return commands_.try_push(c); }
  void wake() {
    doorbell_.fetch_add(1, std::memory_order_release);
    doorbell_.notify_one();
  }
  SpscRing<Event>& events() { return events_; }

 private:
  struct Run {
    JobShared* job = nullptr;
    uint32_t job_slot = 0;
    uint32_t slots = 1;
    uint32_t next_pick = 0;
    uint64_t requests_done = 0;
    bool cancelled = false;
    bool output_failed = false;
  };

  void run();
  void begin(const Run& r);
  bool render_next(Run& r);  // false once the run has nothing left to render
  void emit(const Event& e);
  void notify_control() {
    uint64_t one = 1;
    (void)!write(control_fd_, &one, sizeof(one));
  }

  const int cpu_;
  std::FILE* const output_;
  const int control_fd_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  alignas(kFalseSharing) std::atomic<uint32_t> doorbell_{0};
  SpscRing<Command> commands_{kCommandCapacity};
  SpscRing<Event> events_{kEventCapacity};

  // Renderer thread state.
  std::deque<Run> runs_;
  bool began_ = false;            // buffers are sized for runs_.front()
  std::vector<char> buffer_;      // header room + body
  std::vector<char> target_;
  bool half_notified_ = false;    // the control thread heard that the ring is over half full
  int64_t mono_to_unix_ns_ = 0;
};

void Renderer::run() {
  if (cpu_ >= 0) pin_current_thread(cpu_);
  mono_to_unix_ns_ = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
  for (;;) {
    const uint32_t bell = doorbell_.load(std::memory_order_acquire);
    if (stop_.load(std::memory_order_acquire)) return;
    Command c;
    while (commands_.try_pop(&c)) {
      if (c.kind != Command::Kind::kStart) continue;
      Run r;
      r.job = c.job;
      r.job_slot = c.first_slot;
      r.slots = c.slots;
      runs_.push_back(r);
    }
    if (runs_.empty()) {
      doorbell_.wait(bell, std::memory_order_acquire);  // until wake(): a command or stop
      continue;
    }
    Run& r = runs_.front();
    if (!began_) {
      begin(r);
      began_ = true;
    }
    if (render_next(r)) continue;
    Event done;
    done.kind = Event::Kind::kJobDone;
    done.sample.job = r.job->id;
    done.cancelled = r.cancelled;
    done.requests_done = r.requests_done;
    runs_.pop_front();  // r is not touched after this: the job may be gone once it is seen
    began_ = false;
    emit(done);
  }
}

void Renderer::begin(const Run& r) {
  const JobShared& job = *r.job;
  // Rendered in place behind the header room, as a reactor does into its send buffer.
  const size_t bytes = job.header_room + job.spec.source->max_body_bytes() + 1;
  if (buffer_.size() < bytes) buffer_.resize(bytes);
  if (target_.size() < job.max_target_bytes + 1) target_.resize(job.max_target_bytes + 1);
}

bool Renderer::render_next(Run& r) {
  JobShared& job = *r.job;
  if (job.cancelled.load(std::memory_order_relaxed)) r.cancelled = true;
  if (r.cancelled || r.output_failed) return false;
  uint64_t index;
  uint32_t t;
  if (!job.claim_for(r.job_slot, r.slots, &r.next_pick, &index, &t)) return false;
  const int64_t t0 = clock_ns(CLOCK_MONOTONIC);
  char* body = buffer_.data() + job.header_room;
  const RequestSource::Rendered rendered = job.spec.source->render(index, target_.data(), body);
  const size_t body_len = job.spec.method == Method::kPost ? rendered.body_len : 0;
  const size_t first = job.templates[t].frame(buffer_.data(), target_.data(), rendered.target_len, body_len);
  Event e;
  e.kind = Event::Kind::kSample;
  Sample& s = e.sample;
  s.job = job.id;
  s.failure = Failure::kNotSent;
  s.points = rendered.points;
  s.request_bytes = static_cast<uint32_t>(job.header_room + body_len - first);
  s.request_index = index;
  s.due_unix_ns = t0 + mono_to_unix_ns_;
  // Flushed per request, so a failed write is this request's, not a later one's.
  if (output_ != nullptr && body_len > 0 &&
      (std::fwrite(body, 1, body_len, output_) != body_len || std::fflush(output_) != 0)) {
    char why[sizeof(s.message)];
    const char* text = strerror_r(errno, why, sizeof(why));
    s.failure = Failure::kOutput;
    std::snprintf(s.message, sizeof(s.message), "%s", text);
    r.output_failed = true;
  }
  s.latency_ns = clock_ns(CLOCK_MONOTONIC) - t0;
  ++r.requests_done;
  emit(e);
  return true;
}

void Renderer::emit(const Event& e) {
  while (!events_.try_push(e)) {
    // Full: stall until the control thread drains (nobody does after stop).
    if (stop_.load(std::memory_order_acquire)) return;
    notify_control();
    timespec pause{0, 50'000};
    nanosleep(&pause, nullptr);
  }
  // Samples wait for the control thread's next timed turn; a job's end or a filling ring
  // wakes it, once per filling.
  if (e.kind != Event::Kind::kSample) {
    notify_control();
  } else if (events_.over_half()) {
    if (!half_notified_) notify_control();
    half_notified_ = true;
  } else {
    half_notified_ = false;
  }
}

class OfflineEngine final : public Engine {
 public:
  OfflineEngine(const EngineOptions& options, std::FILE* output) : options_(options), output_(output) {}
  ~OfflineEngine() override;

  base::Status init();
  int reactor_count() const override { return static_cast<int>(renderers_.size()); }
  base::Status submit(JobId id, JobSpec spec) override;
  void cancel(JobId id) override;
  size_t poll(EventSink* sink, int64_t max_wait_ns) override;
  EngineCounters counters() const override { return EngineCounters{}; }  // nothing is sent

 private:
  struct JobControl {
    std::unique_ptr<JobShared> shared;
    int renderers_pending = 0;
    uint64_t requests_done = 0;
    bool cancelled = false;
  };
  struct Pending {
    size_t renderer;
    Command command;
  };

  void send(size_t renderer, const Command& c);
  void flush_pending();
  size_t drain(EventSink* sink);

  EngineOptions options_;
  std::FILE* output_;
  int control_fd_ = -1;
  std::vector<std::unique_ptr<Renderer>> renderers_;
  std::map<JobId, JobControl> jobs_;
  std::deque<Pending> pending_;
  uint32_t next_first_ = 0;
  uint64_t next_serial_ = 0;
  Event batch_[kEventBatch];
};

OfflineEngine::~OfflineEngine() {
  for (auto& r : renderers_) r->stop_and_join();
  renderers_.clear();
  if (control_fd_ >= 0) close(control_fd_);
}

base::Status OfflineEngine::init() {
  if (options_.reactors < 0) return base::Status::error("engine: reactors must be >= 0");
  control_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (control_fd_ < 0) return base::Status::error(std::string("eventfd: ") + strerror(errno));
  const std::vector<int> cpus = allowed_cpus();
  int n = options_.reactors > 0 ? options_.reactors : static_cast<int>(cpus.size());
  if (output_ != nullptr) n = 1;  // one writer keeps the output in request order
  for (int i = 0; i < n; ++i) {
    const int cpu = options_.pin ? cpus[static_cast<size_t>(i) % cpus.size()] : -1;
    renderers_.push_back(std::make_unique<Renderer>(cpu, output_, control_fd_));
    renderers_.back()->start();
  }
  return base::Status::ok();
}

base::Status OfflineEngine::submit(JobId id, JobSpec spec) {
  flush_pending();
  if (jobs_.count(id) != 0) return base::Status::error("job " + std::to_string(id) + " is already running");
  if (!spec.source) return base::Status::error("job has no request source");
  if (spec.targets.empty()) return base::Status::error("job has no targets");
  if (spec.concurrency == 0) return base::Status::error("concurrency must be >= 1");
  // Addresses need not resolve: nothing connects. As many renderers as the job has slots,
  // up to all of them, as the real engine spreads slots over its reactors.
  const uint32_t count = static_cast<uint32_t>(renderers_.size());
  const uint32_t slots = std::min(spec.concurrency, count);
  JobControl job;
  job.shared = std::make_unique<JobShared>();
  job.shared->init(id, std::move(spec), ++next_serial_);
  for (uint32_t k = 0; k < slots; ++k) {
    Command c;
    c.kind = Command::Kind::kStart;
    c.job = job.shared.get();
    c.first_slot = k;
    c.slots = slots;
    ++job.renderers_pending;
    send((next_first_ + k) % count, c);
  }
  next_first_ = (next_first_ + 1) % count;
  jobs_.emplace(id, std::move(job));
  return base::Status::ok();
}

void OfflineEngine::cancel(JobId id) {
  flush_pending();
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.cancelled) return;
  it->second.cancelled = true;
  it->second.shared->cancelled.store(true, std::memory_order_relaxed);
}

void OfflineEngine::send(size_t renderer, const Command& c) {
  // Keep per-renderer order: once something waits, everything after it waits too.
  if (pending_.empty() && renderers_[renderer]->push_command(c)) {
    renderers_[renderer]->wake();
    return;
  }
  pending_.push_back(Pending{renderer, c});
  flush_pending();
}

void OfflineEngine::flush_pending() {
  while (!pending_.empty()) {
    Pending& p = pending_.front();
    if (!renderers_[p.renderer]->push_command(p.command)) return;
    renderers_[p.renderer]->wake();
    pending_.pop_front();
  }
}

size_t OfflineEngine::drain(EventSink* sink) {
  size_t delivered = 0;
  for (auto& renderer : renderers_) {
    size_t n;
    while ((n = renderer->events().pop_n(batch_, kEventBatch)) > 0) {
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
        if (--job.renderers_pending > 0) continue;  // a share is not an event for the caller
        JobResult result;
        result.job = e.sample.job;
        result.requests_done = job.requests_done;
        result.cancelled = job.cancelled;
        const uint64_t requests = job.shared->spec.requests;
        result.requests_not_sent = requests - std::min(requests, job.requests_done);
        jobs_.erase(it);  // no renderer refers to the job any more
        ++delivered;
        sink->on_job_finished(result);
      }
    }
  }
  return delivered;
}

size_t OfflineEngine::poll(EventSink* sink, int64_t max_wait_ns) {
  flush_pending();
  size_t delivered = drain(sink);
  if (delivered > 0 || max_wait_ns <= 0) return delivered;
  const int64_t t0 = clock_ns(CLOCK_MONOTONIC);
  for (;;) {
    const int64_t left = max_wait_ns - (clock_ns(CLOCK_MONOTONIC) - t0);
    if (left <= 0) return 0;
    // Pending commands are retried at least every millisecond while we wait.
    const int64_t wait = pending_.empty() ? left : std::min<int64_t>(left, 1'000'000);
    pollfd pfd{control_fd_, POLLIN, 0};
    timespec ts{wait / 1'000'000'000, wait % 1'000'000'000};
    ppoll(&pfd, 1, &ts, nullptr);
    uint64_t value;
    (void)!read(control_fd_, &value, sizeof(value));
    flush_pending();
    delivered = drain(sink);
    if (delivered > 0) return delivered;
  }
}

}  // namespace

base::Status Engine::start_offline(const EngineOptions& options, std::FILE* output,
                             std::unique_ptr<Engine>* out) {
  auto engine = std::make_unique<OfflineEngine>(options, output);
  base::Status s = engine->init();
  if (!s.is_ok()) return s;
  *out = std::move(engine);
  return base::Status::ok();
}

}  // namespace stressql::engine
