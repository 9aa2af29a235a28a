#include "engine/reactor.h"

#include <time.h>  // before linux/errqueue.h, whose scm_timestamping needs timespec

#include <linux/errqueue.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <string>

#include "base/clock.h"
#include "base/thread_guard.h"
#include "engine/worker_pool.h"
#include "engine/cpu_pinning.h"
#include "engine/descriptor_limit.h"

namespace stressql::engine {

namespace {

constexpr int64_t kMaxWaitNs = 100'000'000;      // bounds command/stop latency when idle
// A turn that does not wake for completions (answers under a rate) waits at most this long,
// which bounds how late it sees a command (a new job, a cancel) meanwhile.
constexpr int64_t kLazyWaitNs = 10'000'000;
constexpr int64_t kStopDrainNs = 2'000'000'000;  // how long teardown waits for in-flight ops
constexpr unsigned kCqeBatch = 256;
constexpr uint16_t kBufferGroup = 0;

}  // namespace

Reactor::Reactor(const ReactorConfig& config)
    : config_(config),
      commands_(config.command_capacity),
      events_(config.event_capacity),
      random_(0x5eed0000u + static_cast<uint64_t>(config.index) * 7919u +
              static_cast<uint64_t>(base::monotonic_ns())) {
  std::snprintf(name_, sizeof name_, "reactor %d", config.index);
}

Reactor::~Reactor() {
  if (thread_.joinable()) stop_and_join();
}

base::Status Reactor::start() {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) return base::Status::error(std::string("eventfd: ") + strerror(errno));
  std::promise<base::Status> ready;
  std::future<base::Status> result = ready.get_future();
  thread_ = std::thread([this, &ready] {
    base::Status s;
    try {
      s = setup();
    } catch (const std::exception& e) {  // told to start(), on the control thread
      s = base::Status::error(e.what());
    }
    const bool ok = s.is_ok();
    ready.set_value(std::move(s));
    if (!ok) {
      teardown();
      return;
    }
    // An exception out of the loop (a std::bad_alloc for a big batch's buffer, a bug) is
    // recorded (base/thread_guard.h); the reactor closes everything and says it died, so
    // the control thread stops waiting for its shares (WorkerPool).
    const bool clean = base::run_guarded(name_, [this] { loop(); });
    teardown();
    if (!clean) {
      mark_failed();
      uint64_t one = 1;
      (void)!write(config_.control_eventfd, &one, sizeof(one));
    }
  });
  base::Status s = result.get();
  if (!s.is_ok()) {
    thread_.join();
    close(wake_fd_);
    wake_fd_ = -1;
  }
  return s;
}

void Reactor::stop_and_join() {
  stop_.store(true, std::memory_order_release);
  wake();
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) {
    close(wake_fd_);
    wake_fd_ = -1;
  }
}

void Reactor::wake() {
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof(one));
}

base::Status Reactor::setup() {
  if (config_.cpu >= 0) pin_current_thread(config_.cpu);
  io_uring_params p{};
  p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SUBMIT_ALL |
            IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
  // Every multishot recv CQE holds a provided buffer, so buffers bound recv CQEs; sends,
  // NOTIFs and connects add at most three per slot. CLAMP: the kernel's maximum (64 Ki) for
  // the largest fleets, where the kernel holds back the rare excess (FEAT_NODROP).
  p.cq_entries = std::max(4096u, config_.recv_buffers + 3 * config_.max_slots + 64);
  int rc = io_uring_queue_init_params(2048, &ring_, &p);
  if (rc < 0) return base::Status::error(std::string("io_uring_queue_init: ") + strerror(-rc));
  ring_ready_ = true;
  if (!(p.features & IORING_FEAT_NODROP)) return base::Status::error("io_uring: kernel lacks FEAT_NODROP");
  io_uring_register_ring_fd(&ring_);  // an optimisation; fine if it fails
  rc = io_uring_register_files_sparse(&ring_, config_.max_slots);
  if (rc < 0) return base::Status::error(std::string("register_files_sparse: ") + strerror(-rc));
  // Registered buffers serve zero-copy sends only, so they are registered only for them:
  // registering pins every page of a buffer (sized for a batch of the longest lines), so
  // the kernel faults in, zeroes and charges all of it at once, where a plain send's
  // buffer faults in only the pages its bodies reach. io_uring allows 16 Ki of them, and
  // send buffers are about as many as sends in flight (reactor.h), so a larger fleet's
  // extra buffers simply go unregistered.
  buffer_table_ = config_.send_zc ? std::min<uint32_t>(config_.max_slots, 16384) : 0;
  if (buffer_table_ > 0) {
    rc = io_uring_register_buffers_sparse(&ring_, buffer_table_);
    if (rc < 0) return base::Status::error(std::string("register_buffers_sparse: ") + strerror(-rc));
  }
  unsigned workers[2] = {4, 4};  // a stalled socket must not spawn many io-wq threads
  io_uring_register_iowq_max_workers(&ring_, workers);
  base::Status s = buffers_.init(&ring_, kBufferGroup, config_.recv_buffers, config_.recv_buffer_bytes);
  if (!s.is_ok()) return s;
  free_slots_.reserve(config_.max_slots);
  timers_.reset(config_.max_slots);
  spare_buffers_.reserve(config_.max_slots);
  ready_.reserve(config_.max_slots);
  ready_next_.reserve(config_.max_slots);
  tls_plain_.resize(16384);  // one TLS record's plaintext
  send_zc_ = config_.send_zc;
  mono_to_unix_ns_ = base::unix_ns() - base::monotonic_ns();
  recv_msg_.msg_controllen = CMSG_SPACE(sizeof(scm_timestamping));
  not_due_.reserve(config_.max_slots);
  arm_wake();
  return base::Status::ok();
}

void Reactor::teardown() {
  for (uint32_t id = 0; id < slot_limit_; ++id) close_connection(id, true);
  for (Connection& c : slots_) {
    SSL_SESSION_free(c.tls_resume);
    c.tls_resume = nullptr;
  }
  buffers_.destroy();
  if (ring_ready_) io_uring_queue_exit(&ring_);  // also cancels what is still in flight
  ring_ready_ = false;
  // The kernel pins registered pages itself, so freeing after queue_exit is safe.
  for (Connection& c : slots_) {
    std::free(c.buffer);
    c.buffer = nullptr;
  }
  for (const SpareBuffer& b : spare_buffers_) std::free(b.data);
  spare_buffers_.clear();
  runs_.clear();
}

void Reactor::loop() {
  bool stopping = false;
  int64_t stop_deadline = 0;
  for (;;) {
    now_ = base::monotonic_ns();
    if (!stopping && stop_.load(std::memory_order_acquire)) {
      stopping = true;
      stop_deadline = now_ + kStopDrainNs;
      for (auto& r : runs_) cancel_job(r.get());
    }
    if (stopping) {
      bool busy = false;
      for (uint32_t id = 0; id < slot_limit_ && !busy; ++id) busy = slots_[id].ops > 0;
      if (!busy || now_ > stop_deadline) return;
    } else {
      drain_commands();
      open_pending_slots();
    }
    run_timers();
    run_ready();
    if (pushed_events_) notify_control();
    int64_t wait = 0;
    unsigned completions = 1;
    plan_wait(stopping, &wait, &completions);
    __kernel_timespec ts{wait / 1'000'000'000, wait % 1'000'000'000};
    io_uring_cqe* cqe = nullptr;
    // One io_uring_enter submits the turn's SQEs and waits (DEFER_TASKRUN: completions are
    // posted only in it, and a waiter that wants more than have come is not woken by them).
    io_uring_submit_and_wait_timeout(&ring_, &cqe, completions, &ts, nullptr);
    now_ = base::monotonic_ns();
    stamp_offset_ns_ = base::unix_ns() - now_;
    io_uring_cqe* batch[kCqeBatch];
    unsigned n;
    while ((n = io_uring_peek_batch_cqe(&ring_, batch, kCqeBatch)) > 0) {
      for (unsigned i = 0; i < n; ++i) dispatch(batch[i]);
      io_uring_cq_advance(&ring_, n);
      if (n < kCqeBatch) break;
    }
    buffers_.flush();
    // With IORING_FEAT_NODROP the kernel holds completions back when the CQ ring is full
    // (cq.koverflow only counts ones it had to drop): count the turns that found it so.
    if (IO_URING_READ_ONCE(*ring_.sq.kflags) & IORING_SQ_CQ_OVERFLOW) bump(counters_.cq_overflows);
  }
}

void Reactor::plan_wait(bool stopping, int64_t* wait_ns, unsigned* completions) {
  // The wait is relative: counted from now, not from the turn's start, or a turn that
  // rendered requests (or was preempted) would wake that much after the next due time.
  const int64_t now = base::monotonic_ns();
  int64_t next = now + kMaxWaitNs;
  if (!timers_.empty()) {
    // Half the slack early: the wake-up (and the answers taken in it, which the kernel
    // reads before the wait returns) costs time, and a request due within the slack of
    // the wake-up goes now; so requests leave within ±half the slack of their due time
    // instead of always late. A timer this leaves in the heap (a deadline not yet passed)
    // is waited for itself.
    next = timers_.top_time() - kTimerSlackNs / 2;
    if (next <= now) next = timers_.top_time();
  }
  *completions = 1;
  if (stopping) {
    *wait_ns = std::clamp<int64_t>(next - now, 0, 10'000'000);
    return;
  }
  // Answers may wait for the next wake-up only when nothing else is in flight that a
  // prompt wake-up would move on (a connect, a send, a TLS handshake, a closed loop's
  // answer); when the reactor is ahead of the schedule (its earliest timer is a request
  // waiting for its due time: behind it, deferred answers would hold connections that
  // overdue requests wait for, and it fell further behind); and when a request still to be
  // claimed is due after the slack: a wake-up comes before it, and takes the answers that
  // free connections for it. Otherwise (the statement's last answers, say) the first
  // completion wakes the turn.
  bool lazy = answer_waits_ > 0 && answer_waits_ == open_attempts_ && !timers_.empty() &&
              slots_[timers_.top_id()].state == SlotState::kWaitDue;
  if (lazy) {
    int64_t unclaimed = INT64_MAX;
    for (const auto& r : runs_) {
      if (!r->cancelled && r->job->spec.schedule.open_loop()) {
        unclaimed = std::min(unclaimed, r->job->next_unclaimed_due());
      }
    }
    lazy = unclaimed != INT64_MAX && unclaimed > now + kTimerSlackNs;
    next = std::min(next, unclaimed);
  }
  if (lazy) {
    *wait_ns = std::clamp<int64_t>(next - now, 0, kLazyWaitNs);
    // Not woken by what is expected: a completion for each SQE this enter submits (a
    // send completes inline) and an answer for each request in flight. Not "never": the
    // kernel runs deferred work (the answers' reads) before the wait returns until it has
    // this many completions or none is pending, so a count far above what can come would
    // keep it reading a stream of answers while due requests wait.
    *completions = std::min<unsigned>(ring_.cq.ring_entries, answer_waits_ + io_uring_sq_ready(&ring_) + 1);
  } else {
    *wait_ns = std::clamp<int64_t>(next - now, 0, kMaxWaitNs);
  }
}

void Reactor::add_counters(EngineCounters* sum) const {
  sum->sends += counters_.sends.load(std::memory_order_relaxed);
  sum->zero_copy_sends += counters_.zero_copy_sends.load(std::memory_order_relaxed);
  sum->zero_copy_fallbacks += counters_.zero_copy_fell_back.load(std::memory_order_relaxed) ? 1 : 0;
  sum->mapped_sends += counters_.mapped_sends.load(std::memory_order_relaxed);
  sum->recv_buffer_shortages += counters_.recv_buffer_shortages.load(std::memory_order_relaxed);
  sum->cq_overflows += counters_.cq_overflows.load(std::memory_order_relaxed);
  sum->reconnects += counters_.reconnects.load(std::memory_order_relaxed);
}

io_uring_sqe* Reactor::get_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {  // SQ full: a cold path, the SQ is sized for a turn's work
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

// ---- Control channel -------------------------------------------------------------------

void Reactor::emit(const Event& e) {
  while (!events_.try_push(e)) {
    // Full: stall (no new completions, no new requests) until the control thread drains.
    if (stop_.load(std::memory_order_acquire)) return;  // nobody will read it any more
    pushed_urgent_ = true;
    notify_control();
    timespec pause{0, 50'000};
    nanosleep(&pause, nullptr);
  }
  pushed_events_ = true;
  if (e.kind != Event::Kind::kSample || events_.over_half()) pushed_urgent_ = true;
}

void Reactor::notify_control() {
  const bool urgent = pushed_urgent_;
  pushed_events_ = pushed_urgent_ = false;
  // fetch_or(0) is a read with a full barrier: it pairs with request_wakeup's exchange, so
  // either the control thread sees these events or this sees its request.
  const uint8_t wants = control_wants_.fetch_or(0, std::memory_order_seq_cst);
  if (wants == kWakeOnAny || (wants == kWakeOnUrgent && urgent)) {
    if (control_wants_.exchange(kWakeOnNothing, std::memory_order_seq_cst) != kWakeOnNothing) {
      uint64_t one = 1;
      (void)!write(config_.control_eventfd, &one, sizeof(one));
    }
  }
}

void Reactor::arm_wake() {
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_read(sqe, wake_fd_, &wake_value_, sizeof(wake_value_), 0);
  io_uring_sqe_set_data64(sqe, encode_user_data(Op::kWake, 0, 0));
}

void Reactor::drain_commands() {
  Command c;
  while (commands_.try_pop(&c)) {
    if (c.kind == Command::Kind::kStart) {
      start_job(c);
    } else {
      for (auto& r : runs_) {
        if (r->job == c.job) cancel_job(r.get());
      }
    }
  }
}

void Reactor::start_job(const Command& c) {
  auto run = std::make_unique<JobRun>();
  run->job = c.job;
  run->first_slot = c.first_slot;
  run->slots = c.slots;
  run->to_open = c.slots;
  if (target_scratch_.size() < c.job->max_target_bytes + 1) target_scratch_.resize(c.job->max_target_bytes + 1);
  if (c.job->encodes) {
    run->encoder = c.job->spec.source->make_encoder();
    if (body_scratch_.size() < c.job->raw_body_bytes + 1) body_scratch_.resize(c.job->raw_body_bytes + 1);
  }
  runs_.push_back(std::move(run));
}

void Reactor::open_pending_slots() {
  for (size_t i = 0; i < runs_.size(); ++i) {
    JobRun* run = runs_[i].get();
    if (run->cancelled) run->to_open = 0;
    while (run->to_open > 0 && (!free_slots_.empty() || slots_.size() < config_.max_slots)) {
      uint32_t id;
      if (free_slots_.empty()) {
        id = static_cast<uint32_t>(slots_.size());
        slots_.emplace_back();
      } else {
        id = free_slots_.back();
        free_slots_.pop_back();
      }
      configure_slot(id, run, run->first_slot + (run->slots - run->to_open));
      --run->to_open;
      ++run->active;
    }
    if (run->to_open == 0 && run->active == 0) {
      // Nothing (left) to do on this reactor: report and forget the run.
      Event e;
      e.kind = Event::Kind::kJobDone;
      e.sample.job = run->job->id;
      e.requests_done = run->requests_done;
      e.cancelled = run->cancelled;
      emit(e);
      runs_.erase(runs_.begin() + static_cast<long>(i));
      --i;
    }
  }
}

void Reactor::cancel_job(JobRun* run) {
  if (run->cancelled) return;
  run->cancelled = true;
  run->to_open = 0;
  for (uint32_t id = 0; id < slot_limit_; ++id) {
    Connection& c = slots_[id];
    if (c.run != run) continue;
    if (c.state == SlotState::kWaitDue) {
      finish_slot(id);  // a claimed request never sent: counted as not sent, not as failed
    } else if (c.attempt_open() || c.state == SlotState::kBackoff) {
      // In flight or waiting for its retry: this request ends here, as cancelled.
      if (c.state == SlotState::kBackoff) c.due_ns = std::min(c.wake_ns, now_);
      close_connection(id, true);
      end_attempt(id, Failure::kCancelled, nullptr);  // final: the run is cancelled
    } else {
      finish_slot(id);
    }
  }
}

void Reactor::run_timers() {
  // A slot's timer is set to the latest time it waits for, so a due timer belongs to the
  // slot's present state; a state that no longer waits (the answer came first, the slot was
  // released) just drops it, and one that waits for later sets it again.
  // A wait (a due time, a pause, a backoff) ends within kTimerSlackNs of its time, so one
  // wake-up serves every request due that close; a deadline only once it has passed (those
  // within the slack are armed again after the loop, which would otherwise pop them again).
  const int64_t horizon = now_ + kTimerSlackNs;
  while (!timers_.empty() && timers_.top_time() <= horizon) {
    const uint32_t id = timers_.pop();
    Connection& c = slots_[id];
    switch (c.state) {
      case SlotState::kIdle:
      case SlotState::kBackoff:
      case SlotState::kWaitDue:
        if (c.wake_ns <= horizon) make_ready(id);
        else arm_timer(id, c.wake_ns);
        break;
      case SlotState::kConnecting:
      case SlotState::kSending:
        if (c.deadline_ns <= now_) {
          close_connection(id, true);
          end_attempt(id, Failure::kTimeout, nullptr);  // may arm the slot's next wait
        } else if (c.deadline_ns <= horizon) {
          not_due_.push_back(id);
        } else {
          arm_timer(id, c.deadline_ns);
        }
        break;
      default:
        break;
    }
  }
  for (uint32_t id : not_due_) {
    if (slots_[id].attempt_open() && !timers_.armed(id)) arm_timer(id, slots_[id].deadline_ns);
  }
  not_due_.clear();
}

base::Status Engine::start(const EngineOptions& options, std::unique_ptr<Engine>* out) {
  if (options.reactors < 0) return base::Status::error("engine: reactors must be >= 0");
  if (options.max_connections_per_reactor > kMaxSlots) {
    return base::Status::error("engine: max_connections_per_reactor out of range");
  }
  const int control_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (control_fd < 0) return base::Status::error(std::string("eventfd: ") + strerror(errno));
  // Any reactor may hold every connection the descriptor limit allows (io_uring refuses a
  // larger file table anyway); the connections themselves are allocated as jobs need them.
  const uint64_t budget = connection_budget(descriptor_limit());
  const uint64_t cap = options.max_connections_per_reactor > 0 ? options.max_connections_per_reactor : kMaxSlots;
  const uint32_t max_slots = static_cast<uint32_t>(std::clamp<uint64_t>(budget, 1, cap));
  const std::vector<int> cpus = allowed_cpus();
  const int n = options.reactors > 0 ? options.reactors : static_cast<int>(cpus.size());
  std::vector<std::unique_ptr<Worker>> reactors;
  base::Status status;
  for (int i = 0; i < n && status; ++i) {
    ReactorConfig config;
    config.index = i;
    config.cpu = options.pin ? cpus[static_cast<size_t>(i) % cpus.size()] : -1;
    config.send_zc = options.send_zc;
    config.max_slots = max_slots;
    config.control_eventfd = control_fd;
    auto r = std::make_unique<Reactor>(config);
    if (base::Status s = r->start(); !s) {
      status = base::Status::error("reactor " + std::to_string(i) + ": " + s.message());
    } else {
      reactors.push_back(std::move(r));
    }
  }
  PoolPolicy policy;
  policy.slot_capacity = max_slots;
  policy.descriptor_bound = true;
  // The pool owns the started reactors and the eventfd from here: on a failure it stops them.
  auto pool = std::make_unique<WorkerPool>(std::move(reactors), control_fd, policy);
  if (!status) return status;
  *out = std::move(pool);
  return base::Status::ok();
}

}  // namespace stressql::engine
