// The offline engine (--dump, --dry-run): reactors that render requests and send none, so a
// dry run measures what the reactors themselves can produce per core.
//
// Invariants:
//  - The control side is the network engine's (WorkerPool); a renderer is a Worker: reached
//    only through its command ring (plus a doorbell), read only through its event ring, and
//    a full event ring stalls it, it never drops a sample.
//  - A renderer is one job slot of each job it gets (PoolPolicy::max_slots_per_job = 1): it
//    claims with JobShared::claim_for exactly as a real reactor's connection slot does, so
//    every request index is rendered once across the renderers, in round-robin over the
//    targets.
//  - A renderer runs its jobs one after another, in the order it got them. With an output
//    there is one renderer, so bodies are written in request-index order, job after job.
//  - Cancel is JobShared::cancelled alone: a renderer reads it before every claim (also for
//    a job still queued behind another) and ignores kCancel commands.
//  - The per-request path (claim, render, frame, write, push a sample) allocates nothing
//    and takes no lock: buffers are sized when a job starts on the renderer.

#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/thread_guard.h"
#include "engine/cpu_pinning.h"
#include "engine/engine.h"
#include "engine/job.h"
#include "engine/spsc_ring.h"
#include "engine/worker.h"
#include "engine/worker_pool.h"

namespace stressql::engine {

namespace {

constexpr size_t kCommandCapacity = 256;
constexpr size_t kEventCapacity = 4096;

// One offline reactor: a pinned thread that renders its share of each job.
class Renderer final : public Worker {
 public:
  Renderer(int index, int cpu, std::FILE* output, int control_fd)
      : cpu_(cpu), output_(output), control_fd_(control_fd) {
    std::snprintf(name_, sizeof name_, "renderer %d", index);
  }
  ~Renderer() override { stop_and_join(); }
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // Control thread.
  // An exception out of run() (a std::bad_alloc for a huge batch's buffer) is recorded
  // (base/thread_guard.h) and the renderer says it died: the pool stops waiting for it.
  void start() {
    thread_ = std::thread([this] {
      if (!base::run_guarded(name_, [this] { run(); })) {
        mark_failed();
        notify_control();
      }
    });
  }
  void stop_and_join() override {
    stop_.store(true, std::memory_order_release);
    wake();
    if (thread_.joinable()) thread_.join();
  }
  // Worker (see engine/worker.h). Command::first_slot is this renderer's job slot.
  bool push_command(const Command& c) override { return commands_.try_push(c); }
  void wake() override {
    doorbell_.fetch_add(1, std::memory_order_release);
    doorbell_.notify_one();
  }
  SpscRing<Event>& events() override { return events_; }

 private:
  struct Run {
    JobShared* job = nullptr;
    uint32_t job_slot = 0;
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
  char name_[24] = {};  // "renderer 0"
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
  std::unique_ptr<BodyEncoder> encoder_;  // the front run's, when its job encodes (gzip)
  std::vector<char> encoded_;     // the encoded body: measured and dropped, the dump is raw
  std::vector<char> target_;
  bool half_notified_ = false;    // the control thread heard that the ring is over half full
  int64_t mono_to_unix_ns_ = 0;
};

void Renderer::run() {
  if (cpu_ >= 0) pin_current_thread(cpu_);
  mono_to_unix_ns_ = base::unix_ns() - base::monotonic_ns();
  for (;;) {
    const uint32_t bell = doorbell_.load(std::memory_order_acquire);
    if (stop_.load(std::memory_order_acquire)) return;
    Command c;
    while (commands_.try_pop(&c)) {
      if (c.kind != Command::Kind::kStart) continue;
      Run r;
      r.job = c.job;
      r.job_slot = c.first_slot;
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
  encoder_ = job.encodes ? job.spec.source->make_encoder() : nullptr;
  if (encoder_ && encoded_.size() < job.buffer_bytes - job.header_room + 1) {
    encoded_.resize(job.buffer_bytes - job.header_room + 1);
  }
}

bool Renderer::render_next(Run& r) {
  JobShared& job = *r.job;
  if (job.cancelled.load(std::memory_order_relaxed)) r.cancelled = true;
  if (r.cancelled || r.output_failed) return false;
  uint64_t index;
  uint32_t t;
  if (!job.claim_for(r.job_slot, job.job_slots, &r.next_pick, &index, &t)) return false;
  const int64_t t0 = base::monotonic_ns();
  char* body = buffer_.data() + job.header_room;
  const RequestSource::Rendered rendered = job.spec.source->render(index, target_.data(), body);
  const size_t body_len = job.spec.method == Method::kPost ? rendered.body_len : 0;
  // Encoded as a reactor would (so --dry-run measures gzip too); --dump writes the raw body.
  const size_t sent_len = encoder_ ? encoder_->encode(body, body_len, encoded_.data()) : body_len;
  const size_t first = job.templates[t].frame(buffer_.data(), target_.data(), rendered.target_len, sent_len);
  Event e;
  e.kind = Event::Kind::kSample;
  Sample& s = e.sample;
  s.job = job.id;
  s.failure = Failure::kNotSent;
  s.points = rendered.points;
  s.body_bytes = static_cast<uint32_t>(sent_len);
  s.raw_body_bytes = static_cast<uint32_t>(body_len);
  s.request_bytes = static_cast<uint32_t>(job.header_room + sent_len - first);
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
  s.latency_ns = base::monotonic_ns() - t0;
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

}  // namespace

base::Status Engine::start_offline(const EngineOptions& options, std::FILE* output,
                                   std::unique_ptr<Engine>* out) {
  if (options.reactors < 0) return base::Status::error("engine: reactors must be >= 0");
  const int control_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (control_fd < 0) return base::Status::error(std::string("eventfd: ") + strerror(errno));
  const std::vector<int> cpus = allowed_cpus();
  int n = options.reactors > 0 ? options.reactors : static_cast<int>(cpus.size());
  if (output != nullptr) n = 1;  // one writer keeps the output in request order
  std::vector<std::unique_ptr<Worker>> renderers;
  for (int i = 0; i < n; ++i) {
    const int cpu = options.pin ? cpus[static_cast<size_t>(i) % cpus.size()] : -1;
    auto r = std::make_unique<Renderer>(i, cpu, output, control_fd);
    r->start();
    renderers.push_back(std::move(r));
  }
  PoolPolicy policy;
  policy.max_slots_per_job = 1;     // a renderer renders one request at a time
  policy.resolved_targets = false;  // nothing connects: an address is only the Host header
  *out = std::make_unique<WorkerPool>(std::move(renderers), control_fd, policy);
  return base::Status::ok();
}

}  // namespace stressql::engine
