#include "cli/signals.h"

#include <signal.h>

namespace stressql::cli {
namespace {

std::atomic<bool> g_stop{false};       // stop the run; the report still comes
std::atomic<bool> g_uploading{false};  // results rows are being posted after the run
std::atomic<bool> g_abandon{false};    // stop posting them too: they stay in the file

void on_signal(int) {
  // The first signal stops the load; one while rows are posted, or a second, stops posting.
  if (g_stop.exchange(true) || g_uploading.load()) g_abandon.store(true);
}

}  // namespace

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

const std::atomic<bool>* stop_requested() { return &g_stop; }
const std::atomic<bool>* abandon_requested() { return &g_abandon; }
void mark_uploading_results(bool uploading) { g_uploading.store(uploading); }

}  // namespace stressql::cli
