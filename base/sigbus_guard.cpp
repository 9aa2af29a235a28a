#include "base/sigbus_guard.h"

#include <signal.h>

#include <mutex>

namespace stressql::base::sigbus_detail {

thread_local sigjmp_buf* jump = nullptr;

namespace {

void on_sigbus(int sig, siginfo_t*, void*) {
  if (sigjmp_buf* j = jump) {
    jump = nullptr;
    siglongjmp(*j, 1);
  }
  // Not a guarded read: what SIGBUS does without a handler.
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

}  // namespace

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGBUS, &sa, nullptr);
  });
}

}  // namespace stressql::base::sigbus_detail
