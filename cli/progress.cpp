#include "cli/progress.h"

#include <cstdio>

#include "base/duration_text.h"

namespace stressql::cli {
namespace {
constexpr int kPlainEveryTicks = 5;  // plain lines every ~5 s
}

void Progress::tick(const std::vector<statements::Task*>& running) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!terminal_ && ++ticks_ % kPlainEveryTicks != 0) return;
  int64_t now = base::monotonic_ns();
  std::string text;
  int lines = 0;
  for (statements::Task* t : running) {
    const stats::StatementReport& r = t->report();
    if (r.kind != stats::StatementKind::kInsert && r.kind != stats::StatementKind::kQuery) continue;
    const stats::RequestStats& s = r.stats;
    // Offline (--dump / --dry-run) the rates are of rendered requests: none is accepted.
    uint64_t requests = s.requests_ok + s.requests_failed + s.requests_rendered;
    uint64_t points = s.points_accepted + s.points_rendered;
    Last& last = last_[&r];
    double secs = last.at_ns ? double(now - last.at_ns) / 1e9 : 0;
    double pps = secs > 0 ? double(points - last.points) / secs : 0;
    double rps = secs > 0 ? double(requests - last.requests) / secs : 0;
    last = {now, points, requests};
    char buf[256];
    double done = r.requests_planned ? 100.0 * double(requests) / double(r.requests_planned) : 0;
    int64_t elapsed = r.start_unix_ns ? base::unix_ns() - r.start_unix_ns : 0;
    std::snprintf(buf, sizeof buf, "%-6s %-20.20s %12.0f points/s %9.0f req/s %6llu errors %10s %5.1f%%",
                  r.kind == stats::StatementKind::kInsert ? "INSERT" : "QUERY", r.name.c_str(),
                  pps, rps, static_cast<unsigned long long>(s.requests_failed),
                  base::duration_text(elapsed / 1'000'000 * 1'000'000).c_str(), done);
    text += buf;
    // Under a rate: the target beside the rate achieved over the last tick, and how many
    // requests went out late so far (a schedule falling behind shows here, not only at the end).
    if (r.rate.open_loop()) {
      text += "  target " + stats::rate_target_text(r.rate) + ", " + std::to_string(s.sent_late) + " sent late";
    }
    text += terminal_ ? "\x1b[K\n" : "\n";
    ++lines;
  }
  if (terminal_) {
    std::string up;
    for (int i = 0; i < lines_drawn_; ++i) up += "\x1b[1A";
    out_ << up << "\r" << text;
    for (int i = lines; i < lines_drawn_; ++i) out_ << "\x1b[K\n";
    if (lines < lines_drawn_) {
      for (int i = lines; i < lines_drawn_; ++i) out_ << "\x1b[1A";
    }
    lines_drawn_ = lines;
  } else {
    out_ << text;
  }
  out_.flush();
}

void Progress::upload(uint64_t rows_posted, uint64_t rows_to_post) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!terminal_ && !plain_) return;
  char buf[160];
  std::snprintf(buf, sizeof buf, "posting results rows: %llu of %llu (Ctrl-C keeps the rest in the file)",
                static_cast<unsigned long long>(rows_posted), static_cast<unsigned long long>(rows_to_post));
  if (terminal_) {
    clear_drawn();  // the statements' lines are done
    out_ << "\r" << buf << "\x1b[K\n";
    lines_drawn_ = 1;
  } else {
    out_ << buf << "\n";
  }
  out_.flush();
}

void Progress::message(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  clear_drawn();  // the next tick draws below the message
  out_ << line << "\n";
  out_.flush();
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mu_);
  clear_drawn();
}

void Progress::clear_drawn() {
  if (!terminal_ || lines_drawn_ == 0) return;
  for (int i = 0; i < lines_drawn_; ++i) out_ << "\x1b[1A\x1b[K";
  out_.flush();
  lines_drawn_ = 0;
}

}  // namespace stressql::cli
