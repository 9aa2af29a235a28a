#include "engine/engine.h"

namespace stressql::engine {

const char* failure_name(Failure f) {
  switch (f) {
    case Failure::kNone: return "ok";
    case Failure::kHttpStatus: return "http";
    case Failure::kQueryError: return "query error";
    case Failure::kTimeout: return "timeout";
    case Failure::kRefused: return "connect: ECONNREFUSED";
    case Failure::kReset: return "connection reset";
    case Failure::kConnect: return "connect error";
    case Failure::kCancelled: return "cancelled";
    case Failure::kTls: return "tls";
    case Failure::kNotSent: return "not sent";
    case Failure::kOutput: return "output write failed";
  }
  return "unknown";
}

}  // namespace stressql::engine
