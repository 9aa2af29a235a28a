#include "server_metrics/sampler.h"

#include <algorithm>

#include <utility>

#include "base/clock.h"
#include "base/thread_guard.h"

namespace stressql::server_metrics {

Sampler::Sampler(std::vector<Source> sources, SamplerOptions options)
    : sources_(std::move(sources)), options_(std::move(options)), history_(sources_.size()) {}

Sampler::~Sampler() { stop(); }

void Sampler::read_all() {
  for (size_t i = 0; i < sources_.size(); ++i) {
    stats::ServerReading r;
    Flavour flavour = Flavour::kProcess;
    std::string error;
    const bool ok = read_source(sources_[i], options_.extra, options_.timeout, &r, &flavour, &error);
    r.unix_ns = base::unix_ns();
    rounds_.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(mu_);
    History& h = history_[i];
    if (ok) {
      h.readings.push_back(std::move(r));
      h.flavour = flavour;
    } else {
      h.failures.push_back(r.unix_ns);
      if (h.failures.size() == 1) {
        h.first_error = error;
        warnings_.push_back("stressql: warning: server metrics: " + sources_[i].label() + " " +
                            sources_[i].kind_text() + ": " + error +
                            " (the run goes on; the report counts the failed readings)");
        has_warnings_.store(true, std::memory_order_release);
      }
    }
  }
}

void Sampler::start() {
  if (started_ || sources_.empty()) return;
  started_ = true;
  read_all();
  // A fault is recorded (base/thread_guard.h): the run stops, and the readings taken so far
  // stay; nobody waits for a dead sampler longer than a reading's budget (mark_and_wait).
  thread_ = std::thread([this] { base::run_guarded("server metrics sampler", [this] { loop(); }); });
}

void Sampler::loop() {
  auto next = std::chrono::steady_clock::now() + options_.interval;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait_until(lock, next, [this] { return mark_ || stop_; });
    const bool last = stop_;
    if (last) {
      while (std::chrono::steady_clock::now() < stop_at_) cv_.wait_until(lock, stop_at_);
    }
    mark_ = false;
    const uint64_t round = ++begun_;
    lock.unlock();
    read_all();
    lock.lock();
    ended_ = round;
    read_cv_.notify_all();
    if (last) return;
    if (std::chrono::steady_clock::now() >= next) next += options_.interval;
    // A round slower than the interval (sources timing out) does not make rounds pile up.
    if (next < std::chrono::steady_clock::now()) next = std::chrono::steady_clock::now() + options_.interval;
  }
}

void Sampler::mark() {
  if (!started_ || stopped_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    mark_ = true;
  }
  cv_.notify_one();
}

void Sampler::mark_and_wait() {
  if (!started_ || stopped_) return;
  // Waiting only one reading's budget (500 ms) let the next statement start before a slow
  // reading (ASan, a loaded machine) had ended, and the reading then counted its points
  // into the statement before it.
  const auto limit = 2 * options_.timeout * static_cast<int>(std::max<size_t>(sources_.size(), 1)) +
                     std::chrono::milliseconds(100);
  std::unique_lock<std::mutex> lock(mu_);
  mark_ = true;
  const uint64_t after = begun_ + 1;  // a round in progress may have begun before the mark
  cv_.notify_one();
  read_cv_.wait_for(lock, limit, [&] { return ended_ >= after; });
}

void Sampler::stop(std::chrono::milliseconds settle) {
  if (!started_ || stopped_) return;
  stopped_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    stop_at_ = std::chrono::steady_clock::now() + settle;
  }
  cv_.notify_one();
  thread_.join();
}

std::vector<std::string> Sampler::take_warnings() {
  if (!has_warnings_.load(std::memory_order_acquire)) return {};
  std::lock_guard<std::mutex> lock(mu_);
  has_warnings_.store(false, std::memory_order_relaxed);
  return std::exchange(warnings_, {});
}

bool Sampler::counts_late() const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const History& h : history_) {
    if (!h.readings.empty() && (h.flavour == Flavour::kVictoriaMetrics || h.flavour == Flavour::kInfluxDB2)) return true;
  }
  return false;
}

Sampler::History Sampler::history(size_t i) const {
  std::lock_guard<std::mutex> lock(mu_);
  return history_[i];
}

}  // namespace stressql::server_metrics
