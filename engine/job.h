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

#include <atomic>
#include <cstdint>
#include <memory>
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
  size_t buffer_bytes = 0;                 // header_room + max body
  size_t max_target_bytes = 0;
  uint64_t serial = 0;         // unique per engine, never reused (unlike the address)
  bool fixed_request = false;  // spec.source->fixed_request()
  std::unique_ptr<TargetState[]> targets;  // spec.targets.size() entries
  std::atomic<bool> cancelled{false};

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
