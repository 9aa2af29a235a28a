#pragma once
// Reports built by hand for the text and JSON report tests.

#include "stats/statement_report.h"

namespace stressql::report {

// An INSERT that had 500 points accepted while its one metrics source (influxd's
// /debug/vars) counted 1000 and spent 2 CPU-seconds (0.5 cores avg, 200 MB RSS), read by
// `shards` shards of the test (1: one process).
inline stats::StatementReport insert_with_server(int shards) {
  stats::StatementReport r;
  r.kind = stats::StatementKind::kInsert;
  r.name = "cpu";
  r.ran = r.ok = true;
  r.stats.points_accepted = 500;
  stats::ServerSourceStats vars;
  vars.source = "127.0.0.1:8086";
  vars.kind = "/debug/vars";
  vars.points = 1000;
  vars.cpu_seconds = 2;
  vars.cpu_avg = 0.5;
  vars.rss_max = 2e8;
  vars.shards = shards;
  r.server = {vars};
  return r;
}

}  // namespace stressql::report
