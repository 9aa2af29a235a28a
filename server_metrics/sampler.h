#pragma once
// The sampler (SPEC §7.1): reads every metrics source once a second on a thread of its own,
// through net/'s blocking client with a short timeout; never on a reactor, and the control
// thread only takes its mutex briefly (mark(), take_warnings(), and the readings after the
// run). A source that is dead, answers 500 or garbage, or is slow gives one warning line
// (the first time) and a count; the run goes on.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server_metrics/sources.h"
#include "stats/server_stats.h"

namespace stressql::server_metrics {

struct SamplerOptions {
  std::chrono::milliseconds interval{1000};
  std::chrono::milliseconds timeout{500};  // one reading of one source, all of it
  std::vector<std::string> extra;          // --server-metric NAME
};

class Sampler {
 public:
  Sampler(std::vector<Source> sources, SamplerOptions options);
  ~Sampler();  // stop()s
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // Takes the first reading of every source on the calling thread (before the load starts:
  // a statement's count needs a reading from before it), then starts the thread.
  void start();
  // A reading as soon as the thread can (a statement's start or end); returns at once.
  void mark();
  // mark(), then waits until a reading that began after it has ended: between two statements
  // that run one after the other, so that the first one's window ends and the next one's
  // begins at the same reading, not at one of a second that holds both's points. Bounded by
  // what the readings themselves may take: a round already under way and the marked one,
  // each every source's timeout (about a millisecond each for influxd on loopback).
  void mark_and_wait();
  // The warning lines since the last call (the first failure of each source), for the
  // owner's thread to print: its warner need not be thread-safe. Cheap when there are none.
  std::vector<std::string> take_warnings();
  // Takes a last reading, `settle` from now, and joins the thread. Idempotent. A server
  // may count a write after it answered it (VictoriaMetrics does, within a second): a
  // settle of one interval lets the last statement's count in.
  void stop(std::chrono::milliseconds settle = std::chrono::milliseconds(0));

  const std::vector<Source>& sources() const { return sources_; }
  // What source `i` has read so far (a copy, under the mutex): its readings in time order,
  // the times of its failed readings, the first failure's reason, and what it turned out
  // to be (a Prometheus source: VictoriaMetrics, a node exporter, …).
  struct History {
    std::vector<stats::ServerReading> readings;
    std::vector<int64_t> failures;
    std::string first_error;
    Flavour flavour = Flavour::kProcess;
  };
  History history(size_t i) const;
  // Whether a source counts writes after answering them (VictoriaMetrics and InfluxDB 2.x
  // do; influxd 1.x counts before it answers): then stop() wants a settle.
  bool counts_late() const;
  // Readings taken so far, over all sources (successful or not): the bench's count.
  uint64_t rounds() const { return rounds_.load(std::memory_order_relaxed); }

 private:
  void loop();
  void read_all();

  std::vector<Source> sources_;
  SamplerOptions options_;
  mutable std::mutex mu_;
  std::vector<std::string> warnings_;  // under mu_
  std::atomic<bool> has_warnings_{false};
  std::condition_variable cv_;
  bool mark_ = false;     // under mu_
  std::condition_variable read_cv_;  // a round has ended
  uint64_t begun_ = 0, ended_ = 0;   // under mu_: rounds of the thread begun and ended
  bool stop_ = false;     // under mu_
  std::chrono::steady_clock::time_point stop_at_;  // under mu_: the last reading's time
  std::vector<History> history_;  // under mu_
  std::thread thread_;
  std::atomic<uint64_t> rounds_{0};
  bool started_ = false, stopped_ = false;  // the owner's thread only
};

}  // namespace stressql::server_metrics
