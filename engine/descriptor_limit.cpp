#include "engine/descriptor_limit.h"

#include <sys/resource.h>

namespace stressql::engine {

DescriptorLimit descriptor_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) return {};
  return {static_cast<uint64_t>(r.rlim_cur), static_cast<uint64_t>(r.rlim_max)};
}

DescriptorLimit raise_descriptor_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    rlimit raised = r;
    raised.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &raised);  // may fail (RLIM_INFINITY above nr_open): kept as is
  }
  return descriptor_limit();
}

uint64_t connection_budget(const DescriptorLimit& limit) {
  return limit.soft > kDescriptorHeadroom ? limit.soft - kDescriptorHeadroom : 0;
}

std::string check_connection_budget(uint64_t connections, const DescriptorLimit& limit) {
  if (connections <= connection_budget(limit)) return {};
  const uint64_t need = connections + kDescriptorHeadroom;
  std::string e = "which need " + std::to_string(need) +
                  " file descriptors (" + std::to_string(kDescriptorHeadroom) +
                  " kept for files and the engine), but the limit is " + std::to_string(limit.soft);
  if (limit.hard > limit.soft) e += " (hard limit " + std::to_string(limit.hard) + ")";
  e += ": raise it with `ulimit -n " + std::to_string(need) + "`";
  if (need > limit.hard) e += " (as root, or in /etc/security/limits.conf: the hard limit is " +
                              std::to_string(limit.hard) + ")";
  e += ", or ask for fewer connections";
  return e;
}

}  // namespace stressql::engine
