#pragma once
// SET ServerMetrics and --server-pid (SPEC §7.1): which metrics sources each statement has,
// and the run's sampler over all of them. Control thread; the probes of `auto` are the API
// detector's /ping answers (asked once per address), before anything is sent.

#include <memory>
#include <string>
#include <vector>

#include "parser/script.h"
#include "parser/settings.h"
#include "server_metrics/sampler.h"
#include "server_metrics/sources.h"
#include "statements/api_detect.h"
#include "stats/statement_report.h"

namespace stressql::statements {

struct ServerSourcePlan {
  std::vector<server_metrics::Source> all;        // each source once, in the order first named
  std::vector<std::vector<size_t>> by_statement;  // statement i's sources (indices into all)
  std::vector<std::string> notes;                 // why an address has none (one line each)
};

// Replays the script's SETs from `initial`; every INSERT, QUERY and InfluxQL statement gets
// the sources of the ServerMetrics in force (auto: one per address, from its /ping), and
// the --server-pid process when `pid` > 0. `token` and the settings' user go with auto's
// requests as the API wants them. Fails only on a URL the parser let through and net/
// refuses (a bug), naming the statement's line.
base::Status plan_server_sources(const parser::Script& script, const parser::Settings& initial,
                                 int pid, const std::string& token, ApiDetector* detector,
                                 ServerSourcePlan* out);

// After the run: each statement's sources over its time window (stats/server_stats.h).
// `shards`: this run is one shard of that many (--shard I/N), whose sources count every
// shard's points.
void fill_server_stats(const ServerSourcePlan& plan, const server_metrics::Sampler& sampler,
                       uint32_t shards, std::vector<stats::StatementReport>* reports);

}  // namespace stressql::statements
