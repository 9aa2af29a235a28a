#pragma once
// The process's descriptor limit (RLIMIT_NOFILE), which bounds the connections an engine
// can hold: every connection is a socket. One home for the limit, its headroom and the
// words that say it is exceeded, so the script's check before sending (statements/) and the
// engine's check per job say the same thing.

#include <cstdint>
#include <string>

namespace stressql::engine {

struct DescriptorLimit {
  uint64_t soft = 0;  // what the process may open now
  uint64_t hard = 0;  // how far the soft limit may be raised without privileges
};

// Descriptors kept free for everything that is not a connection: stdio, the reactors'
// rings and eventfds, the results spool and its uploads, metrics sources, files written.
inline constexpr uint64_t kDescriptorHeadroom = 64;

// The limits now.
DescriptorLimit descriptor_limit();
// Raises the soft limit to the hard one (at start: the only limit that binds is then the
// one the user set with `ulimit -Hn`, or the system's); returns the limits after. A failure
// leaves the limits as they were.
DescriptorLimit raise_descriptor_limit();
// The connections that fit under `limit.soft`, headroom kept.
uint64_t connection_budget(const DescriptorLimit& limit);
// Empty when `connections` fit; else the end of the error, "which need N file descriptors
// …, but the limit is L: raise it with `ulimit -n N` …", for the caller to lead with what
// asked for them.
std::string check_connection_budget(uint64_t connections, const DescriptorLimit& limit);

}  // namespace stressql::engine
