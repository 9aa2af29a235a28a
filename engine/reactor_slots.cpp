// Reactor, part two: a connection slot's life cycle (request → attempt → sample) and the
// completion handlers that drive it. See reactor.h for the invariants.

#include <time.h>  // before linux/errqueue.h, whose scm_timestamping needs timespec

#include <linux/errqueue.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <cstring>

#include "engine/reactor.h"

namespace stressql::engine {

namespace {

// A limit of this machine, not of the server: asking again soon will not help, and the
// other connections must not wait for it.
bool local_limit(int error) {
  return error == EMFILE || error == ENFILE || error == EADDRNOTAVAIL || error == ENOBUFS ||
         error == ENOMEM;
}

// What the user can do about a local limit (Sample::message).
const char* local_limit_hint(int error) {
  switch (error) {
    case EMFILE:
    case ENFILE:
      return "out of file descriptors: raise `ulimit -n`, or ask for fewer connections";
    case EADDRNOTAVAIL:
      return "out of local ports to this address (net.ipv4.ip_local_port_range): spread the "
             "connections over several addresses, or ask for fewer";
    default:
      return "out of kernel memory for sockets: ask for fewer connections";
  }
}

// Tells the source the scatter attempt of c is over, once (error: the send's errno, or 0).
void scatter_finished(Connection& c, int error) {
  if (!c.scatter_pending) return;
  c.scatter_pending = false;
  c.job->spec.source->scatter_done(c.request_index, error);
}

}  // namespace

// ---- Slot life cycle -------------------------------------------------------------------

void Reactor::configure_slot(uint32_t id, JobRun* run, uint32_t job_slot) {
  Connection& c = slots_[id];
  JobShared* job = run->job;
  const uint32_t target = job_slot % static_cast<uint32_t>(job->spec.targets.size());
  c.run = run;
  c.job = job;
  c.job_slot = job_slot;
  c.target = target;
  c.next_pick = 0;
  c.address = &job->spec.targets[target];
  c.request_template = &job->templates[target];
  c.rendered_serial = 0;
  c.was_connected = false;
  c.parser.reset(job->spec.check_json_error, job->spec.parse_dropped);
  c.state = SlotState::kIdle;
  c.wake_ns = now_;
  if (id >= slot_limit_) slot_limit_ = id + 1;
  make_ready(id);
}

void Reactor::make_ready(uint32_t id) {
  Connection& c = slots_[id];
  if (c.in_ready) return;
  c.in_ready = true;
  ready_.push_back(id);
}

void Reactor::run_ready() {
  // Slots made ready while running these go to the next turn, so failures that end
  // attempts at once (socket() errors) cannot recurse.
  ready_next_.swap(ready_);
  ready_.clear();
  for (uint32_t id : ready_next_) {
    Connection& c = slots_[id];
    c.in_ready = false;
    if (c.state == SlotState::kIdle) start_next_request(id);
    else if (c.state == SlotState::kBackoff || c.state == SlotState::kWaitDue) start_attempt(id);
  }
  ready_next_.clear();
}

void Reactor::start_next_request(uint32_t id) {
  Connection& c = slots_[id];
  JobRun* run = c.run;
  if (run->cancelled || run->job->cancelled.load(std::memory_order_relaxed)) return finish_slot(id);
  if (c.zc_notif_pending) {
    c.state = SlotState::kWaitNotif;  // the kernel may still read the buffer
    return;
  }
  JobShared* job = run->job;
  uint64_t index = 0;
  uint32_t target = 0;
  if (!claim_request(c, &index, &target)) return park_slot(id);
  if (target != c.target) {
    // Fewer slots than targets: this slot serves several, one connection at a time.
    close_connection(id, false);
    c.target = target;
    c.address = &job->spec.targets[target];
    c.request_template = &job->templates[target];
    c.rendered_serial = 0;
    c.was_connected = false;
  }
  c.request_index = index;
  // Rendered when it is sent (start_attempt), so that a slot waiting for a due time holds
  // no send buffer: an idle connection costs its Connection alone.
  c.needs_render = c.rendered_serial != job->serial;
  c.attempt = 1;
  if (job->spec.schedule.open_loop()) {
    // Due by the schedule, whenever this slot got free: early, it waits; late (or due
    // within the timer slack), it goes now.
    c.wake_ns = job->start_ns + job->spec.schedule.due_offset_ns(index);
    if (c.wake_ns > now_ + kTimerSlackNs) {
      c.state = SlotState::kWaitDue;
      arm_timer(id, c.wake_ns);
      if (c.fd < 0) connect_early(id);
      return;
    }
  }
  start_attempt(id);
}

void Reactor::render_request(uint32_t id) {
  Connection& c = slots_[id];
  JobShared* job = c.job;
  acquire_buffer(c, job->buffer_bytes);
  const RequestTemplate& t = *c.request_template;
  c.scattered = job->scatter;
  if (c.scattered) {
    // The body stays where the source has it (a file mapping): the buffer holds the header,
    // then iov[0] (the header) and the body's iovecs, then the source's area.
    c.iov = reinterpret_cast<iovec*>(c.buffer + job->scatter_iov_offset());
    RequestSource::Scattered r = job->spec.source->render_scatter(
        c.request_index, target_scratch_.data(), c.iov + 1, c.buffer + job->scatter_area_offset());
    c.request_offset = t.frame(c.buffer, target_scratch_.data(), r.target_len, r.body_len);
    c.iov[0] = iovec{c.buffer + c.request_offset, t.header_room() - c.request_offset};
    c.iov_count = r.iov_count + 1;
    c.iov_next = 0;
    c.request_bytes = t.header_room() - c.request_offset + r.body_len;
    c.points = r.points;
    c.body_bytes = c.raw_body_bytes = r.body_len;
    c.rendered_serial = 0;
    c.needs_render = false;
    c.scatter_pending = true;
    return;
  }
  char* body = c.buffer + t.header_room();
  BodyEncoder* encoder = c.run->encoder.get();
  RequestSource::Rendered r = job->spec.source->render(c.request_index, target_scratch_.data(),
                                                       encoder ? body_scratch_.data() : body);
  c.raw_body_bytes = t.has_body() ? r.body_len : 0;
  // Encoded (gzip) from the rendered batch, still hot in cache, into the send buffer.
  if (encoder != nullptr) r.body_len = static_cast<uint32_t>(encoder->encode(body_scratch_.data(), r.body_len, body));
  c.request_offset = t.frame(c.buffer, target_scratch_.data(), r.target_len, r.body_len);
  c.request_bytes = t.header_room() - c.request_offset + (t.has_body() ? r.body_len : 0);
  c.points = r.points;
  c.body_bytes = t.has_body() ? r.body_len : 0;
  c.rendered_serial = job->fixed_request ? job->serial : 0;
  c.needs_render = false;
}

void Reactor::acquire_buffer(Connection& c, size_t bytes) {
  if (c.buffer != nullptr && c.buffer_bytes >= bytes) return;
  if (c.buffer == nullptr) {
    if (!spare_buffers_.empty()) {
      const SpareBuffer& b = spare_buffers_.back();
      c.buffer = b.data;
      c.buffer_bytes = b.bytes;
      c.buffer_index = b.index;
      c.registered = b.registered;
      spare_buffers_.pop_back();
      if (c.buffer_bytes >= bytes) return;
    } else {
      // Every buffer is held by another slot, so there are fewer than max_slots of them.
      c.buffer_index = buffers_made_++;  // past buffer_table_: never registered
    }
  }
  // Too small (a bigger job) or none: a new one under the same fixed-buffer index.
  // Per job, not per request: buffers are kept for later jobs that fit.
  std::free(c.buffer);
  const size_t rounded = (bytes + 4095) & ~size_t{4095};
  c.buffer = static_cast<char*>(std::aligned_alloc(4096, rounded));
  // Out of memory (a huge batch under a memory limit): the reactor's guard reports it and
  // the run stops (base/thread_guard.h); writing through null would crash instead.
  if (c.buffer == nullptr) {
    c.buffer_bytes = 0;
    throw std::bad_alloc();
  }
  c.buffer_bytes = rounded;
  iovec iov{c.buffer, rounded};
  c.registered = c.buffer_index < buffer_table_ &&
                 io_uring_register_buffers_update_tag(&ring_, c.buffer_index, &iov, nullptr, 1) == 1;
}

void Reactor::release_buffer(Connection& c) {
  if (c.buffer == nullptr) return;
  spare_buffers_.push_back({c.buffer, c.buffer_bytes, c.buffer_index, c.registered});
  c.buffer = nullptr;
  c.buffer_bytes = 0;
  c.rendered_serial = 0;
}

bool Reactor::claim_request(Connection& c, uint64_t* index, uint32_t* target) {
  return c.job->claim_for(c.job_slot, c.job->job_slots, &c.next_pick, index, target);
}

void Reactor::start_attempt(uint32_t id) {
  Connection& c = slots_[id];
  c.due_ns = c.wake_ns;
  // A retry's due time is its backoff's end. A request sent within the timer slack before
  // its due time counts from its send: its latency never starts after the request left.
  if (c.attempt == 1) c.first_due_ns = std::min(c.due_ns, now_);
  c.started_ns = now_;
  if (!c.in_attempt) {
    c.in_attempt = true;
    ++open_attempts_;
  }
  c.deadline_ns = now_ + c.job->spec.timeout_ns;
  arm_timer(id, c.deadline_ns);
  c.sent = 0;
  // A scatter request's iovecs were advanced by the sends of the attempt before: render
  // it again (a retry re-renders anyway once its buffer went back).
  if (c.scattered && c.buffer != nullptr) c.needs_render = true;
  c.response_complete = false;
  if (!c.connected) {
    if (c.fd < 0) return start_connect(id);
    c.state = SlotState::kConnecting;  // connect_early's connect is still on its way
    return;
  }
  begin_send(id);
}

void Reactor::begin_send(uint32_t id) {
  Connection& c = slots_[id];
  // Rendered only now that the connection is up: a slow connect (a server's full accept
  // queue) holds no send buffer. A new request, or a retry whose buffer went back.
  if (c.needs_render || c.buffer == nullptr) render_request(id);
  c.state = SlotState::kSending;
  if (c.tls.active()) return tls_pump(id);
  if (c.job->spec.tls) return tls_start(id);  // a new connection: the handshake goes first
  send_more(id);
}

void Reactor::start_connect(uint32_t id) {
  slots_[id].state = SlotState::kConnecting;
  if (const int e = open_connection(id); e != 0) connect_failed(id, e);
}

void Reactor::connect_early(uint32_t id) {
  (void)open_connection(id);  // a failure shows when the request is due and connects again
}

int Reactor::open_connection(uint32_t id) {
  Connection& c = slots_[id];
  int fd;
  if (const int e = open_socket(*c.address, &fd); e != 0) return e;
  if (const int rc = io_uring_register_files_update(&ring_, id, &fd, 1); rc != 1) {
    close_socket(fd, true);
    return rc < 0 ? -rc : ENOMEM;
  }
  c.fd = fd;
  c.parser.reset(c.job->spec.check_json_error, c.job->spec.parse_dropped);
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_connect(sqe, static_cast<int>(id), reinterpret_cast<const sockaddr*>(&c.address->addr),
                        c.address->len);
  sqe->flags |= IOSQE_FIXED_FILE;
  io_uring_sqe_set_data64(sqe, encode_user_data(Op::kConnect, id, c.generation));
  ++c.ops;
  return 0;
}

void Reactor::send_more(uint32_t id) {
  Connection& c = slots_[id];
  // HTTPS sends the ciphertext TLS made of the request (or the handshake), never c.buffer.
  const bool tls = c.tls.active();
  const char* p = tls ? c.tls.output() : c.buffer + c.request_offset + c.sent;
  const size_t n = tls ? c.tls.output_bytes() : c.request_bytes - c.sent;
  io_uring_sqe* sqe = get_sqe();
  bump(counters_.sends);
  if (c.scattered) {
    bump(counters_.mapped_sends);
    // At most IOV_MAX iovecs a call (more fail with EINVAL); on_send goes on from there.
    c.msg = msghdr{};
    c.msg.msg_iov = c.iov + c.iov_next;
    c.msg.msg_iovlen = std::min<uint32_t>(c.iov_count - c.iov_next, kMaxSendIovecs);
    io_uring_prep_sendmsg(sqe, static_cast<int>(id), &c.msg, MSG_NOSIGNAL | MSG_WAITALL);
    io_uring_sqe_set_data64(sqe, encode_user_data(Op::kSend, id, c.generation));
  } else if (send_zc_ && c.registered && !tls) {
    bump(counters_.zero_copy_sends);
    io_uring_prep_send_zc_fixed(sqe, static_cast<int>(id), p, n, MSG_NOSIGNAL | MSG_WAITALL,
                                IORING_SEND_ZC_REPORT_USAGE, c.buffer_index);
    io_uring_sqe_set_data64(sqe, encode_user_data(Op::kSendZc, id, c.generation));
  } else {
    io_uring_prep_send(sqe, static_cast<int>(id), p, n, MSG_NOSIGNAL | MSG_WAITALL);
    io_uring_sqe_set_data64(sqe, encode_user_data(Op::kSend, id, c.generation));
  }
  sqe->flags |= IOSQE_FIXED_FILE;
  ++c.ops;
  ++c.sends_unreaped;
  c.send_inflight = true;
  // A plain request under a rate, handed to the kernel: its send completes inline (the
  // socket has room) and its answer is timestamped, so neither needs a wake-up of its own
  // (plan_wait); a send the socket holds back goes on at the next one.
  if (!tls && !c.answer_wait && c.job->spec.schedule.open_loop()) {
    c.answer_wait = true;
    ++answer_waits_;
  }
}

void Reactor::arm_recv(uint32_t id) {
  Connection& c = slots_[id];
  io_uring_sqe* sqe = get_sqe();
  // recvmsg rather than recv for the control message: when the kernel received the bytes.
  io_uring_prep_recvmsg_multishot(sqe, static_cast<int>(id), &recv_msg_, 0);
  sqe->flags |= IOSQE_FIXED_FILE | IOSQE_BUFFER_SELECT;
  sqe->buf_group = buffers_.group();
  io_uring_sqe_set_data64(sqe, encode_user_data(Op::kRecv, id, c.generation));
  ++c.ops;
  c.recv_armed = true;
}

void Reactor::feed(uint32_t id, const char* data, size_t n) {
  Connection& c = slots_[id];
  const uint32_t generation = c.generation;
  while (n > 0 && c.generation == generation) {
    if (c.state != SlotState::kSending || c.response_complete) {
      close_connection(id, true);  // bytes nobody asked for: the stream is out of step
      return;
    }
    size_t used = 0;
    ResponseParser::Result r = c.parser.feed(data, n, &used);
    data += used;
    n -= used;
    if (r == ResponseParser::Result::kNeedMore) return;
    if (r == ResponseParser::Result::kError) {
      close_connection(id, true);
      return end_attempt(id, Failure::kReset, nullptr);
    }
    c.response_complete = true;
    if (!c.send_inflight && c.sent >= c.request_bytes) complete_attempt(id);
  }
}

void Reactor::complete_attempt(uint32_t id) {
  Connection& c = slots_[id];
  const HttpResponse resp = c.parser.response();
  Failure f = Failure::kNone;
  if (resp.status < 200 || resp.status >= 300) f = Failure::kHttpStatus;
  else if (c.job->spec.check_json_error && resp.json_error) f = Failure::kQueryError;
  if (!resp.keep_alive) close_connection(id, false);
  end_attempt(id, f, &resp);
}

void Reactor::end_attempt(uint32_t id, Failure failure, const HttpResponse* response,
                          const char* message) {
  Connection& c = slots_[id];
  JobRun* run = c.run;
  const JobSpec& spec = c.job->spec;
  settle_attempt(c);
  if (c.needs_render) {
    // Ended before its connection was up (connect failed, timed out, cancelled): the
    // sample still says what the request held. Not sent, so the buffer goes back at once.
    render_request(id);
    release_buffer(c);
  }
  // A scatter attempt that ends before its send did (timed out, reset, cancelled, never
  // sent): the source may give back what it rendered from. A send still in the kernel
  // reads on safely from the source's mapping, but memory the source rewrites for later
  // requests must wait for it: EINPROGRESS says so.
  scatter_finished(c, c.sends_unreaped > 0 ? EINPROGRESS : 0);
  Event e;
  e.kind = Event::Kind::kSample;
  Sample& s = e.sample;
  s.job = c.job->id;
  s.status = response != nullptr ? response->status : 0;
  s.failure = failure;
  s.attempt = static_cast<uint8_t>(std::min<uint32_t>(c.attempt, 255));
  s.points = c.points;
  s.body_bytes = c.body_bytes;
  s.raw_body_bytes = c.raw_body_bytes;
  if (response != nullptr && spec.parse_dropped && response->has_dropped) s.dropped = response->dropped;
  s.request_bytes = static_cast<uint32_t>(c.request_bytes);
  s.response_bytes = response != nullptr ? static_cast<uint32_t>(std::min<uint64_t>(response->body_bytes, UINT32_MAX)) : 0;
  s.request_index = c.request_index;
  // From the request's first due time, whatever attempt this is: time lost to a timed-out
  // attempt and its backoff counts, so a stalled server cannot hide behind retries. Up to
  // when the kernel received the answer's last bytes (however late this turn reaps it), or
  // now for an attempt that ends without one.
  const int64_t end = response != nullptr ? std::clamp(c.received_ns, c.started_ns, now_) : now_;
  s.latency_ns = std::max<int64_t>(end - c.first_due_ns, 0);
  s.lag_ns = std::clamp<int64_t>(c.started_ns - c.first_due_ns, 0, s.latency_ns);
  s.due_unix_ns = c.first_due_ns + mono_to_unix_ns_;
  if (failure != Failure::kNone && response != nullptr) error_message(*response, s.message, sizeof s.message);
  if (message != nullptr) std::snprintf(s.message, sizeof s.message, "%s", message);
  s.error = c.error;
  // A local limit (no descriptor, no port) is final and retires the slot: retrying would
  // hold its request, and the schedule of the connections that work, for nothing.
  const bool retire = failure == Failure::kConnect && local_limit(c.error);
  c.error = 0;
  const bool retry = !run->cancelled && !retire && c.attempt < spec.max_attempts &&
                     is_retryable(failure, s.status);
  s.final = !retry;
  emit(e);
  c.response_complete = false;
  if (retry) {
    const int64_t retry_after = response != nullptr ? response->retry_after_s : -1;
    ++c.attempt;
    c.wake_ns = now_ + retry_delay_ns(c.attempt, spec.backoff_base_ns, spec.backoff_max_ns, retry_after, &random_);
    c.state = SlotState::kBackoff;
    if (c.wake_ns <= now_) make_ready(id);
    else arm_timer(id, c.wake_ns);
    return;
  }
  ++run->requests_done;
  if (run->cancelled || retire) return finish_slot(id);
  TargetState& ts = c.job->targets[c.target];
  if (failure == Failure::kNone) {
    ts.consecutive_failed.store(0, std::memory_order_relaxed);
  } else if (failure == Failure::kTls) {
    // Every connection to the target would fail the same way: stop sending to it.
    ts.tls_failed.store(true, std::memory_order_relaxed);
    ts.gave_up.store(true, std::memory_order_relaxed);
  } else if (spec.give_up_after > 0 && is_retryable(failure, s.status) &&
             ts.consecutive_failed.fetch_add(1, std::memory_order_relaxed) + 1 >= spec.give_up_after) {
    ts.gave_up.store(true, std::memory_order_relaxed);
  }
  schedule_next(id);
}

void Reactor::schedule_next(uint32_t id) {
  Connection& c = slots_[id];
  c.state = SlotState::kIdle;
  const int64_t pause = c.job->spec.schedule.open_loop() ? 0 : c.job->spec.interval_ns;
  c.wake_ns = now_ + pause;
  if (pause <= 0) make_ready(id);
  else arm_timer(id, c.wake_ns);
}

void Reactor::park_slot(uint32_t id) {
  Connection& c = slots_[id];
  c.state = SlotState::kSpent;
  ++c.run->spent;
  end_spent(c.run);
}

void Reactor::end_spent(JobRun* run) {
  if (run->spent == 0 || run->spent < run->active) return;
  for (uint32_t id = 0; id < slot_limit_ && run->spent > 0; ++id) {
    if (slots_[id].run == run && slots_[id].state == SlotState::kSpent) finish_slot(id);
  }
}

void Reactor::finish_slot(uint32_t id) {
  Connection& c = slots_[id];
  JobRun* run = c.run;
  const bool spent = c.state == SlotState::kSpent;
  if (spent) --run->spent;
  close_connection(id, false);
  c.state = SlotState::kDraining;
  c.run = nullptr;
  c.job = nullptr;
  c.address = nullptr;
  c.request_template = nullptr;
  --run->active;
  if (c.ops == 0) release_slot(id);
  if (!spent) end_spent(run);  // this slot may have been the last one still working
  // The run itself is reported (kJobDone) by open_pending_slots at the top of the turn,
  // after every sample of this turn.
}

void Reactor::settle_attempt(Connection& c) {
  if (c.answer_wait) --answer_waits_;
  if (c.in_attempt) --open_attempts_;
  c.answer_wait = c.in_attempt = false;
}

void Reactor::release_slot(uint32_t id) {
  Connection& c = slots_[id];
  settle_attempt(c);
  c.state = SlotState::kFree;
  c.zc_notif_pending = false;
  timers_.clear(id);
  release_buffer(c);  // no operation of the slot is left, so the kernel is done with it
  free_slots_.push_back(id);
}

void Reactor::close_connection(uint32_t id, bool abort) {
  Connection& c = slots_[id];
  if (c.fd < 0) return;
  if (c.tls.active()) tls_close(id, abort);
  close_socket(c.fd, abort);
  int none = -1;
  io_uring_register_files_update(&ring_, id, &none, 1);
  c.fd = -1;
  ++c.generation;  // completions still in flight for this socket are now stale
  c.connected = false;
  c.recv_armed = false;
  c.send_inflight = false;
  c.zc_notif_pending = false;
}

void Reactor::peer_closed(uint32_t id) {
  Connection& c = slots_[id];
  // An answer that runs to EOF is complete now; otherwise it's a reset.
  const bool answer = c.state == SlotState::kSending && c.parser.in_progress() &&
                      c.parser.finish() == ResponseParser::Result::kComplete;
  close_connection(id, false);
  if (answer) {
    c.response_complete = true;
    return complete_attempt(id);
  }
  if (c.attempt_open()) end_attempt(id, Failure::kReset, nullptr);
}

// ---- Completions -----------------------------------------------------------------------

void Reactor::dispatch(const io_uring_cqe* cqe) {
  const UserData ud = decode_user_data(cqe->user_data);
  if (ud.op == Op::kWake) {
    if (!stop_.load(std::memory_order_relaxed)) arm_wake();
    return;  // commands are drained at the top of every turn
  }
  Connection& c = slots_[ud.slot];
  if (!(cqe->flags & IORING_CQE_F_MORE)) {
    --c.ops;
    if (ud.op == Op::kSend || ud.op == Op::kSendZc) --c.sends_unreaped;
  }
  if (ud.generation != c.generation) {
    // Stale: the socket it belonged to is closed. A selected buffer must still go back.
    if (cqe->flags & IORING_CQE_F_BUFFER) {
      buffers_.recycle(static_cast<uint16_t>(cqe->flags >> IORING_CQE_BUFFER_SHIFT));
    }
    if (c.state == SlotState::kDraining && c.ops == 0) release_slot(ud.slot);
    return;
  }
  switch (ud.op) {
    case Op::kConnect: return on_connect(ud.slot, cqe->res);
    case Op::kSend: return on_send(ud.slot, cqe->res, cqe->flags, false);
    case Op::kSendZc:
      if (cqe->flags & IORING_CQE_F_NOTIF) return on_send_notif(ud.slot, cqe->res);
      return on_send(ud.slot, cqe->res, cqe->flags, true);
    case Op::kRecv: return on_recv(ud.slot, cqe->res, cqe->flags);
    case Op::kWake: return;
  }
}

void Reactor::on_connect(uint32_t id, int res) {
  Connection& c = slots_[id];
  if (res < 0) {
    if (c.state != SlotState::kWaitDue) return connect_failed(id, -res);
    close_connection(id, true);  // an early connect: the attempt connects again when due
    return;
  }
  c.connected = true;
  if (c.was_connected) bump(counters_.reconnects);
  c.was_connected = true;
  arm_recv(id);
  if (c.state == SlotState::kWaitDue) return;  // connected ahead of its request
  begin_send(id);
}

void Reactor::connect_failed(uint32_t id, int error) {
  Connection& c = slots_[id];
  close_connection(id, true);
  c.error = static_cast<uint16_t>(error);
  end_attempt(id, error == ECONNREFUSED ? Failure::kRefused : Failure::kConnect, nullptr,
              local_limit(error) ? local_limit_hint(error) : nullptr);
}

void Reactor::on_send(uint32_t id, int res, uint32_t flags, bool zc) {
  Connection& c = slots_[id];
  c.send_inflight = false;
  // Zero copy: F_MORE means a NOTIF follows; until then the kernel may read the buffer.
  if (zc && (flags & IORING_CQE_F_MORE)) c.zc_notif_pending = true;
  if (res == -EAGAIN || res == -EINTR) return send_more(id);
  if (res < 0) {
    close_connection(id, true);
    // EPIPE, ECONNRESET: the row says which. EFAULT from a scatter send: the memory its
    // iovecs point to is gone (the source's file was truncated); the source hears of it.
    c.error = static_cast<uint16_t>(-res);
    scatter_finished(c, -res);
    return end_attempt(id, Failure::kReset, nullptr);
  }
  if (c.tls.active()) {
    c.tls.consumed(static_cast<size_t>(res));
    return tls_pump(id);  // the rest of this output, or the next chunk of the request
  }
  c.sent += static_cast<size_t>(res);
  if (c.scattered) advance_iovecs(c.iov, c.iov_count, &c.iov_next, static_cast<size_t>(res));
  // Short send (legal even with MSG_WAITALL): send the rest from where it stopped.
  if (c.sent < c.request_bytes) return send_more(id);
  scatter_finished(c, 0);
  // A plain send's CQE means the kernel has copied every byte: the buffer is free for the
  // next slot to render into while it is still in cache. Zero copy waits for its NOTIF.
  // A fixed request gives its buffer back too and is rendered again (a copy of the target):
  // a connection between requests holds no buffer, however many there are.
  if (!zc && !c.zc_notif_pending) release_buffer(c);
  if (c.response_complete) complete_attempt(id);
}

void Reactor::on_send_notif(uint32_t id, int res) {
  Connection& c = slots_[id];
  c.zc_notif_pending = false;
  // The kernel copied after all (always so over loopback): plain send is cheaper.
  if ((static_cast<uint32_t>(res) & IORING_NOTIF_USAGE_ZC_COPIED) && send_zc_) {
    send_zc_ = false;
    counters_.zero_copy_fell_back.store(true, std::memory_order_relaxed);
  }
  if (c.state == SlotState::kWaitNotif) {
    c.state = SlotState::kIdle;
    make_ready(id);
  }
}

void Reactor::on_recv(uint32_t id, int res, uint32_t flags) {
  Connection& c = slots_[id];
  // Without F_MORE the multishot recv is over and must be re-armed to keep reading.
  if (!(flags & IORING_CQE_F_MORE)) c.recv_armed = false;
  const uint32_t generation = c.generation;
  if (res > 0) {
    // The buffer holds an io_uring_recvmsg_out, the control messages, then the bytes.
    const uint16_t bid = static_cast<uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT);
    io_uring_recvmsg_out* out = io_uring_recvmsg_validate(buffers_.buffer(bid), res, &recv_msg_);
    const size_t n = out != nullptr ? io_uring_recvmsg_payload_length(out, res, &recv_msg_) : 0;
    if (n == 0) {  // no bytes: the end of the stream (the last CQE of the recvmsg)
      buffers_.recycle(bid);
      if (!(flags & IORING_CQE_F_MORE)) return peer_closed(id);
      return;
    }
    c.received_ns = now_;
    for (cmsghdr* m = io_uring_recvmsg_cmsg_firsthdr(out, &recv_msg_); m != nullptr;
         m = io_uring_recvmsg_cmsg_nexthdr(out, &recv_msg_, m)) {
      if (m->cmsg_level != SOL_SOCKET || m->cmsg_type != SO_TIMESTAMPING) continue;
      scm_timestamping stamps;
      std::memcpy(&stamps, CMSG_DATA(m), sizeof stamps);
      const int64_t unix_ns = int64_t{stamps.ts[0].tv_sec} * 1'000'000'000 + stamps.ts[0].tv_nsec;
      if (unix_ns != 0) c.received_ns = unix_ns - stamp_offset_ns_;
    }
    const char* data = static_cast<const char*>(io_uring_recvmsg_payload(out, &recv_msg_));
    if (c.tls.active()) tls_receive(id, data, n);
    else feed(id, data, n);
    buffers_.recycle(bid);
  } else if (res == -ENOBUFS) {
    // Out of provided buffers: not a connection error; the buffers come back at the end
    // of this batch (flush), before the re-armed recv is submitted.
    bump(counters_.recv_buffer_shortages);
  } else if (res == 0) {
    return peer_closed(id);
  } else {
    close_connection(id, true);
    c.error = static_cast<uint16_t>(-res);  // ECONNRESET, ETIMEDOUT: the row says which
    if (c.attempt_open()) end_attempt(id, Failure::kReset, nullptr);
    return;
  }
  if (c.generation == generation && c.connected && !c.recv_armed) arm_recv(id);
}

}  // namespace stressql::engine
