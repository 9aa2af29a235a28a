#pragma once
// The engine: N pinned reactor threads, each with its own io_uring, TCP connections and
// registered buffers, running HTTP/1.1 jobs that the control thread submits.
//
// Threads: every public method of Engine is called from ONE thread, the control thread.
// Reactors talk to it only through SPSC rings: control → reactor commands (per job, never
// per request), reactor → control samples (one per finished request attempt) and job
// completions. A full sample ring stalls the reactor, it never drops a sample.
//
// Nothing here knows stressql: a job is "send these N requests with this concurrency".

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/schedule.h"

namespace stressql::engine {

using JobId = uint32_t;

enum class Method : uint8_t { kGet, kPost, kDelete };  // only POST carries a body

// Why an attempt failed; kNone for a 2xx answer.
enum class Failure : uint8_t {
  kNone,
  kHttpStatus,  // a non-2xx answer; Sample::status holds it
  kQueryError,  // a 2xx answer whose JSON body has an "error" member (check_json_error)
  kTimeout,     // no complete answer within JobSpec::timeout_ns
  kRefused,     // connect: connection refused (Sample::error is ECONNREFUSED)
  kReset,       // connection reset or closed before the answer was complete
  kConnect,     // any other connect or socket error (unreachable, …); Sample::error says
                // which. A local limit (EMFILE, ENFILE, EADDRNOTAVAIL, ENOBUFS, ENOMEM) is
                // final, and the connection slot retires: the job goes on with the
                // connections it has, on their schedule
  kCancelled,   // stopped by Engine::cancel / Engine::stop
  kTls,         // TLS handshake or record error (certificate not trusted, expired, wrong
                // name, …): final, never retried; the job stops sending to that target
  kNotSent,     // offline engine: rendered, never sent; not a success and not a failure
                // (no server answered). latency_ns is the time the rendering took
  kOutput,      // offline engine: writing the request to its output failed (message says
                // why); the job renders nothing further
};
const char* failure_name(Failure f);

// One finished attempt of one request.
struct Sample {
  JobId job = 0;
  uint16_t status = 0;        // HTTP status, 0 when there was no answer
  Failure failure = Failure::kNone;
  uint8_t attempt = 1;        // 1-based
  bool final = true;          // no further attempt of this request follows
  uint16_t error = 0;         // the OS error (errno) of a transport failure: kRefused and
                              // kConnect, the failed socket/connect's; kReset, the failed
                              // send's or receive's (ECONNRESET, EPIPE), 0 when the server
                              // closed the connection or sent what is not HTTP; else 0
  uint32_t points = 0;        // points in the request body (RequestSource says)
  uint32_t dropped = 0;       // points the server reported dropped (partial write)
  uint32_t request_bytes = 0; // whole request, header included
  uint32_t body_bytes = 0;    // the request body alone, as sent
  uint32_t raw_body_bytes = 0;  // the body before the source's encoding (gzip); equal to
                                // body_bytes when there is none
  uint32_t response_bytes = 0;// answer body bytes
  uint64_t request_index = 0;
  // From the moment the REQUEST was first due (open loop: its scheduled time; closed loop:
  // when its slot was free to send it) to the last byte of this attempt's answer: a retry's
  // latency includes the earlier attempts and their backoff.
  int64_t latency_ns = 0;
  int64_t due_unix_ns = 0;    // wall-clock time the request's first attempt was due
  // How long after the request's first due time this attempt was sent. On a first attempt:
  // under a schedule the lag behind it (every connection was busy, or the reactor was late);
  // in a closed loop only the reactor's own delay. On a retry it also holds the time lost to
  // the earlier attempts and their backoff. latency_ns − lag_ns is this attempt's latency from
  // its send (the server's time).
  int64_t lag_ns = 0;
  // For a failed answer (non-2xx, or a JSON "error"): the server's message — the JSON
  // "error" member when there is one, else the start of the body — NUL-terminated and
  // cut to fit between two characters. Empty otherwise. The server's bytes: may be
  // ill-formed UTF-8, so a writer passes it through base::utf8_sanitize.
  char message[120] = {};
};

// Turns a rendered body into the bytes sent (gzip, say). Made by a job's RequestSource, one
// per reactor per job; used by that reactor's thread only, so it may keep state.
class BodyEncoder {
 public:
  virtual ~BodyEncoder() = default;
  // The most encode() can write for a body of `body_bytes`.
  virtual size_t max_encoded_bytes(size_t body_bytes) const = 0;
  // Encodes in[0, n) into out; returns the encoded length.
  // REQUIRES: `out` holds max_encoded_bytes(n) bytes.
  virtual size_t encode(const char* in, size_t n, char* out) = 0;
};

// Renders the requests of one job. Shared read-only by all reactors: render() runs
// concurrently on reactor threads and must not mutate shared state except atomics.
class RequestSource {
 public:
  virtual ~RequestSource() = default;
  virtual size_t max_target_bytes() const = 0;  // path + query string
  virtual size_t max_body_bytes() const = 0;    // 0 for GET jobs
  struct Rendered {
    uint32_t target_len = 0;
    uint32_t body_len = 0;
    uint32_t points = 0;
  };
  // Renders request `index` (0 ≤ index < JobSpec::requests): the request target into
  // `target` and the body into `body`, within the capacities above.
  virtual Rendered render(uint64_t index, char* target, char* body) const = 0;
  // True when render() writes the same target and body for every index (a fixed request,
  // e.g. a repeated query): the engine then renders once per connection and resends it.
  virtual bool fixed_request() const { return false; }
  // An encoder for the bodies (POST jobs), or null to send them as rendered. Called once per
  // reactor when a job starts there (and once on the control thread to size buffers).
  virtual std::unique_ptr<BodyEncoder> make_encoder() const { return nullptr; }

  // Scatter rendering, optional: a body as a list of iovecs into memory the source keeps
  // for the job's life (a file mapping) and into a small area of the send buffer, sent with
  // sendmsg, so that its bytes are not copied in user space. The engine uses it instead of
  // render() for a POST job with no TLS and no BodyEncoder when scatter_room() is not
  // {0, 0}; render() stays, for everything else (TLS, gzip, the offline engine), and writes
  // the same bytes.
  struct ScatterRoom {
    size_t iovecs = 0;  // the most iovecs a body takes
    size_t bytes = 0;   // the most bytes of `area` it writes (rewritten pieces)
  };
  virtual ScatterRoom scatter_room() const { return {}; }
  struct Scattered : Rendered {
    uint32_t iov_count = 0;
  };
  // Renders request `index`'s target into `target` and its body as iov[0, iov_count), whose
  // pieces may point into `area`. Same concurrency as render().
  // REQUIRES: iov holds scatter_room().iovecs, area scatter_room().bytes.
  virtual Scattered render_scatter(uint64_t index, char* target, iovec* iov, char* area) const {
    (void)index, (void)target, (void)iov, (void)area;
    return {};
  }
  // The engine is done with request `index`'s scatter attempt: every byte was sent, or
  // the attempt ended before anything was sent (error 0), or the send failed with `error`
  // (an errno; EFAULT: memory the iovecs point to was gone, a mapped file truncated), or
  // the attempt ended (timed out, cancelled) with its send still in the kernel, which may
  // read the pieces until its socket closes (EINPROGRESS). Reactor threads, concurrently.
  virtual void scatter_done(uint64_t index, int error) const { (void)index, (void)error; }
};

class TlsContext;  // engine/tls_context.h

// A resolved "host:port".
struct Address {
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string text;  // as the user wrote it; also the Host header
};
// Resolves "host:port", "[v6]:port" or "host" (port 8086). Blocking; control thread only.
base::Status resolve_address(const std::string& host_port, Address* out);

struct JobSpec {
  Method method = Method::kPost;
  std::shared_ptr<const RequestSource> source;
  uint64_t requests = 0;        // request indices 0 … requests-1, each sent exactly once
                                // (plus retries)
  uint32_t concurrency = 1;     // requests in flight across all reactors (≥ 1); one
                                // keep-alive connection per slot
  int64_t interval_ns = 0;      // pause between consecutive requests of one slot (closed loop)
  // Open loop when schedule.open_loop(): request i is sent at its due time (start of the job
  // + schedule.due_offset_ns(i)) on any free slot of the job, late when none is free;
  // interval_ns does not apply.
  RequestSchedule schedule;
  int64_t timeout_ns = 10'000'000'000;  // per attempt
  uint32_t max_attempts = 5;    // ≥ 1; retried: 429, 500, 503, timeout, refused, reset
  int64_t backoff_base_ns = 100'000'000;  // exponential with full jitter, capped
  int64_t backoff_max_ns = 5'000'000'000;
  // Give up on a target after this many consecutive requests to it finally failed with a
  // retryable failure (transport errors, 429/5xx after every attempt) and no success in
  // between: its remaining requests are not sent (JobResult says so). 0: never.
  uint32_t give_up_after = 0;
  bool check_json_error = false;  // queries: a 2xx JSON body with "error" fails
  bool parse_dropped = false;     // writes: "partial write … dropped=N" in a 400 body
  std::string extra_headers;      // whole header lines, each ending "\r\n"
  std::vector<Address> targets;   // ≥ 1; request i goes to targets[i mod size]
  // HTTPS when set: every connection of the job runs TLS with this context (shared
  // read-only by the reactors; see engine/tls_context.h). Null: plain HTTP.
  std::shared_ptr<const TlsContext> tls;
};

// Summary sent once per job when every reactor has finished its share.
struct JobResult {
  JobId job = 0;
  uint64_t requests_done = 0;  // requests with a final sample
  bool cancelled = false;
  uint64_t requests_not_sent = 0;  // requests never sent (cancelled, or given up)
  std::string gave_up;             // "gave up on 127.0.0.1:1 after 10 …" or empty
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_sample(const Sample& s) = 0;
  virtual void on_job_finished(const JobResult& r) = 0;
};

struct EngineOptions {
  int reactors = 0;       // 0: one per online CPU
  bool pin = true;        // pin reactor i to CPU i % online CPUs
  bool send_zc = false;   // zero-copy sends (falls back when the kernel copies)
  // Connections one reactor can hold (its registered-file table); the sum of running jobs'
  // shares on a reactor may not exceed it (submit fails). 0: as many as the descriptor
  // limit allows (engine/descriptor_limit.h). Connections are allocated as jobs need them,
  // so a large table costs nothing until used; the jobs' connections together must fit
  // under the descriptor limit in any case.
  uint32_t max_connections_per_reactor = 0;
};

// What the reactors did besides the samples, summed over them: how requests went out and
// how often the rings ran short. Exact once every job has finished.
struct EngineCounters {
  uint64_t sends = 0;              // send operations, short-send continuations included
  uint64_t zero_copy_sends = 0;    // of which zero-copy (EngineOptions::send_zc)
  uint32_t zero_copy_fallbacks = 0;  // reactors that went back to plain sends: the kernel
                                     // copied anyway (always so over loopback)
  uint64_t mapped_sends = 0;       // of which sendmsg of a body from a file's mapping
                                   // (RequestSource::render_scatter: replay over plain HTTP)
  uint64_t recv_buffer_shortages = 0;  // -ENOBUFS: out of provided receive buffers; re-armed
  uint64_t cq_overflows = 0;       // loop turns that found completions held back by the
                                   // kernel because the CQ ring was full
  uint64_t reconnects = 0;         // connects of a connection that had been connected for its
                                   // job before: the server closed it (idle timeout, request
                                   // limit, restart), or a timeout or reset made it close
};

class Engine {
 public:
  // Starts the reactor threads. REQUIRES: options.reactors ≥ 0.
  static base::Status start(const EngineOptions& options, std::unique_ptr<Engine>* out);
  // Starts an engine that renders requests and sends none (engine/offline_engine.cpp): its
  // reactors claim and render a job's requests as the real ones do, and every request ends
  // in one final Sample with Failure::kNotSent. With `output`, the bodies are written to it
  // in request-index order by one reactor (each job in submit order); a failed write ends
  // the job with a kOutput sample. Nothing connects, so targets need not resolve, and
  // interval, timeout, retries and TLS do not apply. REQUIRES: output, if any, outlives
  // the engine.
  static base::Status start_offline(const EngineOptions& options, std::FILE* output,
                              std::unique_ptr<Engine>* out);
  // Cancels every job, joins the reactors, closes every descriptor.
  virtual ~Engine() = default;

  virtual int reactor_count() const = 0;
  // Starts a job. `id` must be unique among running jobs. Fails (without starting
  // anything) when the spec is invalid.
  virtual base::Status submit(JobId id, JobSpec spec) = 0;
  // Stops a job: unsent requests are never sent, in-flight ones end as kCancelled.
  // on_job_finished still arrives for it.
  virtual void cancel(JobId id) = 0;
  // Delivers pending samples and job completions to `sink`. When none is pending it waits up
  // to `max_wait_ns`: for any event when no job runs; while jobs run, only a job's end (or
  // an event ring filling up) cuts the wait short, and the samples gathered meanwhile come
  // at its end, so that requests do not each wake the control thread. Returns the number
  // of events delivered.
  virtual size_t poll(EventSink* sink, int64_t max_wait_ns) = 0;
  // The reactors' counters so far (each read atomically, the sum is not a snapshot).
  virtual EngineCounters counters() const = 0;
};

}  // namespace stressql::engine
