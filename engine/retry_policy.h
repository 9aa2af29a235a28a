#pragma once
// What SPEC §4 says about retries, in one place: which outcomes are retried, and how long
// to wait before the next attempt (exponential backoff with full jitter, Retry-After
// honoured up to kMaxRetryAfterNs).

#include <cstdint>

#include "base/random.h"
#include "engine/engine.h"

namespace stressql::engine {

// A Retry-After longer than this is capped: a load test waiting minutes on one request
// reports a dead server better by failing its attempts.
inline constexpr int64_t kMaxRetryAfterNs = 30'000'000'000;

// True for outcomes that SPEC §4 retries: 429, 500, 503 and transport failures.
bool is_retryable(Failure failure, uint16_t status);

// The jitter's generator: one per reactor.
using Random = base::SplitMix64;

// Delay before attempt `next_attempt` (≥ 2): uniform in [0, min(max, base · 2^(n-2))],
// but at least the server's Retry-After (seconds; -1 when absent), capped as above.
int64_t retry_delay_ns(uint32_t next_attempt, int64_t base_ns, int64_t max_ns,
                       int64_t retry_after_s, Random* random);

}  // namespace stressql::engine
