// The merge of a sharded test's rows (cli/shard_merge), without a server.
#include "results/shard_merge.h"

#include <gtest/gtest.h>

#include "generator/shard.h"
#include "html/html_report.h"
#include "report/json_report.h"
#include "parser/rate.h"
#include "results/statement_fields.h"
#include "tests/support/report_builders.h"

namespace stressql::cli {
namespace {

using stats::StatementKind;
using stats::StatementReport;

StatementReport part(StatementKind kind, int64_t start, int64_t duration, uint64_t points) {
  StatementReport r;
  r.kind = kind;
  r.id = "0123456789";
  r.name = "cpu";
  r.ran = true;
  r.start_unix_ns = start;
  r.duration_ns = duration;
  r.points_requested = points;
  r.requests_planned = points / 10;
  return r;
}

TEST(ShardMerge, SumsCountsAndSpansTheEarliestStartToTheLatestEnd) {
  StatementReport a = part(StatementKind::kInsert, 1000, 500, 240);
  StatementReport b = part(StatementKind::kInsert, 900, 400, 230);
  StatementReport c = part(StatementKind::kInsert, 1100, 900, 230);
  c.ok = false;
  c.error = "2 request(s) failed";
  c.points_not_sent = 20;
  a.api = "v2";
  a.api_reason = "SET Api";
  a.gzip_level = 1;
  a.write_options = "no_sync=true";
  StatementReport m = results::merge_statement({{0, &a}, {1, &b}, {2, &c}}, 3);
  EXPECT_EQ(m.points_requested, 700u);
  EXPECT_EQ(m.requests_planned, 70u);
  EXPECT_EQ(m.points_not_sent, 20u);
  EXPECT_EQ(m.start_unix_ns, 900);
  EXPECT_EQ(m.duration_ns, 2000 - 900);
  EXPECT_FALSE(m.ok);
  EXPECT_EQ(m.error, "shard 2: 2 request(s) failed");
  EXPECT_EQ(m.id, "0123456789");
  // The API and gzip lines of the report come from the statement row, as for one process.
  EXPECT_EQ(m.api, "v2");
  EXPECT_EQ(m.api_reason, "SET Api");
  EXPECT_EQ(m.gzip_level, 1);
  EXPECT_EQ(m.write_options, "no_sync=true");
}

TEST(ShardMerge, MissingShardsFailTheStatementAndPassthroughIsShardZeros) {
  StatementReport a = part(StatementKind::kQuery, 0, 10, 0);
  StatementReport m = results::merge_statement({{0, &a}}, 2);
  EXPECT_FALSE(m.ok);
  EXPECT_EQ(m.error, "rows of 1 shard(s) missing");

  StatementReport create = part(StatementKind::kInfluxQL, 0, 10, 0);
  create.http_status = 200;
  StatementReport skipped = part(StatementKind::kInfluxQL, 0, 0, 0);
  skipped.ran = false;
  skipped.error = "run by shard 0";
  StatementReport q = results::merge_statement({{0, &create}, {1, &skipped}}, 2);
  EXPECT_TRUE(q.ran);
  EXPECT_TRUE(q.error.empty());
  EXPECT_EQ(q.http_status, 200);
}

TEST(ShardMerge, KeepsEveryFieldOfTheStatementRow) {
  StatementReport a, b;
  stats::testing::fill_every_field(&a);
  stats::testing::fill_every_field(&b);
  a.rate.unit = b.rate.unit = "pts/s";
  a.rate.from = b.rate.from = 1000;
  a.rate.to = b.rate.to = 1000;
  a.rate.ramp_ns = b.rate.ramp_ns = 0;
  const StatementReport m = results::merge_statement({{0, &a}, {1, &b}}, 2);
  // What the merge computes: sums over the shards, the errors by shard, the whole target.
  const std::map<std::string, std::string> merged = {
      {"points_requested", "sum"}, {"requests_planned", "sum"}, {"requests_not_sent", "sum"},
      {"points_not_sent", "sum"},  {"error", "by shard"},        {"rate_from", "total"},
      {"rate_to", "total"},        {"points_skipped", "sum"}};
  results::for_each_statement_field([&](const char* name, results::StatementFieldWhen, auto get) {
    if (merged.count(name) == 0) {
      EXPECT_TRUE(get(m) == get(a)) << name;
    }
  });
  EXPECT_EQ(m.points_requested, 2 * a.points_requested);
  EXPECT_EQ(m.requests_planned, 2 * a.requests_planned);
  EXPECT_EQ(m.requests_not_sent, 2 * a.requests_not_sent);
  EXPECT_EQ(m.points_not_sent, 2 * a.points_not_sent);
  EXPECT_EQ(m.points_skipped, 2 * a.points_skipped);
  EXPECT_EQ(m.error, "shard 0: " + a.error + "; shard 1: " + a.error);
  EXPECT_EQ(m.rate.from, 2000);
  EXPECT_EQ(m.rate.shards, 2u);
  EXPECT_EQ(stats::rate_target_text(m.rate), "2000 pts/s, shared by 2 shards");
}

// Each shard's row holds its part of the rate, as numbers.
std::string merged_target(const std::string& total, uint32_t shards) {
  parser::Rate rate;
  std::string error;
  EXPECT_TRUE(parser::parse_rate(total, /*writes=*/true, &rate, &error)) << error;
  generator::Shard shard{0, shards};
  std::map<uint32_t, const StatementReport*> parts;
  std::vector<StatementReport> rows(shards);
  for (uint32_t i = 0; i < shards; ++i) {
    rows[i].kind = StatementKind::kInsert;
    rows[i].ran = true;
    const parser::Rate part = shard.rate(rate);
    rows[i].rate.unit = std::string(parser::rate_unit_name(part.unit));
    rows[i].rate.from = part.from;
    rows[i].rate.to = part.to;
    rows[i].rate.ramp_ns = part.ramp_ns;
    parts[i] = &rows[i];
  }
  return stats::rate_target_text(results::merge_statement(parts, shards).rate);
}

TEST(ShardMerge, ARatedStatementShowsTheWholeTestsTarget) {
  EXPECT_EQ(merged_target("100000 pts/s", 3), "100000 pts/s, shared by 3 shards");
  EXPECT_EQ(merged_target("7 req/s", 4), "7 req/s, shared by 4 shards");
  EXPECT_EQ(merged_target("2.5 MB/s", 3), "2.5 MB/s, shared by 3 shards");
  EXPECT_EQ(merged_target("0 pts/s to 3000 pts/s over 10s", 3),
            "0 pts/s to 3000 pts/s over 10s, shared by 3 shards");
  EXPECT_EQ(merged_target("1000 pts/s", 7), "1000 pts/s, shared by 7 shards");
}

// stats::rate_target_text spells a rate as the parser does (the text is made from numbers, so
// it has to agree with what the user set).
TEST(ShardMerge, TargetTextIsTheParsersSpelling) {
  for (const char* text : {"2.5k pts/s", "0 req/s to 50 req/s over 1500ms", "1M pts/s", "0.5 req/s",
                           "10 MB/s to 20 MB/s over 1m"}) {
    parser::Rate rate;
    std::string error;
    ASSERT_TRUE(parser::parse_rate(text, /*writes=*/true, &rate, &error)) << error;
    stats::RateTarget t;
    t.unit = std::string(parser::rate_unit_name(rate.unit));
    t.from = rate.from;
    t.to = rate.to;
    t.ramp_ns = rate.ramp_ns;
    EXPECT_EQ(stats::rate_target_text(t), parser::rate_text(rate)) << text;
  }
}

TEST(ShardMerge, AMergedShardedRunsPageShowsTheWholeTestsTarget) {
  // 3000 pts/s shared by 3 shards, 100 points per request: the whole test's 30 req/s.
  constexpr int64_t kStart = 1'700'000'000'000'000'000;
  std::vector<StatementReport> shards(3);
  std::map<uint32_t, const StatementReport*> parts;
  for (uint32_t i = 0; i < 3; ++i) {
    shards[i] = part(StatementKind::kInsert, kStart, 3'000'000'000, 3000);
    shards[i].rate.unit = "pts/s";
    shards[i].rate.from = shards[i].rate.to = 1000;
    shards[i].rate.units_per_request = 100;
    parts[i] = &shards[i];
  }
  std::vector<StatementReport> merged(1);
  merged[0] = results::merge_statement(parts, 3);
  merged[0].intervals.start(kStart);
  for (int64_t k = 0; k < 90; ++k) {  // 30 requests in each of 3 seconds
    engine::Sample s;
    s.status = 204;
    s.final = true;
    s.points = 100;
    s.latency_ns = 1'000'000;
    s.due_unix_ns = kStart + k * 1'000'000'000 / 30;
    merged[0].stats.add(s);
    merged[0].intervals.add(s);
  }
  merged[0].intervals.finish();
  stats::RunSummary run;
  run.start_unix_ns = kStart;
  run.duration_ns = 3'000'000'000;
  run.shards = 3;
  const nlohmann::json doc = report::json_report(merged, run, {{"shards", 3}}, "test");
  const html::HtmlPage page = html::run_page(doc);
  bool target_line = false, target_number = false;
  for (const html::HtmlSection& section : page.sections) {
    for (const auto& [label, value] : section.numbers) {
      if (label == "Target Rate") {
        EXPECT_EQ(value, "3000 pts/s, shared by 3 shards");
        target_number = true;
      }
    }
    for (const html::ChartSpec& chart : section.charts) {
      for (const html::ChartSeries& series : chart.series) {
        if (series.name != "target requests/s") continue;
        ASSERT_EQ(series.y.size(), 3u) << chart.id;
        for (double y : series.y) EXPECT_DOUBLE_EQ(y, 30) << chart.id;
        target_line = true;
      }
    }
  }
  EXPECT_TRUE(target_number);
  EXPECT_TRUE(target_line);
}

TEST(ShardMerge, IntervalsOfShardsCountInTheMergedSecondTheyStartIn) {
  constexpr int64_t kS = 1'000'000'000, kStart = 1'700'000'000 * kS;
  auto record = [](int32_t second, uint32_t requests, uint32_t failures, int64_t p99, int64_t max) {
    stats::IntervalRecord k;
    k.second = second;
    k.requests = requests;
    k.failures = failures;
    k.by_class[0] = failures;
    k.retries = 1;
    k.points_accepted = 10 * (requests - failures);
    k.from_due_p50 = p99 / 2;
    k.from_due_p99 = p99;
    k.from_due_max = max;
    k.from_send_p50 = p99 / 4;
    k.from_send_p99 = p99 / 2;
    k.from_send_max = max / 2;
    return k;
  };
  std::map<uint32_t, stats::IntervalStats> parts;
  // Shard 0 starts with the test; shard 1 400 ms later, so its second k starts in merged second k.
  parts[0].restore({record(0, 10, 1, 800, 900), record(1, 10, 0, 700, 750)}, {"http 500"}, 0, kStart);
  parts[1].restore({record(0, 8, 2, 600, 2000), record(1, 9, 0, 500, 510), record(2, 3, 0, 100, 100)},
                   {"timeout"}, 0, kStart + 400'000'000);
  stats::IntervalStats merged;
  results::merge_intervals(parts, kStart, 3, &merged);
  const auto& closed = merged.closed();
  ASSERT_EQ(closed.size(), 3u);
  EXPECT_EQ(merged.start_unix_ns(), kStart);
  EXPECT_EQ(merged.late_samples(), 3u);
  EXPECT_EQ(closed[0].second, 0);
  EXPECT_EQ(closed[2].second, 2);
  EXPECT_EQ(closed[0].requests, 18u);
  EXPECT_EQ(closed[0].failures, 3u);
  EXPECT_EQ(closed[0].retries, 2u);
  EXPECT_EQ(closed[0].points_accepted, 150u);
  EXPECT_EQ(closed[0].from_due_p99, 800);   // the larger shard's: an upper bound
  EXPECT_EQ(closed[0].from_due_max, 2000);  // exact
  EXPECT_EQ(closed[2].requests, 3u);
  ASSERT_EQ(merged.failure_classes(), (std::vector<std::string>{"http 500", "timeout"}));
  EXPECT_EQ(closed[0].by_class[0], 1u);
  EXPECT_EQ(closed[0].by_class[1], 2u);
}

TEST(ShardMerge, RunsAddCpuAndNameMissingShards) {
  stats::RunSummary r0, r2;
  r0.start_unix_ns = 100;
  r0.duration_ns = 50;
  r0.cpu_user_s = 1.5;
  r0.reactors = 2;
  r0.engine.sends = 7;
  r0.shards = 3;
  r2 = stats::RunSummary{};
  r2.start_unix_ns = 90;
  r2.duration_ns = 100;
  r2.cpu_user_s = 0.5;
  r2.reactors = 2;
  r2.engine.sends = 5;
  r2.shard_error = "shard 1 of 3 did not arrive at the end of the script within 3s";
  stats::RunSummary m = results::merge_runs({{0, r0}, {2, r2}}, 3);
  EXPECT_EQ(m.start_unix_ns, 90);
  EXPECT_EQ(m.duration_ns, 100);
  EXPECT_DOUBLE_EQ(m.cpu_user_s, 2.0);
  EXPECT_EQ(m.reactors, 4);
  EXPECT_EQ(m.engine.sends, 12u);
  EXPECT_EQ(m.shard, "merged from 2 of 3 shards");
  EXPECT_EQ(m.shard_error,
            "shard 1 of 3 did not arrive at the end of the script within 3s; no run row from "
            "shard(s) 1 (killed, or their rows are still in their local file)");
}

}  // namespace
}  // namespace stressql::cli
