// Reactor, part three: HTTPS. TLS sits between the socket and the HTTP code of
// reactor_slots.cpp, with no I/O of its own (engine/tls_session.h):
//
//   on_recv ──ciphertext──► tls_receive ──plaintext──► feed (llhttp)
//   c.buffer (request) ──► tls_pump ──ciphertext──► send_more (same io_uring send path)
//
// Invariants, on top of reactor.h's:
//  - At most one send is in flight per connection, as for plain HTTP; tls_pump() does
//    nothing while one is, and on_send() calls it again. So the output buffer is never
//    written where the kernel may still be reading.
//  - The request goes to TLS one chunk (TlsSession::kWriteChunk) at a time, after the
//    previous chunk's ciphertext was sent; c.sent counts plaintext taken by TLS.
//  - After feed() (which may end the attempt and close the socket) nothing touches the
//    TlsSession unless the slot's generation is unchanged.
//  - A TLS error ends the attempt as Failure::kTls: final, and the target is given up.

#include <sys/socket.h>

#include <cstdio>

#include "engine/reactor.h"

namespace stressql::engine {

void Reactor::tls_start(uint32_t id) {
  Connection& c = slots_[id];
  // A kept session resumes only on the (job, target) it came from.
  if (c.tls_resume != nullptr && (c.tls_resume_serial != c.job->serial || c.tls_resume_target != c.target)) {
    SSL_SESSION_free(c.tls_resume);
    c.tls_resume = nullptr;
  }
  c.tls_resume_serial = c.job->serial;
  c.tls_resume_target = c.target;
  if (c.tls.start(*c.job->spec.tls, c.job->tls_peers[c.target], c.tls_resume) != TlsSession::Result::kOk) {
    return tls_failed(id);
  }
  tls_pump(id);  // the ClientHello
}

void Reactor::tls_pump(uint32_t id) {
  Connection& c = slots_[id];
  if (c.send_inflight) return;
  TlsSession& tls = c.tls;
  if (!tls.handshake_done() && tls.handshake() == TlsSession::Result::kError) return tls_failed(id);
  if (tls.handshake_done() && c.state == SlotState::kSending && c.sent < c.request_bytes &&
      tls.fill_output() == 0) {
    size_t taken = 0;
    if (tls.write(c.buffer + c.request_offset + c.sent, c.request_bytes - c.sent, &taken) ==
        TlsSession::Result::kError) {
      return tls_failed(id);
    }
    c.sent += taken;
  }
  if (tls.fill_output() > 0) return send_more(id);
  if (c.state == SlotState::kSending && c.sent >= c.request_bytes && c.response_complete) {
    complete_attempt(id);
  }
}

void Reactor::tls_receive(uint32_t id, const char* data, size_t n) {
  Connection& c = slots_[id];
  const uint32_t generation = c.generation;
  TlsSession& tls = c.tls;
  int stalls = 0;
  for (;;) {
    const size_t put = tls.put_ciphertext(data, n);
    data += put;
    n -= put;
    bool progress = put > 0;
    if (!tls.handshake_done()) {
      const TlsSession::Result r = tls.handshake();
      if (r == TlsSession::Result::kError) return tls_failed(id);
      progress = progress || r == TlsSession::Result::kOk;
    }
    while (tls.handshake_done()) {
      size_t got = 0;
      const TlsSession::Result r = tls.read(tls_plain_.data(), tls_plain_.size(), &got);
      if (r == TlsSession::Result::kWant) break;
      if (r == TlsSession::Result::kClosed) return peer_closed(id);  // close_notify
      if (r == TlsSession::Result::kError) return tls_failed(id);
      progress = true;
      feed(id, tls_plain_.data(), got);
      if (c.generation != generation) return;  // feed closed the socket (and the session)
    }
    if (n == 0) break;
    // OpenSSL drains a full pair (it holds more than a record); twice no room: out of step.
    if (!progress && ++stalls > 1) return tls_failed(id);
  }
  tls_pump(id);  // the handshake's next flight, or the request once it is complete
}

void Reactor::tls_failed(uint32_t id) {
  Connection& c = slots_[id];
  char message[sizeof(Sample::message)];
  std::snprintf(message, sizeof message, "%s", c.tls.error_text()[0] ? c.tls.error_text() : "TLS failed");
  close_connection(id, true);
  if (c.attempt_open()) end_attempt(id, Failure::kTls, nullptr, message);
}

void Reactor::tls_close(uint32_t id, bool abort) {
  Connection& c = slots_[id];
  if (SSL_SESSION* s = c.tls.get1_session()) {
    SSL_SESSION_free(c.tls_resume);
    c.tls_resume = s;
  }
  if (!abort && !c.send_inflight) {
    // close_notify, best effort: one non-blocking send straight away, because the socket
    // is shut down right after (an io_uring send would run after that).
    c.tls.shutdown();
    if (c.tls.fill_output() > 0) {
      (void)!::send(c.fd, c.tls.output(), c.tls.output_bytes(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
  }
  c.tls.end();
}

}  // namespace stressql::engine
