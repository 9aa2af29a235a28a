#pragma once
// What the control thread and the reactors share about a job, and the items that travel
// through their SPSC rings.
//
// Invariants:
//  - JobShared is created by the control thread before any reactor hears of the job and is
//    destroyed by it only after every reactor that got a share has sent kJobDone; a reactor
//    never touches it after sending kJobDone.
//  - After construction only `targets[]` and `cancelled` change (atomics); everything else
//    is read-only, so reactors read it without synchronisation beyond the ring's
//    release/acquire.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "engine/http_request.h"
#include "engine/tls_context.h"

namespace stressql::engine {

// Per target address of a job. Request index i belongs to target i mod T, so requests go
// round-robin across the addresses whatever their speed; target t's requests are claimed
// in order from its own counter.
struct alignas(128) TargetState {
  std::atomic<uint64_t> next{0};                // k: target t's next request is k·T + t
  std::atomic<uint32_t> consecutive_failed{0};  // final retryable failures since a success
  std::atomic<bool> gave_up{false};             // no further request is sent to it
  std::atomic<bool> tls_failed{false};          // gave up because TLS failed (kTls)
};

struct JobShared {
  JobId id = 0;
  JobSpec spec;
  std::vector<RequestTemplate> templates;  // one per spec.targets entry
  std::vector<TlsPeer> tls_peers;          // one per spec.targets entry when spec.tls
  size_t header_room = 0;                  // max over templates
  size_t buffer_bytes = 0;                 // header_room + max body (encoded, when encoded)
  size_t raw_body_bytes = 0;               // max body as rendered, before any encoder
  bool encodes = false;                    // the source has a BodyEncoder (POST only)
  // Bodies go out as iovecs (RequestSource::render_scatter): a plain-HTTP POST job whose
  // source can and that has no encoder. A send buffer then holds the header, the iovec
  // array (one more than the source's room: the header's) and the source's area.
  bool scatter = false;
  RequestSource::ScatterRoom scatter_room;
  size_t max_target_bytes = 0;
  uint64_t serial = 0;         // unique per engine, never reused (unlike the address)
  bool fixed_request = false;  // spec.source->fixed_request()
  uint32_t job_slots = 1;      // slots across all workers (≤ spec.concurrency), set at submit
  int64_t start_ns = 0;        // monotonic time of submit: spec.schedule counts from here
  std::unique_ptr<TargetState[]> targets;  // spec.targets.size() entries
  std::atomic<bool> cancelled{false};

  // Control thread, before any reactor hears of the job: takes `spec` (validated by the
  // caller) and derives the request templates, buffer sizes and target states from it.
  void init(JobId job_id, JobSpec job_spec, uint64_t job_serial) {
    id = job_id;
    spec = std::move(job_spec);
    max_target_bytes = spec.source->max_target_bytes();
    serial = job_serial;
    fixed_request = spec.source->fixed_request();
    targets = std::make_unique<TargetState[]>(spec.targets.size());
    for (const Address& a : spec.targets) {
      templates.emplace_back(spec.method, a.text, spec.extra_headers, max_target_bytes);
      if (spec.tls) tls_peers.push_back(spec.tls->peer_for(a));
      header_room = std::max(header_room, templates.back().header_room());
    }
    // One header room for the job, whatever the target, so one buffer size fits all slots.
    for (RequestTemplate& t : templates) t.set_header_room(header_room);
    raw_body_bytes = spec.method == Method::kPost ? spec.source->max_body_bytes() : 0;
    size_t body_room = raw_body_bytes;
    if (spec.method == Method::kPost) {
      if (std::unique_ptr<BodyEncoder> e = spec.source->make_encoder()) {
        encodes = true;
        body_room = e->max_encoded_bytes(raw_body_bytes);
      }
    }
    scatter_room = spec.source->scatter_room();
    scatter = spec.method == Method::kPost && !encodes && !spec.tls && scatter_room.iovecs > 0;
    if (scatter) body_room = scatter_iov_offset() - header_room + (scatter_room.iovecs + 1) * sizeof(iovec) + scatter_room.bytes;
    buffer_bytes = header_room + body_room;
  }
  // Scatter jobs: where the iovec array starts in a send buffer (after the header room,
  // aligned for iovec), and where the source's area starts.
  size_t scatter_iov_offset() const { return (header_room + alignof(iovec) - 1) & ~(alignof(iovec) - 1); }
  size_t scatter_area_offset() const { return scatter_iov_offset() + (scatter_room.iovecs + 1) * sizeof(iovec); }

  // Any reactor: claims target t's next request into *index; false once t has none left
  // (all claimed, or the job gave up on t).
  bool claim(uint32_t t, uint64_t* index) {
    if (targets[t].gave_up.load(std::memory_order_relaxed)) return false;
    const uint64_t k = targets[t].next.fetch_add(1, std::memory_order_relaxed);
    const uint64_t n = spec.targets.size();
    if (k >= spec.requests / n + 1) return false;  // also keeps k·n + t from overflowing
    *index = k * n + t;
    return *index < spec.requests;
  }

  // Any reactor: the monotonic due time of the earliest request no slot has claimed yet,
  // or INT64_MAX when every request is claimed (or its target given up). Open loop only.
  int64_t next_unclaimed_due() const {
    const uint64_t n = spec.targets.size();
    int64_t due = INT64_MAX;
    for (uint64_t t = 0; t < n; ++t) {
      if (targets[t].gave_up.load(std::memory_order_relaxed)) continue;
      const uint64_t index = targets[t].next.load(std::memory_order_relaxed) * n + t;
      if (index < spec.requests) due = std::min(due, start_ns + spec.schedule.due_offset_ns(index));
    }
    return due;
  }

  // Any reactor: claims the next request of job slot `job_slot` (of `slots` in the job) into
  // *index and the target it goes to into *target; false once none is left. A slot serves
  // target job_slot mod T when there are at least as many slots as targets, else every
  // target t ≡ job_slot (mod slots), in rotation (*next_pick, the slot's own), so no target
  // is left without one.
  bool claim_for(uint32_t job_slot, uint32_t slots, uint32_t* next_pick, uint64_t* index,
                 uint32_t* target) {
    const uint32_t n = static_cast<uint32_t>(spec.targets.size());
    if (slots >= n) {
      *target = job_slot % n;
      return claim(*target, index);
    }
    const uint32_t served = (n - job_slot + slots - 1) / slots;  // t = job_slot + k·slots
    for (uint32_t tries = 0; tries < served; ++tries) {
      const uint32_t t = job_slot + ((*next_pick + tries) % served) * slots;
      if (claim(t, index)) {
        *next_pick = (*next_pick + tries + 1) % served;
        *target = t;
        return true;
      }
    }
    return false;
  }
};

struct Command {
  enum class Kind : uint8_t { kStart, kCancel };
  Kind kind = Kind::kStart;
  JobShared* job = nullptr;
  uint32_t first_slot = 0;  // job-wide index of this reactor's first slot (target round-robin)
  uint32_t slots = 0;       // connections this reactor runs for the job
};

struct Event {
  enum class Kind : uint8_t { kSample, kJobDone };
  Kind kind = Kind::kSample;
  bool cancelled = false;      // kJobDone
  uint64_t requests_done = 0;  // kJobDone: requests this reactor finished
  Sample sample;               // kSample; sample.job names the job for both kinds
};

}  // namespace stressql::engine
