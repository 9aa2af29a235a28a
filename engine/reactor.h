#pragma once
// A reactor: one pinned thread with its own io_uring, connection slots, send buffers and
// provided-buffer ring. It runs its share of jobs and reports one Sample per attempt.
//
// Invariants:
//  - The ring, the slots, the buffers and the JobRuns are touched only by the reactor
//    thread (the ring is created on it: SINGLE_ISSUER).
//  - The control thread talks to it only through commands_ (control produces) and events_
//    (reactor produces), plus three atomics: stop_ (set once), control_wants_ (what the
//    control thread wants to be woken for, cleared by whoever wakes it) and the two eventfds.
//  - While jobs run the control thread asks to be woken only for urgent events (a job's
//    end, an event ring over half full): samples wait for its next timed turn, so a
//    request does not cost a control-thread wake-up as well as a reactor one.
//  - events_ is never overrun and never dropped from: a full ring stalls the reactor until
//    the control thread drains it (except after stop, when nobody listens any more).
//  - Each slot has at most one timer (its pause, backoff or attempt deadline) in timers_,
//    an indexed heap: a turn handles only the due timers and the ring waits until the
//    earliest (submit_and_wait_timeout), so no turn scans every slot.
//  - A turn waits for its first completion, unless the reactor is ahead of the schedule
//    and every open attempt is a plain request under a rate, handed to the kernel, that
//    waits for its answer (plan_wait): then it waits, without waking
//    for completions, until its earliest timer or the next request no slot has claimed yet
//    (at most kLazyWaitNs, which bounds command latency), and takes the answers that came
//    in meanwhile in that wake-up. Their latency still ends when the kernel received them
//    (SO_TIMESTAMPING through multishot recvmsg, Connection::received_ns), so deferring them
//    costs no accuracy. A wake-up comes half of kTimerSlackNs before the earliest timer and
//    handles every wait due within kTimerSlackNs; the io_uring_enter that waits also
//    submits everything the turn queued.
//  - The ring is set up with DEFER_TASKRUN for every run: the kernel's work for completions
//    runs only in the turn's io_uring_enter, which the lazy wait above relies on. Measured
//    against task work by interrupt and COOP_TASKRUN (docs/replay.md, "The ring's task
//    work"): no workload was faster without it, and the open loop cost a quarter more CPU.
//  - Every SQE carries encode_user_data(op, slot, generation); dispatch() is the one place
//    where stale completions (older generation) are dropped, their buffers recycled.
//  - Send buffers move between slots: once a plain (copying) send has handed all of a
//    rendered request to the kernel, the slot gives its buffer back to spare_buffers_ (a
//    stack) and the next slot to render takes the top one. The few buffers in circulation
//    stay in cache for both the render and the kernel's copy; a buffer per connection
//    would stream megabytes through cache per round of answers. A retry re-renders (render
//    is a pure function of the request index), and so does a fixed request (rendered once
//    per connection only while the connection keeps its buffer). TLS and zero-copy sends
//    keep their buffer. A buffer carries its fixed-buffer index, registered only when the
//    reactor makes zero-copy sends (registering pins every page); there are never more
//    buffers than slots.
//  - A scatter job's buffer (JobShared::scatter: RequestSource::render_scatter, plain HTTP,
//    no encoder) holds the header, the iovec array and the source's small area; the body's
//    bytes stay in the source's memory. It is sent with sendmsg, at most kMaxSendIovecs
//    iovecs a call, the array advanced in place after a partial send, so every attempt
//    renders again; the source hears (scatter_done) when the attempt is over, with
//    EINPROGRESS when it ended before its send's completion was reaped (the kernel may
//    still read the pieces: Connection::sends_unreaped).

#include <sys/socket.h>

#include <atomic>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "engine/buffer_ring.h"
#include "engine/connection.h"
#include "engine/job.h"
#include "engine/retry_policy.h"
#include "engine/spsc_ring.h"
#include "engine/timer_heap.h"
#include "engine/uring_compat.h"
#include "engine/user_data.h"
#include "engine/worker.h"

namespace stressql::engine {

// The most iovecs one sendmsg takes (the kernel's UIO_MAXIOV, IOV_MAX): a scatter body
// with more goes out in several sends.
inline constexpr uint32_t kMaxSendIovecs = 1024;

struct ReactorConfig {
  int index = 0;
  int cpu = -1;                 // pin to this CPU; -1: no pinning
  bool send_zc = false;
  uint32_t max_slots = 4096;    // connections (fixed files); allocated as jobs need them
  unsigned recv_buffers = 1024; // provided buffers (power of two)
  unsigned recv_buffer_bytes = 4096;
  size_t event_capacity = 4096;
  size_t command_capacity = 256;
  int control_eventfd = -1;     // written when the control thread asked to be woken
};

// A job's share on one reactor. Reactor thread only.
struct JobRun {
  JobShared* job = nullptr;
  uint32_t first_slot = 0;
  uint32_t slots = 0;
  uint32_t to_open = 0;      // slots not yet allocated (all slot ids busy)
  uint32_t active = 0;       // slots allocated and working for the job
  uint32_t spent = 0;        // of which kSpent: nothing left to claim
  uint64_t requests_done = 0;
  bool cancelled = false;
  std::unique_ptr<BodyEncoder> encoder;  // when job->encodes: this reactor's own
};

// Counters with one writer: a relaxed load and store, no locked read-modify-write on the
// hot path; other threads read them with relaxed loads.
inline void bump(std::atomic<uint64_t>& c) {
  c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

class Reactor final : public Worker {
 public:
  explicit Reactor(const ReactorConfig& config);
  ~Reactor() override;  // REQUIRES: stop_and_join() was called (or start() failed)
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  // Control thread: spawns the thread and waits until its ring is set up.
  base::Status start();
  // Control thread: cancels everything, waits for the thread, which closes every fd.
  void stop_and_join() override;

  // Worker (see engine/worker.h).
  bool push_command(const Command& c) override { return commands_.try_push(c); }
  void wake() override;
  SpscRing<Event>& events() override { return events_; }
  void add_counters(EngineCounters* sum) const override;
  // Seq-cst RMW on both sides, so either the reactor sees the request or the caller sees
  // the event.
  void request_wakeup(WakeOn on) override { control_wants_.exchange(on, std::memory_order_seq_cst); }

 private:
  void run();
  base::Status setup();
  void teardown();
  void loop();

  // Commands.
  void drain_commands();
  void start_job(const Command& c);
  void cancel_job(JobRun* run);
  void open_pending_slots();

  // Slot life cycle.
  void configure_slot(uint32_t id, JobRun* run, uint32_t job_slot);
  void make_ready(uint32_t id);
  void run_ready();
  void start_next_request(uint32_t id);
  // Renders request c.request_index into the slot's buffer, taking one if it has none.
  void render_request(uint32_t id);
  // Gives the slot a send buffer of at least `bytes` (top of spare_buffers_, else a new one).
  void acquire_buffer(Connection& c, size_t bytes);
  // Puts the slot's send buffer on spare_buffers_. REQUIRES: the kernel no longer reads it.
  void release_buffer(Connection& c);
  // Claims the slot's next request and the target it goes to; false when none is left.
  bool claim_request(Connection& c, uint64_t* index, uint32_t* target);
  void start_attempt(uint32_t id);
  void start_connect(uint32_t id);
  // The connection is up: renders the request if it is not in a buffer yet, then sends it
  // (or starts TLS on a new connection).
  void begin_send(uint32_t id);
  // Open loop: connects a slot that waits for its request's due time, so that it is
  // connected when the request is due. A failure is not reported here: the attempt at
  // the due time connects again and reports it.
  void connect_early(uint32_t id);
  // Opens a socket for the slot and submits its connect; 0, or the errno of the failure.
  int open_connection(uint32_t id);
  void send_more(uint32_t id);
  void arm_recv(uint32_t id);
  void feed(uint32_t id, const char* data, size_t n);
  void complete_attempt(uint32_t id);
  // `message`: Sample::message for failures without an answer (kTls); may be null.
  void end_attempt(uint32_t id, Failure failure, const HttpResponse* response,
                   const char* message = nullptr);
  void schedule_next(uint32_t id);
  void finish_slot(uint32_t id);
  // Nothing left for the slot to claim: it waits, connected, for the run's other slots.
  void park_slot(uint32_t id);
  // Finishes the run's spent slots once every active slot is spent.
  void end_spent(JobRun* run);
  void release_slot(uint32_t id);
  void close_connection(uint32_t id, bool abort);
  void peer_closed(uint32_t id);

  // HTTPS (reactor_tls.cpp): the TLS layer between the socket and the HTTP code.
  void tls_start(uint32_t id);
  void tls_receive(uint32_t id, const char* data, size_t n);
  void tls_pump(uint32_t id);
  void tls_failed(uint32_t id);
  void tls_close(uint32_t id, bool abort);
  // Handles the slots whose timer is due (a pause or backoff over, a deadline passed).
  void run_timers();
  void arm_timer(uint32_t id, int64_t at) { timers_.set(id, at); }
  // The attempt of c is over (or its slot released): out of open_attempts_/answer_waits_.
  void settle_attempt(Connection& c);
  // How long this turn waits (ns) and for how many completions (see the invariants).
  void plan_wait(bool stopping, int64_t* wait_ns, unsigned* completions);

  // Completions: one handler per kind.
  void dispatch(const io_uring_cqe* cqe);
  void on_connect(uint32_t id, int res);
  // A socket, its registration or its connect failed with `error` (an errno): ends the
  // attempt with it (a local limit retires the slot, see end_attempt).
  void connect_failed(uint32_t id, int error);
  void on_send(uint32_t id, int res, uint32_t flags, bool zc);
  void on_send_notif(uint32_t id, int res);
  void on_recv(uint32_t id, int res, uint32_t flags);
  void arm_wake();

  void emit(const Event& e);
  void notify_control();
  io_uring_sqe* get_sqe();

  ReactorConfig config_;
  char name_[24] = {};  // "reactor 3": the thread's name in a fault (base/thread_guard.h)
  std::thread thread_;
  std::atomic<bool> stop_{false};
  alignas(kFalseSharing) std::atomic<uint8_t> control_wants_{kWakeOnNothing};
  alignas(kFalseSharing) int wake_fd_ = -1;
  SpscRing<Command> commands_;
  SpscRing<Event> events_;

  // Reactor thread state.
  io_uring ring_{};
  bool ring_ready_ = false;
  BufferRing buffers_;
  // Grown as jobs need connections, up to max_slots, never shrunk: an idle reactor holds
  // no connection it never used. A deque, so a Connection never moves.
  std::deque<Connection> slots_;
  std::vector<uint32_t> free_slots_;  // released slot ids, reused first
  struct SpareBuffer {
    char* data;
    size_t bytes;
    uint32_t index;  // fixed-buffer index
    bool registered;
  };
  std::vector<SpareBuffer> spare_buffers_;  // capacity max_slots: pushes never allocate
  uint32_t buffers_made_ = 0;               // fixed-buffer indexes handed out so far
  uint32_t buffer_table_ = 0;               // registered-buffer table size (io_uring caps it)
  uint32_t slot_limit_ = 0;  // 1 + highest slot id ever used
  std::vector<uint32_t> ready_;
  std::vector<uint32_t> ready_next_;
  std::vector<std::unique_ptr<JobRun>> runs_;
  std::vector<char> target_scratch_;
  // An encoded job's body is rendered here, then encoded into the slot's send buffer.
  std::vector<char> body_scratch_;
  std::vector<char> tls_plain_;  // decrypted bytes on their way to a ResponseParser
  Random random_;
  bool send_zc_ = false;
  // Written by the reactor thread only (relaxed load + store, no locked RMW), read by others.
  struct Counters {
    std::atomic<uint64_t> sends{0}, zero_copy_sends{0}, mapped_sends{0}, recv_buffer_shortages{0}, cq_overflows{0},
        reconnects{0};
    std::atomic<bool> zero_copy_fell_back{false};
  };
  alignas(kFalseSharing) Counters counters_;
  bool pushed_events_ = false;
  bool pushed_urgent_ = false;  // a job's end, or the event ring over half full
  uint64_t wake_value_ = 0;
  int64_t now_ = 0;
  TimerHeap timers_;  // one timer per slot at most; see run_timers()
  std::vector<uint32_t> not_due_;  // run_timers: deadlines within the slack, armed again
  uint32_t open_attempts_ = 0;     // slots with Connection::in_attempt
  uint32_t answer_waits_ = 0;      // of which Connection::answer_wait
  msghdr recv_msg_{};  // multishot recvmsg's layout: no address, room for one timestamp
  int64_t mono_to_unix_ns_ = 0;
  // Receive timestamps are CLOCK_REALTIME: minus this (read after every wait, so that a
  // clock slewed or stepped meanwhile does not shift them) they are monotonic.
  int64_t stamp_offset_ns_ = 0;
};

}  // namespace stressql::engine
