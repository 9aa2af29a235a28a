// The text report's wording for statements that never ran.
#include "report/text_report.h"

#include <gtest/gtest.h>

#include "stats/server_stats.h"
#include "tests/report/report_test_util.h"

namespace stressql::report {
namespace {

// The controller's error for a statement a Ctrl-C kept from starting.
constexpr char kInterrupted[] = "not run: interrupted";

// A statement of `kind` that never ran, for `error`.
void never_ran(stats::StatementKind kind, const std::string& error, stats::StatementReport* r) {
  r->kind = kind;
  r->name = std::string("cpu load of the test");  // long: a short literal trips gcc 12's -Wrestrict
  r->ran = false;
  r->ok = false;
  r->error = error;
}

TEST(TextReport, NotRunInsertAndQuerySayWhyOnce) {
  for (stats::StatementKind kind : {stats::StatementKind::kInsert, stats::StatementKind::kQuery}) {
    stats::StatementReport r;
    never_ran(kind, kInterrupted, &r);
    const std::string text = render_statement(r);
    EXPECT_NE(text.find("  Not run:"), std::string::npos) << text;
    EXPECT_NE(text.find(" interrupted\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("not run:"), std::string::npos) << text;  // the label says it already
  }
}

TEST(TextReport, NotRunKeepsAnErrorOfItsOwnWhole) {
  stats::StatementReport r;
  never_ran(stats::StatementKind::kInsert, "an earlier statement failed", &r);
  EXPECT_NE(render_statement(r).find("  Not run:"), std::string::npos);
  EXPECT_NE(render_statement(r).find(" an earlier statement failed\n"), std::string::npos);
}

TEST(TextReport, OneLineFormsKeepTheNotRunWords) {
  stats::StatementReport r;
  never_ran(stats::StatementKind::kInfluxQL, kInterrupted, &r);
  EXPECT_NE(render_statement(r).find("-> not run: interrupted\n"), std::string::npos) << render_statement(r);
}

// SPEC §7.1's server block: an INSERT's count beside stressql's, with one line when they
// differ; a QUERY writes nothing, so the server's count in its window is other writers'.
TEST(TextReport, ServerCountIsComparedForAnInsertAndAttributedForAQuery) {
  stats::StatementReport r;
  r.kind = stats::StatementKind::kInsert;
  r.name = std::string("cpu load of the test");
  r.ran = r.ok = true;
  r.stats.points_accepted = 1000;
  stats::ServerSourceStats vars;
  vars.source = "127.0.0.1:8086";
  vars.kind = "/debug/vars";
  vars.points = 1000;
  r.server = {vars};
  std::string text = render_statement(r);
  EXPECT_NE(text.find("Points Written (server count):     1000 (stressql: 1000 accepted)\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("Count Mismatch"), std::string::npos) << text;
  r.server[0].points = 900;
  text = render_statement(r);
  EXPECT_NE(text.find("the server counted 100 fewer points than stressql's accepted"), std::string::npos) << text;

  r.kind = stats::StatementKind::kQuery;
  r.stats.points_accepted = 0;
  r.server[0].points = 300000;
  text = render_statement(r);
  EXPECT_NE(text.find("300000 (other writers in this window; this statement writes none)\n"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("stressql: 0 accepted"), std::string::npos) << text;
  EXPECT_EQ(text.find("Count Mismatch"), std::string::npos) << text;
}

// One shard's report (SPEC §6.5): the server counted, and spent CPU on, every shard's
// points, so its count and CPU are shown but not judged against this shard's accepted (no
// CPU per point), alone or in a shared window.
TEST(TextReport, AShardsServerCountAndCpuAreNotJudgedAgainstItsOwnPoints) {
  stats::StatementReport r = insert_with_server(2);  // the server counted two shards of 500
  std::string text = render_statement(r);
  EXPECT_NE(text.find("Points Written (server count):     1000 (stressql: 500 accepted)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    Count Check:                       not judged per shard: the server counts the points "
                      "of every shard of the test, this report holds this shard's\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("Count Mismatch"), std::string::npos) << text;
  // The raw CPU and RSS stay; the CPU per point says why it has no number.
  EXPECT_NE(text.find("    Server CPU:                        0.50 cores avg"), std::string::npos) << text;
  EXPECT_NE(text.find("    Server RSS max:                    200 MB\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    Server CPU per Million Points:     not judged per shard: the server's CPU went to the "
                      "points of every shard of the test, this report holds this shard's\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("CPU-s"), std::string::npos) << text;
  EXPECT_FALSE(stats::server_cpu_per_mpts(r.server, r.stats.points_accepted));

  r.server[0].shards = 1;
  text = render_statement(r);
  EXPECT_NE(text.find("the server counted 500 more points"), std::string::npos) << "one process: judged\n" << text;
  EXPECT_NE(text.find("    Server CPU per Million Points:     4000 CPU-s\n"), std::string::npos) << text;

  r.server[0].shards = 2;
  r.server[0].shared_with = {"INSERT mem"};
  r.server[0].shared_points = 3000;
  r.server[0].shared_cpu_seconds = 3;
  r.server[0].shared_accepted = 1200;
  text = render_statement(r);
  EXPECT_NE(text.find("    Count Check:                       not judged per shard"), std::string::npos) << text;
  EXPECT_NE(text.find("    Server CPU per Million Points:     not judged per shard"), std::string::npos) << text;
  EXPECT_EQ(text.find("Count Mismatch"), std::string::npos) << text;
  EXPECT_EQ(text.find("CPU-s"), std::string::npos) << text;
}

// The controller leaves `ok` alone for a statement it never started: no success mark.
TEST(TextReport, ANeverStartedOneLineStatementIsNotMarkedASuccess) {
  for (stats::StatementKind kind : {stats::StatementKind::kInfluxQL, stats::StatementKind::kExec}) {
    stats::StatementReport r;
    never_ran(kind, kInterrupted, &r);
    r.ok = true;
    const std::string text = render_statement(r);
    EXPECT_EQ(text.rfind("[X] ", 0), 0u) << text;
  }
  // --dump/--dry-run's unsent InfluxQL is no failure.
  stats::StatementReport dry;
  never_ran(stats::StatementKind::kInfluxQL, "not sent (--dump/--dry-run)", &dry);
  dry.ok = true;
  EXPECT_EQ(render_statement(dry).rfind("[√] ", 0), 0u) << render_statement(dry);
}

}  // namespace
}  // namespace stressql::report
