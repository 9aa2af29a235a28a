// The HTML report without a browser: the chart layer's downsampling, the spectrum's
// percentiles, the rate target, and a synthetic 24-hour statement whose page must stay under
// 1 MB (so a day of an INSERT and a QUERY stays under 2 MB) with every series folded to at
// most kMaxPointsPerSeries points (spikes kept).
// The page in a real browser: tests/cli/html_report_test.cpp.
#include "html/html_report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <random>
#include <tuple>

#include "report/json_report.h"
#include "stats/latency_spectrum.h"
#include "tests/report/report_test_util.h"
#include "tests/support/report_builders.h"

using namespace stressql::report;
using namespace stressql::stats;
namespace stressql::html {
namespace {

ChartSpec three_series(size_t n) {
  ChartSpec c;
  c.id = "c";
  ChartSeries mean{"mean", {}, {}, {}, Fold::kMean, false};
  ChartSeries max{"max", {}, {}, {}, Fold::kMax, false};
  ChartSeries sum{"sum", {}, {}, {}, Fold::kSum, false};
  for (size_t i = 0; i < n; ++i) {
    c.x.push_back(double(i));
    mean.y.push_back(double(i % 4));       // 0 1 2 3 0 1 2 3 …
    max.y.push_back(i == 5 ? 100.0 : 1.0);  // one spike
    sum.y.push_back(i == 2 ? NAN : 1.0);    // one gap
  }
  c.series = {mean, max, sum};
  return c;
}

TEST(HtmlChartsTest, DownsampleFoldsRunsByTheSeriesRule) {
  ChartSpec c = three_series(10);
  EXPECT_EQ(downsample(&c, 10), 1) << "at the limit nothing changes";
  EXPECT_EQ(c.x.size(), 10u);

  EXPECT_EQ(downsample(&c, 3), 4);  // runs of 4: [0,4) [4,8) [8,10)
  EXPECT_EQ(c.points_per_row, 4);
  EXPECT_EQ(c.x, (std::vector<double>{0, 4, 8}));
  EXPECT_EQ(c.series[0].y, (std::vector<double>{1.5, 1.5, 0.5}));
  EXPECT_EQ(c.series[1].y, (std::vector<double>{1, 100, 1})) << "the spike survives";
  EXPECT_EQ(c.series[2].y, (std::vector<double>{3, 4, 2})) << "a gap adds nothing";
}

TEST(HtmlChartsTest, AllGapsStayAGapAndBarsWiden) {
  ChartSpec c;
  c.x = {0, 1, 2, 3};
  c.series.push_back({"s", {NAN, NAN, 5, 7}, {1, 2, 4, 6}, {3, 9, 6, 8}, Fold::kMean, false});
  downsample(&c, 2);
  EXPECT_TRUE(std::isnan(c.series[0].y[0]));
  EXPECT_EQ(c.series[0].y[1], 6);
  EXPECT_EQ(c.series[0].high, (std::vector<double>{9, 8}));
  nlohmann::json j = chart_json(c);
  EXPECT_TRUE(j["series"][0]["y"][0].is_null()) << "NaN is written as null, a gap";
  EXPECT_TRUE(j["bars"].get<bool>());
}

TEST(HtmlChartsTest, PercentileAxis) {
  EXPECT_DOUBLE_EQ(percentile_x(50), 2);
  EXPECT_NEAR(percentile_x(99.9), 1000, 1e-6);
}

TEST(LatencySpectrumTest, FivePointsPerHalvingFromP50ToP99999) {
  const std::vector<double>& p = spectrum_percentiles();
  ASSERT_EQ(p.size(), 80u);
  EXPECT_EQ(p.front(), 50);
  EXPECT_EQ(p[5], 75);
  EXPECT_EQ(p[10], 87.5);
  EXPECT_EQ(p.back(), 99.999);
  for (size_t i = 1; i < p.size(); ++i) EXPECT_LT(p[i - 1], p[i]) << i;

  Histogram due, send;
  EXPECT_TRUE(latency_spectrum_json(due, send)["percentiles"].empty()) << "no success, no spectrum";
  for (int v = 1; v <= 1000; ++v) {
    due.record(v * 1000);
    send.record(v * 500);
  }
  nlohmann::json j = latency_spectrum_json(due, send);
  ASSERT_EQ(j["from_due_ns"].size(), 80u);
  EXPECT_EQ(j["from_due_ns"][0], due.value_at_percentile(50));
  EXPECT_EQ(j["from_due_ns"][79], 1000000) << "p99.999 of 1000 samples is the max";
  EXPECT_EQ(j["from_send_ns"][79], 500000);
}

nlohmann::json rate_json(double from, double to, int64_t ramp_ns, double per_request, const char* target = "") {
  return {{"target", target}, {"from", from}, {"to", to}, {"ramp_ns", ramp_ns}, {"units_per_request", per_request}};
}

TEST(HtmlReportTest, TargetRequestsPerSecondComesFromTheRatesNumbers) {
  EXPECT_DOUBLE_EQ(target_requests_per_second(rate_json(2000, 2000, 0, 100), 7), 20);
  EXPECT_DOUBLE_EQ(target_requests_per_second(rate_json(50, 50, 0, 1), 0), 50);
  // A ramp from 0 to 100 req/s over 10 s: second 2 averages the rate at 2.5 s.
  EXPECT_DOUBLE_EQ(target_requests_per_second(rate_json(0, 100, 10'000'000'000, 1), 2), 25);
  EXPECT_DOUBLE_EQ(target_requests_per_second(rate_json(0, 100, 10'000'000'000, 1), 30), 100);
  EXPECT_DOUBLE_EQ(target_requests_per_second(rate_json(0, 100, 500'000'000, 1), 0), 100);
  // The text is for people: a merged sharded run's reads like no rate, its numbers count.
  EXPECT_DOUBLE_EQ(target_requests_per_second(rate_json(3000, 3000, 0, 1, "3000 req/s, shared by 3 shards"), 0), 3000);
  EXPECT_TRUE(std::isnan(target_requests_per_second({{"target", "2000 req/s"}, {"units_per_request", 1}}, 0)));
}

TEST(HtmlPageTest, MissingChartLibraryNamesTheFileAndThePackage) {
  ChartLibrary lib;
  base::Status s = load_chart_library("/nonexistent-stressql-dir", &lib);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("/nonexistent-stressql-dir/dygraph.min.js"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("libjs-dygraphs"), std::string::npos) << s.message();
}

TEST(HtmlPageTest, TextIsEscapedAndNothingIsLoadedFromOutside) {
  HtmlPage page;
  page.kind = "run";
  page.title = "</script><b>";
  page.header = {{"Script", "a&b\"c"}};
  ChartSpec c;
  c.id = "x";
  c.title = "</script>";
  c.x = {0};
  c.series.push_back({"y", {1}, {}, {}, Fold::kMean, false});
  page.sections.push_back({"<s>", "", {}, {c}});
  const std::string html = render_page(page, {"/*lib*/", "/*css*/"});
  EXPECT_NE(html.find("&lt;/script&gt;&lt;b&gt;"), std::string::npos);
  EXPECT_NE(html.find("a&amp;b&quot;c"), std::string::npos);
  EXPECT_EQ(html.find("</script><b>"), std::string::npos);
  EXPECT_NE(html.find("\\u003c/script>"), std::string::npos) << "JSON data cannot close its element";
  EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find(" href="), std::string::npos);
}

// 24 hours of one rated INSERT (the statement with the most series): 86 400 intervals, a
// stall at 13:00. One statement keeps the test cheap under the sanitizers.
std::vector<StatementReport> day_long_run() {
  std::vector<StatementReport> list;
  std::mt19937_64 rng(17);
  {
    StatementReport st = stats::testing::insert_statement("day", 86'400ull * 2000);
    st.id = "0123456789";
    st.ran = true;
    st.duration_ns = 86'400'000'000'000;
    st.rate.unit = "pts/s";
    st.rate.from = st.rate.to = 2000;
    st.rate.units_per_request = 100;
    st.rate.per_request = "100 points per request";
    std::deque<IntervalRecord> seconds;
    for (int32_t s = 0; s < 86'400; ++s) {
      IntervalRecord k;
      k.second = s;
      k.requests = 20;
      k.points_accepted = 2000;
      k.retries = s % 3600 == 0 ? 2 : 0;
      if (s / 3600 == 13) {  // an hour of failures in two classes
        k.by_class = {3, 1};
        k.failures = 4;
      }
      const int64_t base = 1'000'000 + static_cast<int64_t>(rng() % 500'000);
      const int64_t stall = s == 13 * 3600 ? 5'000'000'000 : 0;
      k.from_due_p50 = base;
      k.from_due_p99 = base * 3 + stall;
      k.from_due_max = base * 4 + stall;
      k.from_send_p50 = base;
      k.from_send_p99 = base * 3;
      k.from_send_max = base * 4;
      seconds.push_back(k);
    }
    st.intervals.restore(std::move(seconds), {"http 503", "timeout"}, 0, 1'700'000'000'000'000'000);
    for (int i = 0; i < 100'000; ++i) {
      const int64_t v = 1'000'000 + static_cast<int64_t>(rng() % 3'000'000);
      st.stats.latency.record(v);
      st.stats.latency_from_send.record(v / 2);
    }
    st.stats.requests_ok = 86'400 * 20;
    st.stats.points_accepted = 86'400ull * 2000;
    list.push_back(std::move(st));
  }
  return list;
}

// SPEC §7.1: the server's CPU, RSS and points/s on the statement's own seconds, beside the
// accepted points/s; a source without a number draws no series, a run without sources no chart.
TEST(HtmlReportTest, ServerChartsShareTheStatementsTimeAxis) {
  StatementReport st = stats::testing::insert_statement("cpu", 300);
  st.ran = true;
  std::deque<IntervalRecord> seconds;
  for (int32_t s = 0; s < 3; ++s) seconds.push_back(IntervalRecord{.second = s, .requests = 10, .points_accepted = 1000});
  const int64_t start = 1'700'000'000'000'000'000;
  st.start_unix_ns = start;
  st.intervals.restore(std::move(seconds), {}, 0, start);
  stats::ServerSourceStats vars;
  vars.source = "127.0.0.1:8086";
  vars.kind = "/debug/vars";
  for (int64_t i = 1; i <= 3; ++i) {
    stats::ServerSecond sec;
    sec.unix_ns = start + i * 1'000'000'000 + 100'000'000;  // 1.1 s, 2.1 s, 3.1 s: seconds 0, 1, 2
    sec.values[static_cast<size_t>(stats::ServerMetric::kPoints)] = 990.0 + double(i);
    sec.values[static_cast<size_t>(stats::ServerMetric::kRss)] = 5e7 * double(i);
    vars.seconds.push_back(sec);
  }
  st.server.push_back(vars);
  std::vector<StatementReport> list;
  list.push_back(std::move(st));
  const nlohmann::json doc = json_report(list, RunSummary{}, nlohmann::json::object(), "test");
  const HtmlPage page = run_page(doc);
  ASSERT_EQ(page.sections.size(), 1u);
  const std::vector<ChartSpec>& charts = page.sections[0].charts;
  ASSERT_EQ(charts.size(), 6u);  // no CPU in /debug/vars: no CPU chart
  EXPECT_EQ(charts[4].id, "s0-server-rss");
  EXPECT_EQ(charts[4].x, (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(charts[4].series[0].y, (std::vector<double>{50, 100, 150}));
  EXPECT_EQ(charts[5].id, "s0-server-points");
  ASSERT_EQ(charts[5].series.size(), 2u);
  EXPECT_EQ(charts[5].series[0].y, (std::vector<double>{1000, 1000, 1000}));
  EXPECT_EQ(charts[5].series[1].name, "127.0.0.1:8086 /debug/vars points/s");
  EXPECT_EQ(charts[5].series[1].y, (std::vector<double>{991, 992, 993}));
}

// A shard's server numbers cover every shard: the page says the CPU per point is not
// judged per shard, as the text report does, instead of leaving the line out; one process's
// page shows the number.
TEST(HtmlReportTest, AShardsPageSaysItsServerCpuPerPointIsNotJudged) {
  auto numbers_of = [](int shards) {
    std::vector<StatementReport> list;
    list.push_back(insert_with_server(shards));
    const HtmlPage page = run_page(json_report(list, RunSummary{}, nlohmann::json::object(), "test"));
    std::map<std::string, std::string> out;
    for (const auto& [label, value] : page.sections.at(0).numbers) out[label] = value;
    return out;
  };
  std::map<std::string, std::string> alone = numbers_of(1), shard = numbers_of(3);
  EXPECT_EQ(alone["Server CPU per Million Points"], "4000 CPU-s");  // 2 CPU-s / 500 points
  EXPECT_EQ(alone["Server Points (its count)"], "1000");
  EXPECT_EQ(shard["Server CPU per Million Points"],
            "not judged per shard: the server's CPU went to every shard's points");
  EXPECT_EQ(shard["Server Points (its count)"], "1000 (every shard's points; not judged per shard)");
  EXPECT_EQ(shard["Server CPU"], alone["Server CPU"]);
}

// The failures chart: a series per class, in order of first appearance, zero in the seconds
// the class did not fail, then retries; the numbers beside it list the classes.
TEST(HtmlReportTest, FailuresChartHasASeriesPerClass) {
  StatementReport st = stats::testing::insert_statement("cpu", 300);
  st.ran = true;
  std::deque<IntervalRecord> seconds;
  for (int32_t s = 0; s < 3; ++s) seconds.push_back(IntervalRecord{.second = s, .requests = 10, .retries = 1});
  std::vector<std::string> classes;
  const std::vector<std::tuple<int32_t, std::string, uint32_t>> failed = {
      {1, "http 503", 4}, {1, "http 404", 2}, {2, "connection refused", 5}, {2, "http 404", 1}};
  for (const auto& [second, name, n] : failed) {
    ASSERT_TRUE(add_restored_failures(&seconds, &classes, second, name, n));
    seconds[static_cast<size_t>(second)].failures += n;
    st.stats.failures[name] += n;
  }
  st.intervals.restore(std::move(seconds), std::move(classes), 0, 1'700'000'000'000'000'000);
  std::vector<StatementReport> list;
  list.push_back(std::move(st));
  const nlohmann::json doc = json_report(list, RunSummary{}, nlohmann::json::object(), "test");
  EXPECT_EQ(doc["statements"][0]["intervals"][1]["failures_by_class"],
            (nlohmann::json{{"http 404", 2}, {"http 503", 4}}));
  const HtmlPage page = run_page(doc);
  ASSERT_EQ(page.sections.size(), 1u);
  const HtmlSection& s = page.sections[0];
  ASSERT_EQ(s.charts.size(), 4u);
  const ChartSpec& fail = s.charts[3];
  EXPECT_EQ(fail.id, "s0-failures");
  ASSERT_EQ(fail.series.size(), 4u);
  // Second 1 brings 404 and 503 (name order within a second), second 2 the refused ones.
  EXPECT_EQ(fail.series[0].name, "http 404");
  EXPECT_EQ(fail.series[0].y, (std::vector<double>{0, 2, 1}));
  EXPECT_EQ(fail.series[1].name, "http 503");
  EXPECT_EQ(fail.series[1].y, (std::vector<double>{0, 4, 0}));
  EXPECT_EQ(fail.series[2].name, "connection refused");
  EXPECT_EQ(fail.series[2].y, (std::vector<double>{0, 0, 5}));
  EXPECT_EQ(fail.series[3].name, "retries");
  EXPECT_EQ(fail.series[3].y, (std::vector<double>{1, 1, 1}));
  bool listed = false;
  for (const auto& [label, value] : s.numbers) {
    if (label == "Failures") {
      listed = true;
      EXPECT_EQ(value, "connection refused: 5, http 404: 3, http 503: 4");
    }
  }
  EXPECT_TRUE(listed);
}

TEST(HtmlReportTest, DayLongStatementStaysUnderOneMegabyteAndKeepsItsStall) {
  ChartLibrary lib;
  base::Status loaded = load_chart_library(kChartLibraryDir, &lib);
  ASSERT_TRUE(loaded) << loaded.message() << " (scripts/setup installs it)";
  RunSummary run;
  run.test_id = "0123456789abcdef";
  run.duration_ns = 86'400'000'000'000;
  run.reactors = 2;
  const nlohmann::json doc = json_report(day_long_run(), run, nlohmann::json::object(), "test");
  const HtmlPage page = run_page(doc);
  ASSERT_EQ(page.sections.size(), 1u);
  for (const HtmlSection& s : page.sections) {
    EXPECT_NE(s.note.find("29 seconds"), std::string::npos) << s.note;  // ceil(86400 / 3000)
    ASSERT_EQ(s.charts.size(), 4u);
    for (const ChartSpec& c : s.charts) {
      EXPECT_LE(c.x.size(), kMaxPointsPerSeries) << c.id;
      for (const ChartSeries& series : c.series) EXPECT_EQ(series.y.size(), c.x.size()) << c.id;
    }
    const ChartSpec& latency = s.charts[1];
    ASSERT_EQ(latency.series[1].name, "p99");
    double worst = 0;
    for (double v : latency.series[1].y) worst = std::max(worst, v);
    EXPECT_GE(worst, 5000.0) << "the 5 s stall of one second shows in the folded p99 (ms)";
    EXPECT_DOUBLE_EQ(s.charts[0].series[0].y[100], 20) << "requests/s: the mean of 29 seconds";
    EXPECT_DOUBLE_EQ(s.charts[0].series[1].y[100], 20) << "target: 2000 pts/s at 100 points";
    const ChartSpec& fail = s.charts[3];
    ASSERT_EQ(fail.series.size(), 3u);
    EXPECT_EQ(fail.series[0].name, "http 503");
    EXPECT_EQ(fail.series[1].name, "timeout");
    EXPECT_DOUBLE_EQ(*std::max_element(fail.series[0].y.begin(), fail.series[0].y.end()), 3) << "a folded hour";
  }
  const std::string html = render_page(page, lib);
  EXPECT_LE(html.size(), 1'000'000u);
  EXPECT_GT(html.size(), lib.js.size());
  EXPECT_EQ(html.find("sourceMappingURL"), std::string::npos);
}

}  // namespace
}  // namespace stressql::html
