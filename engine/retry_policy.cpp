#include "engine/retry_policy.h"

#include <algorithm>

namespace stressql::engine {

bool is_retryable(Failure failure, uint16_t status) {
  switch (failure) {
    case Failure::kHttpStatus:
      return status == 429 || status == 500 || status == 503;
    case Failure::kTimeout:
    case Failure::kRefused:
    case Failure::kReset:
    case Failure::kConnect:
      return true;
    case Failure::kNone:
    case Failure::kQueryError:
    case Failure::kCancelled:
    case Failure::kTls:  // a certificate does not get better by asking again
    case Failure::kNotSent:
    case Failure::kOutput:
      return false;
  }
  return false;
}

int64_t retry_delay_ns(uint32_t next_attempt, int64_t base_ns, int64_t max_ns,
                       int64_t retry_after_s, Random* random) {
  int64_t cap = std::max<int64_t>(base_ns, 0);
  for (uint32_t i = 2; i < next_attempt && cap < max_ns; ++i) cap *= 2;
  cap = std::min(cap, max_ns);
  int64_t delay = random->uniform(cap);
  if (retry_after_s >= 0) {
    const int64_t server = retry_after_s >= kMaxRetryAfterNs / 1'000'000'000
                               ? kMaxRetryAfterNs
                               : retry_after_s * 1'000'000'000;
    delay = std::max(delay, server);
  }
  return delay;
}

}  // namespace stressql::engine
