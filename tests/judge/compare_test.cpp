// compare on reports of a known shape: statements matched by name (the rest listed), which
// samples decide (intervals, or repeats when both runs have enough), verdicts, the limit,
// zero requests, different scripts, malformed input, and the outputs (text, Markdown,
// JUnit, JSON) carrying the same numbers.
#include "judge/compare.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "judge/compare_output.h"

namespace stressql::judge {
namespace {

using Json = nlohmann::json;

// An INSERT statement whose seconds accepted `points` each (p99 `p99_ns`), then ran 0.3 s
// into one more second, at the rate of the last full one (compare scales it up).
Json insert(const std::string& name, const std::vector<double>& points, double p99_ns, bool rated = false) {
  Json intervals = Json::array();
  double total = 0;
  for (size_t i = 0; i <= points.size(); ++i) {
    const double p = i < points.size() ? points[i] : points.empty() ? 0 : 0.3 * points.back();
    total += p;
    intervals.push_back({{"second", i},
                         {"requests", p / 10},
                         {"points_accepted", p},
                         {"failures", 0},
                         {"retries", 0},
                         {"latency_from_due_ns", {{"p50", p99_ns / 2}, {"p99", p99_ns}, {"max", p99_ns * 2}}}});
  }
  const double duration_ns = (double(points.size()) + 0.3) * 1e9;
  Json st = {{"kind", "insert"},
             {"name", name},
             {"ran", true},
             {"duration_ns", duration_ns},
             {"requests", {{"ok", total / 10}, {"failed", 0}, {"retries", 0}}},
             {"latency_ns", {{"count", total / 10}, {"mean", p99_ns / 2}, {"p50", p99_ns / 2}, {"p95", p99_ns},
                             {"p99", p99_ns}, {"p999", p99_ns}, {"max", p99_ns * 2}}},
             {"points_per_second", total * 1e9 / duration_ns},
             {"intervals", intervals}};
  if (rated) st["rate"] = {{"target", "1000 pts/s"}};
  return st;
}

Json report(std::vector<Json> statements, const std::string& sha = "aaaa") {
  return {{"schema", "stressql-report"},
          {"test_id", "0123456789abcdef"},
          {"options", {{"script_sha256", sha}}},
          {"cpu", {{"per_million_points", 0.05}}},
          {"statements", statements}};
}

CompareInput input(const Json& doc, const std::string& label) {
  CompareInput in;
  base::Status s = read_compare_input(doc, label, &in);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return in;
}

std::vector<double> steady(double value, int seconds, double wobble) {
  std::vector<double> v;
  for (int i = 0; i < seconds; ++i) v.push_back(value + wobble * double((i * 7) % 5 - 2));
  return v;
}

const MetricComparison* row(const Comparison& c, const std::string& statement, stats::Metric m) {
  for (const MetricComparison& r : c.rows) {
    if (r.statement == statement && r.metric == m) return &r;
  }
  return nullptr;
}

TEST(Compare, SameRunsNoChange) {
  const Json doc = report({insert("cpu", steady(2000, 10, 20), 5e6)});
  const Comparison c = compare_runs(input(doc, "a.json"), input(doc, "b.json"), {});
  ASSERT_NE(row(c, "cpu", stats::Metric::kPointsPerSec), nullptr);
  const MetricComparison& p = *row(c, "cpu", stats::Metric::kPointsPerSec);
  EXPECT_EQ(p.verdict, Verdict::kNoChange);
  EXPECT_EQ(p.basis, "11 vs 11 one-second intervals");
  EXPECT_DOUBLE_EQ(*p.base, 2000);
  EXPECT_FALSE(c.regression());
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_NE(render_compare_text(c, {}).find("Result: OK: no significant regression beyond 5% in "
                                           "points_per_sec,requests_per_sec,p99,error_rate"),
            std::string::npos);
}

TEST(Compare, ThroughputDropIsARegression) {
  const Json base = report({insert("cpu", steady(2000, 8, 20), 5e6)});
  const Json next = report({insert("cpu", steady(1000, 8, 20), 5e6)});
  const Comparison c = compare_runs(input(base, "base.json"), input(next, "new.json"), {});
  const MetricComparison& p = *row(c, "cpu", stats::Metric::kPointsPerSec);
  EXPECT_EQ(p.verdict, Verdict::kWorse);
  EXPECT_TRUE(p.regression);
  EXPECT_NEAR(*p.change, -0.5, 0.02);
  EXPECT_LT(*p.change_high, 0);
  EXPECT_TRUE(c.regression());
  // The same drop with a limit above it, or with points_per_sec not deciding, passes.
  CompareOptions loose;
  loose.max_regression_percent = 60;
  EXPECT_FALSE(compare_runs(input(base, "b"), input(next, "n"), loose).regression());
  CompareOptions latency_only;
  latency_only.deciding = {stats::Metric::kP99};
  const Comparison shown = compare_runs(input(base, "b"), input(next, "n"), latency_only);
  EXPECT_FALSE(shown.regression());
  EXPECT_EQ(row(shown, "cpu", stats::Metric::kPointsPerSec)->verdict, Verdict::kWorse);
  // And more throughput is better, never a regression.
  const Comparison up = compare_runs(input(next, "n"), input(base, "b"), {});
  EXPECT_EQ(row(up, "cpu", stats::Metric::kPointsPerSec)->verdict, Verdict::kBetter);
  EXPECT_FALSE(up.regression());
}

TEST(Compare, LatencyRiseIsWorse) {
  const Json base = report({insert("cpu", steady(2000, 8, 20), 5e6)});
  Json next = report({insert("cpu", steady(2000, 8, 20), 8e6)});
  const Comparison c = compare_runs(input(base, "b"), input(next, "n"), {});
  EXPECT_EQ(row(c, "cpu", stats::Metric::kP99)->verdict, Verdict::kWorse);
  EXPECT_TRUE(row(c, "cpu", stats::Metric::kP99)->regression);
  // p95 has no per-second value: shown from the runs, not tested.
  EXPECT_EQ(row(c, "cpu", stats::Metric::kP95)->verdict, Verdict::kNotTested);
  EXPECT_NE(row(c, "cpu", stats::Metric::kP95)->note.find("one value per run"), std::string::npos);
}

TEST(Compare, RatedThroughputIsNotJudgedPerSecond) {
  const Json base = report({insert("cpu", steady(1000, 8, 0), 5e6, true)});
  const Json next = report({insert("cpu", steady(1000, 8, 0), 5e6, true)});
  const Comparison c = compare_runs(input(base, "b"), input(next, "n"), {});
  EXPECT_EQ(row(c, "cpu", stats::Metric::kPointsPerSec)->verdict, Verdict::kNotTested);
  EXPECT_NE(row(c, "cpu", stats::Metric::kPointsPerSec)->note.find("schedule"), std::string::npos);
  EXPECT_EQ(row(c, "cpu", stats::Metric::kP99)->verdict, Verdict::kNoChange);
}

// A gate that judged nothing has not passed: rated runs decided on points_per_sec alone.
TEST(Compare, NothingJudgedIsNotAPass) {
  const Json base = report({insert("cpu", steady(1000, 8, 0), 5e6, true)});
  const Json next = report({insert("cpu", steady(1000, 8, 0), 5e6, true)});
  CompareOptions points;
  points.deciding = {stats::Metric::kPointsPerSec};
  const Comparison c = compare_runs(input(base, "base.json"), input(next, "new.json"), points);
  EXPECT_FALSE(c.regression());
  EXPECT_FALSE(c.judged());
  const std::string text = render_compare_text(c, points);
  EXPECT_NE(text.find("Result: FAIL: nothing could be judged in points_per_sec\n"
                      "Why: cpu points_per_sec: rated: per-second counts follow the schedule"),
            std::string::npos) << text;
  EXPECT_NE(text.find("To judge: run each side with --repeat 4 or more"), std::string::npos) << text;
  EXPECT_NE(text.find("To judge: under a rate, decide on what the server changes: --metrics p99,error_rate"),
            std::string::npos) << text;
  EXPECT_EQ(text.find("OK"), std::string::npos) << text;
  const std::string md = render_compare_markdown(c, points);
  EXPECT_NE(md.find("**FAIL: nothing could be judged in points_per_sec**"), std::string::npos) << md;
  EXPECT_NE(md.find("- To judge: run each side with --repeat 4"), std::string::npos) << md;
  const std::string junit = render_compare_junit(c, points);
  EXPECT_NE(junit.find("<testcase classname=\"stressql.compare\" name=\"judged\">\n      <failure "
                       "type=\"nothing-judged\" message=\"FAIL: nothing could be judged in points_per_sec\">"),
            std::string::npos) << junit;
  EXPECT_NE(junit.find("failures=\"1\""), std::string::npos) << junit;
  const Json j = compare_json(c, points);
  EXPECT_EQ(j["result"], "nothing judged");
  EXPECT_FALSE(j["judged"].get<bool>());
  EXPECT_EQ(j["not_judged"], Json::array({"points_per_sec"}));
  EXPECT_FALSE(j["how_to_judge"].empty());

  // With the default metrics p99 and error_rate are judged per second: a pass that names
  // what it did not judge.
  const Comparison by_default = compare_runs(input(base, "b"), input(next, "n"), {});
  EXPECT_TRUE(by_default.judged());
  EXPECT_NE(render_compare_text(by_default, {}).find("Result: OK: no significant regression beyond 5% in "
                                                     "p99,error_rate; not judged: points_per_sec,requests_per_sec\n"),
            std::string::npos) << render_compare_text(by_default, {});

  // Nothing to compare at all: said, with the reason.
  const Comparison empty = compare_runs(input(report({}), "b"), input(report({}), "n"), {});
  EXPECT_FALSE(empty.judged());
  EXPECT_NE(render_compare_text(empty, {}).find("Why: no statement was compared"), std::string::npos);
}

// Intervals are a ratio's: a drop to a two-hundredth has its interval above -100 %, where the
// interval of the difference reached -106 %.
TEST(Compare, ChangesAreRatiosAboveMinus100Percent) {
  std::vector<double> slow;
  for (int i = 0; i < 10; ++i) slow.push_back(100 + 10 * (i % 3));
  slow.push_back(9000);  // one second at the old speed
  const Json base = report({insert("cpu", steady(20000, 11, 2000), 5e6)});
  const Json next = report({insert("cpu", slow, 5e6)});
  const Comparison c = compare_runs(input(base, "b"), input(next, "n"), {});
  const MetricComparison& p = *row(c, "cpu", stats::Metric::kPointsPerSec);
  EXPECT_TRUE(p.ratio);
  EXPECT_EQ(p.verdict, Verdict::kWorse);
  ASSERT_TRUE(p.change_low && p.change_high);
  EXPECT_GT(*p.change_low, -1);
  EXPECT_LT(*p.change_high, -0.9);
  EXPECT_LE(*p.change_low, *p.change);
  EXPECT_GE(*p.change_high, *p.change);
  EXPECT_EQ(interval_text(p).substr(0, 3), "[-9") << interval_text(p);
  EXPECT_EQ(compare_json(c, {})["rows"][0]["scale"], "ratio");
  // Latency 5 ms -> 10 ms: +100 % of base, as a ratio of 2.
  const Json slower = report({insert("cpu", steady(20000, 11, 2000), 10e6)});
  const Comparison later = compare_runs(input(base, "b"), input(slower, "n"), {});
  const MetricComparison& p99 = *row(later, "cpu", stats::Metric::kP99);
  EXPECT_NEAR(*p99.change, 1.0, 1e-9);
  EXPECT_NEAR(p99.shift, 5e6, 1);

  // A second with no points has no ratio: the difference decides, its interval in pts/s.
  std::vector<double> stalled = steady(20000, 11, 2000);
  stalled[3] = 0;
  const Comparison d = compare_runs(input(base, "b"), input(report({insert("cpu", stalled, 5e6)}), "n"), {});
  const MetricComparison& q = *row(d, "cpu", stats::Metric::kPointsPerSec);
  EXPECT_FALSE(q.ratio);
  EXPECT_FALSE(q.change_low);
  EXPECT_NE(interval_text(q).find("[-"), std::string::npos);
  EXPECT_EQ(interval_text(q).find('%'), std::string::npos) << interval_text(q);
}

// One order everywhere: BASE first, NEW second.
TEST(CompareOutput, BaseThenNewInEveryFormat) {
  const Json doc = report({insert("cpu", steady(2000, 8, 20), 5e6)});
  const Comparison c = compare_runs(input(doc, "base.json"), input(doc, "new.json"), {});
  const std::string title = "BASE base.json → NEW new.json";
  EXPECT_NE(render_compare_text(c, {}).find("Compare: " + title + "\n"), std::string::npos);
  EXPECT_NE(render_compare_markdown(c, {}).find("### stressql compare: " + title + "\n"), std::string::npos);
  EXPECT_NE(render_compare_junit(c, {}).find("<testsuite name=\"stressql compare " + title + "\""), std::string::npos);
  for (const std::string& out : {render_compare_text(c, {}), render_compare_markdown(c, {}), render_compare_junit(c, {})}) {
    EXPECT_EQ(out.find("new.json vs base.json"), std::string::npos) << out;
    EXPECT_LT(out.find("base.json"), out.find("new.json")) << out;
  }
}

TEST(Compare, StatementsInOneRunOnlyAreListed) {
  const Json base = report({insert("cpu", steady(2000, 8, 20), 5e6), insert("old", steady(10, 8, 1), 5e6)});
  const Json next = report({insert("cpu", steady(2000, 8, 20), 5e6), insert("fresh", steady(10, 8, 1), 5e6)});
  const Comparison c = compare_runs(input(base, "b"), input(next, "n"), {});
  EXPECT_EQ(row(c, "old", stats::Metric::kP99), nullptr);
  EXPECT_EQ(row(c, "fresh", stats::Metric::kP99), nullptr);
  ASSERT_EQ(c.notes.size(), 2u);
  EXPECT_EQ(c.notes[0], "fresh: only in NEW, not compared");
  EXPECT_EQ(c.notes[1], "old: only in BASE, not compared");
}

TEST(Compare, ZeroRequestsAreSaidNotDivided) {
  Json empty = insert("cpu", {}, 0);
  empty["requests"] = {{"ok", 0}, {"failed", 0}, {"retries", 0}};
  empty["intervals"] = Json::array();
  empty["points_per_second"] = 0;
  const Json base = report({empty});
  const Json next = report({insert("cpu", steady(2000, 8, 20), 5e6)});
  const Comparison c = compare_runs(input(base, "b"), input(next, "n"), {});
  EXPECT_TRUE(c.rows.empty());
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_EQ(c.notes[0], "cpu: no requests finished in BASE, not compared");
  EXPECT_FALSE(c.regression());
}

TEST(Compare, DifferentScriptsWarn) {
  const Comparison c = compare_runs(input(report({insert("cpu", steady(2000, 8, 20), 5e6)}, "aaaa"), "b"),
                                    input(report({insert("cpu", steady(2000, 8, 20), 5e6)}, "bbbb"), "n"), {});
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("different scripts"), std::string::npos);
  EXPECT_FALSE(c.rows.empty());  // compared all the same
}

TEST(Compare, RepeatsDecideWhenBothHaveEnough) {
  auto repeats = [](double points) {
    Json runs = Json::array();
    for (int i = 0; i < 5; ++i) runs.push_back(report({insert("cpu", steady(points + 10 * i, 3, 0), 5e6)}));
    return Json{{"schema", "stressql-repeats"}, {"runs", runs}};
  };
  const Comparison c = compare_runs(input(repeats(2000), "b"), input(repeats(1500), "n"), {});
  const MetricComparison& p = *row(c, "cpu", stats::Metric::kPointsPerSec);
  EXPECT_EQ(p.basis, "5 vs 5 repeats");
  EXPECT_EQ(p.verdict, Verdict::kWorse);
  EXPECT_TRUE(c.regression());
  // Over repeats every metric has a value per run, p95 included.
  EXPECT_NE(row(c, "cpu", stats::Metric::kP95)->verdict, Verdict::kNotTested);
}

TEST(Compare, TheServersMetricsOnlyWhereARunReadThem) {
  const Json plain = report({insert("cpu", steady(2000, 5, 20), 5e6)});
  const Comparison none = compare_runs(input(plain, "a"), input(plain, "b"), {});
  EXPECT_EQ(row(none, "cpu", stats::Metric::kServerCpuPerMpts), nullptr);
  EXPECT_EQ(row(none, "cpu", stats::Metric::kServerRssMax), nullptr);
  auto repeats = [](double cpu) {
    Json runs = Json::array();
    for (int i = 0; i < 5; ++i) {
      Json st = insert("cpu", steady(2000, 3, 0), 5e6);
      st["server"] = {{"server_cpu_per_mpts", cpu + 0.1 * i}, {"server_rss_max", 8e8}};
      runs.push_back(report({st}));
    }
    return Json{{"schema", "stressql-repeats"}, {"runs", runs}};
  };
  const Comparison c = compare_runs(input(repeats(10), "b"), input(repeats(20), "n"), {});
  const MetricComparison* cpu = row(c, "cpu", stats::Metric::kServerCpuPerMpts);
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->verdict, Verdict::kWorse);  // twice the server's CPU per point
  EXPECT_NEAR(*cpu->change, 1.0, 0.05);
  ASSERT_NE(row(c, "cpu", stats::Metric::kServerRssMax), nullptr);
  EXPECT_EQ(row(c, "cpu", stats::Metric::kServerRssMax)->verdict, Verdict::kNoChange);
}

TEST(Compare, MalformedInputIsRefused) {
  CompareInput in;
  EXPECT_NE(read_compare_input(Json::array(), "x.json", &in).message().find("x.json: not a stressql JSON report"),
            std::string::npos);
  EXPECT_NE(read_compare_input(Json{{"schema", "other"}}, "x", &in).message().find("stressql-report"),
            std::string::npos);
  EXPECT_NE(read_compare_input(Json{{"schema", "stressql-report"}}, "x", &in).message().find("'statements'"),
            std::string::npos);
  EXPECT_NE(read_compare_input(Json{{"schema", "stressql-repeats"}, {"runs", Json::array()}}, "x", &in)
                .message()
                .find("'runs'"),
            std::string::npos);
}

TEST(Compare, MetricListAndPercent) {
  std::vector<stats::Metric> m;
  EXPECT_TRUE(parse_metric_list("p99, points_per_sec", &m).is_ok());
  EXPECT_EQ(m, (std::vector<stats::Metric>{stats::Metric::kP99, stats::Metric::kPointsPerSec}));
  EXPECT_NE(parse_metric_list("p99,p98", &m).message().find("unknown metric 'p98'"), std::string::npos);
  double p = 0;
  EXPECT_TRUE(parse_percent("7.5%", &p).is_ok());
  EXPECT_EQ(p, 7.5);
  EXPECT_TRUE(parse_percent("0", &p).is_ok());
  EXPECT_FALSE(parse_percent("-1%", &p).is_ok());
  EXPECT_FALSE(parse_percent("five", &p).is_ok());
}

TEST(CompareOutput, EveryFormatCarriesTheNumbers) {
  const Json base = report({insert("cpu", steady(2000, 8, 20), 5e6)});
  const Json next = report({insert("cpu", steady(1000, 8, 20), 5e6)});
  const Comparison c = compare_runs(input(base, "base.json"), input(next, "new.json"), {});
  const std::string change = change_text(*row(c, "cpu", stats::Metric::kPointsPerSec));
  EXPECT_EQ(change.substr(0, 3), "-50");
  const std::string text = render_compare_text(c, {});
  EXPECT_NE(text.find("Result: REGRESSION beyond 5%: cpu points_per_sec " + change), std::string::npos) << text;
  const std::string md = render_compare_markdown(c, {});
  EXPECT_NE(md.find("| Statement | Metric | Base | New | Change | 95% CI | Gate | Verdict |"), std::string::npos) << md;
  EXPECT_NE(md.find("| cpu | points_per_sec | 2000 | 1000 | " + change), std::string::npos) << md;
  EXPECT_NE(md.find("**FAIL**"), std::string::npos);
  const std::string junit = render_compare_junit(c, {});
  EXPECT_NE(junit.find("<testcase classname=\"stressql.cpu\" name=\"points_per_sec\">"), std::string::npos) << junit;
  EXPECT_NE(junit.find("<failure type=\"regression\" message=\"points_per_sec " + change + " beyond 5%\">base 2000, new 1000"),
            std::string::npos) << junit;
  const Json j = compare_json(c, {});
  EXPECT_TRUE(j["regression"].get<bool>());
  EXPECT_EQ(j["rows"][0]["metric"], "points_per_sec");
  EXPECT_EQ(j["rows"][0]["verdict"], "worse");
}

}  // namespace
}  // namespace stressql::judge
