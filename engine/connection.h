#pragma once
// One connection slot of a reactor: a keep-alive TCP connection (at most one request in
// flight), its send buffer and response parser, and the request it is working on.
// Owned by one reactor; reactor thread only.

#include <cstddef>
#include <cstdint>

#include "engine/engine.h"
#include "engine/http_request.h"
#include "engine/http_response.h"
#include "base/status.h"
#include "engine/tls_session.h"

namespace stressql::engine {

struct JobRun;
struct JobShared;

enum class SlotState : uint8_t {
  kFree,        // in the free list
  kIdle,        // waits until wake_ns, then takes the next request
  kWaitNotif,   // wants the next request, but a zero-copy NOTIF still holds the buffer
  kBackoff,     // waits until wake_ns, then retries the current request
  kWaitDue,     // holds a claimed request not yet due (open loop): renders and sends it at
                // wake_ns; meanwhile its connection opens (or stays open)
  kConnecting,  // attempt open: connect in flight
  kSending,     // attempt open: sending and/or awaiting the answer
  kSpent,       // no request left for it: its connection stays open until every
                // connection of the job on this reactor is spent (a fleet stays connected)
  kDraining,    // no job any more; released once `ops` reaches 0
};

struct Connection {
  // Socket. `generation` changes on every close, so completions of an older socket are
  // recognised as stale; `ops` counts CQEs still to come for this slot, of any generation.
  int fd = -1;
  uint32_t generation = 0;
  uint32_t ops = 0;
  bool connected = false;
  bool recv_armed = false;
  bool send_inflight = false;
  // Sends whose last CQE is not reaped yet, stale ones (their socket closed) included:
  // until then the kernel may read what they point to.
  uint32_t sends_unreaped = 0;
  bool zc_notif_pending = false;
  bool response_complete = false;  // the answer is in, the send CQE not yet
  bool in_ready = false;           // queued in the reactor's ready list
  uint16_t error = 0;              // errno of a failed connect, for the attempt's Sample
  bool was_connected = false;      // connected before for this job and target: a connect
                                   // now is a reconnect (EngineCounters::reconnects)
  bool needs_render = false;       // the request claimed is not in `buffer` yet
  // Reactor bookkeeping of the wait policy (reactor.h): an attempt is open (counted in
  // Reactor::open_attempts_), and of those, a plain one under a rate whose request is
  // handed to the kernel and that waits only for its answer (Reactor::answer_waits_).
  bool in_attempt = false;
  bool answer_wait = false;

  SlotState state = SlotState::kFree;
  JobRun* run = nullptr;
  JobShared* job = nullptr;
  const Address* address = nullptr;
  const RequestTemplate* request_template = nullptr;
  uint32_t job_slot = 0;   // index among the job's slots: picks the targets it serves
  uint32_t target = 0;     // index into the job's targets of `address`
  uint32_t next_pick = 0;  // rotation among its targets when it serves several

  // Send buffer (null while the slot has none): aligned, registered as fixed buffer
  // `buffer_index` when `registered`. Buffers move between slots (see reactor.h).
  char* buffer = nullptr;
  size_t buffer_bytes = 0;
  uint32_t buffer_index = 0;
  bool registered = false;
  uint64_t rendered_serial = 0;  // JobShared::serial of a fixed request already in `buffer`

  // The request being worked on.
  uint64_t request_index = 0;
  uint32_t attempt = 0;
  uint32_t points = 0;
  uint32_t body_bytes = 0;
  uint32_t raw_body_bytes = 0;  // before the job's BodyEncoder
  size_t request_offset = 0;  // first byte of the request in `buffer`
  size_t request_bytes = 0;
  size_t sent = 0;
  // A scatter request (JobShared::scatter): the header and the body's pieces as iovecs in
  // `buffer`, iov[iov_next] the first not wholly sent (advanced in place after a partial
  // send); `msg` describes the sendmsg in flight, at most kMaxSendIovecs of them.
  bool scattered = false;
  bool scatter_pending = false;  // rendered, RequestSource::scatter_done not called yet
  iovec* iov = nullptr;
  uint32_t iov_count = 0;
  uint32_t iov_next = 0;
  msghdr msg{};
  int64_t first_due_ns = 0; // monotonic time the request's first attempt was due: its
                            // latency counts from here across every attempt
  int64_t due_ns = 0;       // monotonic time the current attempt was due
  int64_t started_ns = 0;   // monotonic time the current attempt started (sending or connecting)
  int64_t deadline_ns = 0;  // attempt timeout
  int64_t wake_ns = 0;      // kIdle / kBackoff / kWaitDue: when to act
  int64_t received_ns = 0;  // monotonic time the kernel received the last bytes read (its
                            // SO_TIMESTAMPING stamp): an answer's end, however late it is reaped

  ResponseParser parser;

  // HTTPS (job->spec.tls): the TLS layer of the current socket, and the session of the
  // last one, kept for resumption on reconnect to the same (job, target).
  // While tls.active(): `sent` counts plaintext handed to TLS; the wire bytes are tls.output().
  TlsSession tls;
  SSL_SESSION* tls_resume = nullptr;
  uint64_t tls_resume_serial = 0;  // JobShared::serial and target of tls_resume
  uint32_t tls_resume_target = 0;

  bool attempt_open() const { return state == SlotState::kConnecting || state == SlotState::kSending; }
};

// After a send of `n` bytes from iov[*next, count): moves *next past the iovecs it took
// whole and the first one it took part of past that part (in place), so the next send
// starts at the first byte not sent.
inline void advance_iovecs(iovec* iov, uint32_t count, uint32_t* next, size_t n) {
  while (n > 0 && *next < count) {
    iovec& v = iov[*next];
    if (n < v.iov_len) {
      v.iov_base = static_cast<char*>(v.iov_base) + n;
      v.iov_len -= n;
      return;
    }
    n -= v.iov_len;
    ++*next;
  }
}

// Creates a non-blocking TCP socket for `address` with TCP_NODELAY and software receive
// timestamps (SO_TIMESTAMPING: each read says when the kernel received its last bytes).
// Returns 0, or the errno of the failure (then *fd = -1).
int open_socket(const Address& address, int* fd);
// Ends a socket; `abort` makes the final close send RST instead of FIN (SO_LINGER 0).
// shutdown() first, because io_uring's registered-file reference keeps the socket alive
// past close() and a pending recv would otherwise never complete.
void close_socket(int fd, bool abort);

}  // namespace stressql::engine
