#pragma once
// What a run was, beside its statements: its ID, time, the tool's own CPU and the engine's
// counters, for every writer of a report (text, JSON, results rows, pages).

#include <cstdint>
#include <string>

#include "engine/engine.h"
#include "stats/statement_report.h"

namespace stressql::stats {

struct RunSummary {
  std::string test_id;
  int64_t start_unix_ns = 0;
  int64_t duration_ns = 0;
  double cpu_user_s = 0;   // the tool's own CPU time
  double cpu_system_s = 0;
  bool interrupted = false;
  // A thread other than the control thread died of an exception and stopped the run
  // (base/thread_guard.h): "the reactor 0 thread failed: std::bad_alloc". Empty otherwise.
  std::string internal_error;
  std::string results_note;  // where the results rows went
  bool tls_insecure = false;  // --insecure: HTTPS certificates were not verified
  int reactors = 0;           // engine threads; 0: the engine did not run
  bool offline = false;       // --dump / --dry-run: the reactors rendered, sent nothing
  bool send_zc = false;       // --send-zc was asked for
  engine::EngineCounters engine;
  // Several load machines (SPEC §6.5): "1/3" on a shard's own report, "3 shards" on a
  // merged one; empty for a single process. shard_error: a barrier that failed.
  std::string shard;
  uint32_t shards = 1;
  std::string shard_error;
};

// Points accepted (offline: rendered) per second of the statement's own run time.
uint64_t points_per_second(const StatementReport& r);

}  // namespace stressql::stats
