// Thresholds and SLOs: every metric, operator and unit parses to the value the report
// compares against; every malformed expression is refused with its column and what was
// expected; evaluation judges each statement that has the metric and never passes silently.
#include "judge/threshold.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace stressql::judge {
namespace {

Threshold parse_ok(std::string_view text, bool allow_statement = true) {
  Threshold t;
  base::Status s = parse_threshold(text, allow_statement, &t);
  EXPECT_TRUE(s.is_ok()) << text << ": " << s.message();
  return t;
}

std::string parse_error(std::string_view text, bool allow_statement = true) {
  Threshold t;
  t.text = "untouched";
  base::Status s = parse_threshold(text, allow_statement, &t);
  EXPECT_FALSE(s.is_ok()) << text;
  EXPECT_EQ(t.text, "untouched");
  return s.message();
}

TEST(ThresholdParse, EveryMetricByName) {
  const std::vector<std::pair<std::string, stats::Metric>> cases = {
      {"points_per_sec>1", stats::Metric::kPointsPerSec}, {"requests_per_sec>1", stats::Metric::kRequestsPerSec},
      {"avg<1ms", stats::Metric::kAvg},   {"p50<1ms", stats::Metric::kP50},   {"p95<1ms", stats::Metric::kP95},
      {"p99<1ms", stats::Metric::kP99},   {"p999<1ms", stats::Metric::kP999}, {"max<1ms", stats::Metric::kMax},
      {"errors<1", stats::Metric::kErrors}, {"error_rate<1%", stats::Metric::kErrorRate},
      {"retries<1", stats::Metric::kRetries}, {"cpu_per_mpts<1", stats::Metric::kCpuPerMpts},
      {"server_cpu_per_mpts<1", stats::Metric::kServerCpuPerMpts}, {"server_rss_max<1GB", stats::Metric::kServerRssMax}};
  for (const auto& [text, metric] : cases) {
    Threshold t = parse_ok(text);
    EXPECT_EQ(t.metric, metric) << text;
    EXPECT_EQ(std::string(metric_name(t.metric)) + text.substr(text.find_first_of("<>")), text);
    EXPECT_TRUE(t.statement.empty());
  }
}

TEST(ThresholdParse, EveryOperator) {
  EXPECT_EQ(parse_ok("errors<1").op, Op::kLt);
  EXPECT_EQ(parse_ok("errors<=1").op, Op::kLe);
  EXPECT_EQ(parse_ok("errors>1").op, Op::kGt);
  EXPECT_EQ(parse_ok("errors>=1").op, Op::kGe);
  EXPECT_EQ(parse_ok("errors==1").op, Op::kEq);
  EXPECT_NE(parse_error("errors=1").find("expected one of <, <=, >, >=, =="), std::string::npos);
  EXPECT_NE(parse_error("errors!=1").find("column 7"), std::string::npos);
}

TEST(ThresholdParse, UnitsScaleToTheMetricsUnit) {
  EXPECT_DOUBLE_EQ(parse_ok("p99<=200ms").value, 200e6);
  EXPECT_DOUBLE_EQ(parse_ok("p99<=1.5s").value, 1.5e9);
  EXPECT_DOUBLE_EQ(parse_ok("p99<=250us").value, 250e3);
  EXPECT_DOUBLE_EQ(parse_ok("max<=900ns").value, 900);
  EXPECT_DOUBLE_EQ(parse_ok("error_rate<=1%").value, 1);
  EXPECT_DOUBLE_EQ(parse_ok("error_rate<=0.5").value, 0.5);
  EXPECT_DOUBLE_EQ(parse_ok("points_per_sec>=480k").value, 480e3);
  EXPECT_DOUBLE_EQ(parse_ok("points_per_sec>=2.5M").value, 2.5e6);
  EXPECT_DOUBLE_EQ(parse_ok("requests_per_sec>=1999.5").value, 1999.5);
  EXPECT_DOUBLE_EQ(parse_ok("cpu_per_mpts<=0.25").value, 0.25);
  EXPECT_DOUBLE_EQ(parse_ok("cpu_per_mpts<=250ms").value, 0.25);
}

TEST(ThresholdParse, BlanksAroundPartsAndTheStatementName) {
  Threshold t = parse_ok("  mockCpu.p99 <= 200 ms ");
  EXPECT_EQ(t.statement, "mockCpu");
  EXPECT_EQ(t.metric, stats::Metric::kP99);
  EXPECT_DOUBLE_EQ(t.value, 200e6);
  EXPECT_EQ(t.text, "  mockCpu.p99 <= 200 ms ");
  // A statement name may itself hold dots: the metric is after the last one.
  EXPECT_EQ(parse_ok("write.v2.errors==0").statement, "write.v2");
}

TEST(ThresholdParse, ErrorsSayWhereAndWhatWasExpected) {
  EXPECT_NE(parse_error("p99").find("expected an operator"), std::string::npos);
  EXPECT_NE(parse_error("<=200ms").find("expected a metric"), std::string::npos);
  const std::string unknown = parse_error("p98<=200ms");
  EXPECT_NE(unknown.find("unknown metric 'p98'"), std::string::npos);
  EXPECT_NE(unknown.find("p999"), std::string::npos);  // lists the metrics
  EXPECT_NE(unknown.find("column 1"), std::string::npos);
  EXPECT_NE(parse_error("x.p98<1ms").find("column 3"), std::string::npos);
  EXPECT_NE(parse_error("p99<=").find("expected a number"), std::string::npos);
  EXPECT_NE(parse_error("p99<=fast").find("expected a number"), std::string::npos);
  EXPECT_NE(parse_error("p99<=1.2.3ms").find("expected a number"), std::string::npos);
  const std::string no_unit = parse_error("p99<=200");
  EXPECT_NE(no_unit.find("p99 needs a time unit"), std::string::npos);
  EXPECT_NE(no_unit.find("found no unit"), std::string::npos);
  EXPECT_NE(parse_error("error_rate<1ms").find("found 'ms'"), std::string::npos);
  EXPECT_NE(parse_error("points_per_sec>5%").find("column 17"), std::string::npos);
  EXPECT_NE(parse_error("errors<1k2").find("found 'k2'"), std::string::npos);
  EXPECT_NE(parse_error(".p99<1ms").find("statement name before"), std::string::npos);
}

TEST(ThresholdParse, SlosHaveNoStatementName) {
  EXPECT_TRUE(parse_ok("p99<=200ms", false).statement.empty());
  const std::string e = parse_error("mockCpu.p99<=200ms", false);
  EXPECT_NE(e.find("leave out 'mockCpu.'"), std::string::npos);
}

stats::StatementReport insert_report(const std::string& name, std::vector<int64_t> latencies_ns, uint64_t failed) {
  stats::StatementReport r;
  r.kind = stats::StatementKind::kInsert;
  r.name = name;
  r.ran = true;
  r.duration_ns = 2'000'000'000;
  for (int64_t l : latencies_ns) r.stats.latency.record(l);
  r.stats.requests_ok = latencies_ns.size();
  r.stats.requests_failed = failed;
  r.stats.points_accepted = 1000 * latencies_ns.size();
  r.stats.retries = 3;
  return r;
}

TEST(ThresholdMeasure, EachMetricFromTheStatement) {
  stats::StatementReport r = insert_report("w", {1'000'000, 2'000'000, 3'000'000, 4'000'000}, 1);
  EXPECT_DOUBLE_EQ(*stats::measure(r, stats::Metric::kPointsPerSec, 0), 2000);
  EXPECT_DOUBLE_EQ(*stats::measure(r, stats::Metric::kRequestsPerSec, 0), 2);
  EXPECT_NEAR(*stats::measure(r, stats::Metric::kAvg, 0), 2.5e6, 2.5e3);
  EXPECT_NEAR(*stats::measure(r, stats::Metric::kP50, 0), 2e6, 2e3);
  EXPECT_NEAR(*stats::measure(r, stats::Metric::kMax, 0), 4e6, 4e3);
  EXPECT_DOUBLE_EQ(*stats::measure(r, stats::Metric::kErrors, 0), 1);
  EXPECT_DOUBLE_EQ(*stats::measure(r, stats::Metric::kErrorRate, 0), 20);
  EXPECT_DOUBLE_EQ(*stats::measure(r, stats::Metric::kRetries, 0), 3);
  EXPECT_DOUBLE_EQ(*stats::measure(r, stats::Metric::kCpuPerMpts, 0.5), 0.5);
  EXPECT_FALSE(stats::measure(r, stats::Metric::kCpuPerMpts, 0).has_value());
  // Nothing succeeded: no latency to judge; nothing finished: no error rate.
  stats::StatementReport none = insert_report("n", {}, 0);
  EXPECT_FALSE(stats::measure(none, stats::Metric::kP99, 0).has_value());
  EXPECT_FALSE(stats::measure(none, stats::Metric::kErrorRate, 0).has_value());
}

TEST(ThresholdMeasure, TheServersMetricsFromItsSources) {
  stats::StatementReport r = insert_report("w", {1'000'000}, 0);
  r.stats.points_accepted = 2'000'000;
  EXPECT_FALSE(stats::measure(r, stats::Metric::kServerCpuPerMpts, 0).has_value());  // no source read
  EXPECT_FALSE(stats::measure(r, stats::Metric::kServerRssMax, 0).has_value());
  stats::ServerSourceStats vars, proc;
  vars.rss_max = 5e8;  // Go's memory: the process's own RSS comes first when both are known
  proc.cpu_seconds = 7;
  proc.rss_max = 8e8;
  r.server = {vars, proc};
  EXPECT_DOUBLE_EQ(*stats::measure(r, stats::Metric::kServerCpuPerMpts, 0), 3.5);
  EXPECT_DOUBLE_EQ(*stats::measure(r, stats::Metric::kServerRssMax, 0), 8e8);
  EXPECT_EQ(stats::format_metric(stats::Metric::kServerRssMax, 8e8), "800 MB");
  EXPECT_DOUBLE_EQ(parse_ok("server_rss_max<=1.5GB").value, 1.5e9);
  EXPECT_DOUBLE_EQ(parse_ok("server_rss_max<=512MiB").value, 512.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(parse_ok("server_rss_max<=1000000").value, 1e6);
  EXPECT_NE(parse_error("server_rss_max<1ms").find("bytes"), std::string::npos);
  const std::vector<Threshold> ts = {parse_ok("server_rss_max<1GB"), parse_ok("server_cpu_per_mpts<3")};
  std::vector<stats::StatementReport> statements;
  statements.push_back(std::move(r));
  const std::vector<ThresholdResult> res = evaluate_thresholds(ts, statements, 0);
  ASSERT_EQ(res.size(), 2u);
  EXPECT_TRUE(res[0].pass);
  EXPECT_FALSE(res[1].pass);
}

TEST(ThresholdEvaluate, JudgesEveryStatementThatHasTheMetric) {
  std::vector<stats::StatementReport> statements;
  statements.push_back(insert_report("fast", {1'000'000}, 0));
  statements.push_back(insert_report("slow", {300'000'000}, 0));
  stats::StatementReport query = insert_report("q", {1'000'000}, 0);
  query.kind = stats::StatementKind::kQuery;
  statements.push_back(std::move(query));
  stats::StatementReport set;
  set.kind = stats::StatementKind::kSet;
  set.name = "Database";
  statements.push_back(std::move(set));

  std::vector<Threshold> thresholds = {parse_ok("p99<=200ms"), parse_ok("points_per_sec>=400"),
                                       parse_ok("slow.errors==0")};
  const std::vector<ThresholdResult> results = evaluate_thresholds(thresholds, statements, 0);
  ASSERT_EQ(results.size(), 3u + 2u + 1u);
  EXPECT_EQ(results[0].statement, "fast");
  EXPECT_TRUE(results[0].pass);
  EXPECT_EQ(results[1].statement, "slow");
  EXPECT_FALSE(results[1].pass);
  EXPECT_EQ(results[2].statement, "q");
  EXPECT_TRUE(results[2].pass);
  EXPECT_EQ(results[3].statement, "fast");  // a query has no points_per_sec
  EXPECT_TRUE(results[3].pass);
  EXPECT_EQ(results[4].statement, "slow");
  EXPECT_EQ(results[5].statement, "slow");
  EXPECT_TRUE(results[5].pass);

  const std::string text = render_threshold_results(results);
  EXPECT_NE(text.find("FAIL  p99<=200ms  slow  300ms\n"), std::string::npos) << text;
  EXPECT_NE(text.find("PASS  points_per_sec>=400  fast  500\n"), std::string::npos) << text;
}

TEST(ThresholdEvaluate, AThresholdThatJudgesNothingFails) {
  std::vector<stats::StatementReport> statements;
  statements.push_back(insert_report("w", {1'000'000}, 0));
  std::vector<Threshold> thresholds = {parse_ok("nosuch.p99<1s")};
  const std::vector<ThresholdResult> results = evaluate_thresholds(thresholds, statements, 0);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].pass);
  EXPECT_FALSE(results[0].measured.has_value());
  EXPECT_NE(render_threshold_results(results).find("FAIL  nosuch.p99<1s  nosuch"), std::string::npos);
}

TEST(ThresholdEvaluate, OperatorsAtTheBoundary) {
  Threshold t = parse_ok("errors<=2");
  EXPECT_TRUE(holds(t, 2.0));
  EXPECT_FALSE(holds(t, 2.5));
  EXPECT_FALSE(holds(t, std::nullopt));
  EXPECT_FALSE(holds(parse_ok("errors<2"), 2.0));
  EXPECT_TRUE(holds(parse_ok("errors>=2"), 2.0));
  EXPECT_FALSE(holds(parse_ok("errors>2"), 2.0));
  EXPECT_TRUE(holds(parse_ok("errors==2"), 2.0));
}

TEST(ThresholdFormat, ValuesInTheMetricsUnit) {
  EXPECT_EQ(stats::format_metric(stats::Metric::kP99, 183e6), "183ms");
  EXPECT_EQ(stats::format_metric(stats::Metric::kP99, 1.5e9), "1.5s");
  EXPECT_EQ(stats::format_metric(stats::Metric::kErrorRate, 0.5), "0.5%");
  EXPECT_EQ(stats::format_metric(stats::Metric::kPointsPerSec, 480000), "480000");
  EXPECT_EQ(stats::format_metric(stats::Metric::kCpuPerMpts, 0.0123), "0.0123 CPU-s");
  EXPECT_EQ(stats::format_metric(stats::Metric::kP50, std::nullopt), "n/a");
  // Never in exponent form: a 25-minute p99, a 1.5 TB RSS.
  EXPECT_EQ(stats::format_metric(stats::Metric::kP99, 1500e9), "1500s");
  EXPECT_EQ(stats::format_metric(stats::Metric::kServerRssMax, 1.5e12), "1500 GB");
  EXPECT_EQ(stats::significant(21.345), "21.3");
  EXPECT_EQ(stats::significant(4000), "4000");
  EXPECT_EQ(stats::significant(123456.7), "123457");
  EXPECT_EQ(stats::significant(0.01234), "0.0123");
}

}  // namespace
}  // namespace stressql::judge
