// `--html` in a real browser: a short rated INSERT and a QUERY against a real influxd with
// --json and --html, then `stressql report TEST_ID --html`; each page is loaded from
// file:// in headless Chromium (Debian's chromium, driven by scripts/headless-page over the
// DevTools pipe, no network) until <body data-ready>. Every chart the JSON calls for is
// drawn with exactly the JSON's points, no console message, exception, warning or request.
// A run failing in two classes against two real servers (influxd's 404, nginx's 503) draws
// a failures series per class with the JSON's per-second counts, on both pages. The find-max
// page of a search of a known shape reads like the terminal: the steps' table, round ticks
// on both axes, each SLO on its axis, a latency axis that follows the data.
#include <nlohmann/json.hpp>

#include <map>
#include <utility>

#include "html/html_report.h"
#include "tests/cli/run_test_util.h"
#include "tests/support/nginx_sink.h"

namespace stressql::testing {
namespace {

using nlohmann::json;

// What the page drew: per chart its id, rows, columns (x included), its series' labels and
// the sum of each series (requests/s, p50, …) as Dygraph holds them.
constexpr char kDrawn[] =
    "window.stressqlCharts.map(function (c) { var g = c.graph, sums = [];"
    " for (var col = 1; col < g.numColumns(); ++col) { var sum = 0;"
    "   for (var r = 0; r < g.numRows(); ++r) sum += g.getValue(r, col) || 0;"
    "   sums.push(sum); }"
    " return {id: c.id, rows: g.numRows(), columns: g.numColumns(), labels: g.getLabels().slice(1), sums: sums,"
    " canvas: document.getElementById(c.id).querySelectorAll('canvas').length}; })";

json load_page(const std::string& html) {
  ProcessResult r = run_process({"python3", std::string(STRESSQL_SOURCE_DIR) + "/scripts/headless-page",
                                 html, "--eval", kDrawn, "--timeout", "90"},
                                std::chrono::seconds(120));
  EXPECT_EQ(r.exit_code, 0) << "console messages, errors or requests, or never ready:\n" << r.out << r.err;
  json page = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(page.is_discarded()) << r.out << r.err;
  return page;
}

struct Expected {
  std::string id;
  size_t rows = 0, columns = 0;
  double first_sum = 0;                // < 0: not checked
  std::vector<std::string> labels;     // empty: not checked
  std::vector<double> sums;            // per series, with labels
};

// The failures chart of a statement: a series per class in order of first appearance (in
// name order within a second), or the total when nothing failed, then retries.
Expected failures_chart(const std::string& id, const json& intervals) {
  Expected e{id, intervals.size(), 0, -1, {}, {}};
  std::map<std::string, double> by_class;
  double retries = 0, failures = 0;
  for (const json& k : intervals) {
    for (const auto& [name, n] : k["failures_by_class"].items()) {
      if (!by_class.count(name)) e.labels.push_back(name);
      by_class[name] += n.get<double>();
    }
    retries += k["retries"].get<double>();
    failures += k["failures"].get<double>();
  }
  for (const std::string& name : e.labels) e.sums.push_back(by_class[name]);
  if (e.labels.empty()) {
    e.labels.push_back("failures");
    e.sums.push_back(failures);
  }
  e.labels.push_back("retries");
  e.sums.push_back(retries);
  e.columns = 1 + e.labels.size();
  return e;
}

// The charts a run page must hold for this JSON report (html/html_report.h).
std::vector<Expected> expected_charts(const json& report) {
  std::vector<Expected> list;
  for (const json& st : report["statements"]) {
    const std::string kind = st["kind"];
    if (kind != "insert" && kind != "query") continue;
    std::string p = std::to_string(st["index"].get<int>());
    p.insert(p.begin(), 's');  // "s" + … trips gcc 12's -Wrestrict (a false positive)
    p += '-';
    const size_t seconds = st["intervals"].size();
    const bool rated = st.contains("rate");
    double requests = 0;
    for (const json& k : st["intervals"]) requests += k["requests"].get<double>();
    list.push_back({p + "throughput", seconds, 2u + rated + (kind == "insert"), requests, {}, {}});
    list.push_back({p + "latency", seconds, 4u + 3 * rated, -1, {}, {}});
    list.push_back({p + "spectrum", st["latency_spectrum"]["percentiles"].size(), 2u + rated, -1, {}, {}});
    list.push_back(failures_chart(p + "failures", st["intervals"]));
    // SPEC §7.1: with metrics sources (the run's influxd by auto), the server's charts: one
    // series per source that has the number, on the statement's seconds.
    if (!st.contains("server")) continue;
    for (const auto& [id, key] : {std::pair<std::string, std::string>{"server-cpu", "server_cpu"},
                                  {"server-rss", "server_rss"}, {"server-points", "server_points"}}) {
      size_t series = id == "server-points" ? 1 : 0;  // beside the accepted points/s
      const size_t own = series;
      for (const json& source : st["server"]["sources"]) {
        bool has = false;
        for (const json& sec : source["per_second"]) has = has || sec.contains(key);
        series += has ? 1 : 0;
      }
      if (series > own) list.push_back({p + id, seconds, 1 + series, -1, {}, {}});
    }
  }
  return list;
}

void check_page(const json& page, const json& report) {
  const std::vector<Expected> want = expected_charts(report);
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(page["ready"], std::to_string(want.size()));
  const json& drawn = page["result"];
  ASSERT_EQ(drawn.size(), want.size()) << drawn;
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(want[i].id);
    EXPECT_EQ(drawn[i]["id"], want[i].id);
    EXPECT_GT(want[i].rows, 0u);
    EXPECT_EQ(drawn[i]["rows"].get<size_t>(), want[i].rows);
    EXPECT_EQ(drawn[i]["columns"].get<size_t>(), want[i].columns);
    EXPECT_GE(drawn[i]["canvas"].get<int>(), 1) << "drawn on a canvas";
    if (want[i].first_sum >= 0) {
      EXPECT_DOUBLE_EQ(drawn[i]["sums"][0].get<double>(), want[i].first_sum);
    }
    if (!want[i].labels.empty()) {
      EXPECT_EQ(drawn[i]["labels"], json(want[i].labels));
      EXPECT_EQ(drawn[i]["sums"], json(want[i].sums));
    }
  }
}

// The spec of chart `id` in a page's embedded data (html/html_page.cpp), or null.
json page_chart(const std::string& html, const std::string& id) {
  const std::string open = "id=\"stressql-data\">";
  const size_t from = html.find(open);
  if (from == std::string::npos) return nullptr;
  const size_t to = html.find("</script>", from);
  const json data = json::parse(html.substr(from + open.size(), to - from - open.size()), nullptr, false);
  if (data.is_discarded()) return nullptr;
  for (const json& c : data["charts"]) {
    if (c.value("id", "") == id) return c;
  }
  return nullptr;
}

class HtmlPageBrowserTest : public InfluxTest {};

TEST_F(HtmlPageBrowserTest, RunAndRebuiltReportPagesDrawEveryChartOfTheirJson) {
  // A ramp to 2000 points/s over 1 s, then 1 s at it: about two seconds of load.
  const std::string script = dir_.write("page.iql", R"(CREATE DATABASE page

SET Database [page]

SET BatchSize [100]

SET WriteRate [0 pts/s to 2000 pts/s over 1s]

GO INSERT cpu
cpu,host=h-[int inc(0) 10]
value=[int inc(0) 0]
3000 1s

SET QueryInterval [100ms]

GO QUERY cpu
SELECT last(value) FROM cpu WHERE %t
DO 10

WAIT
)");
  const std::string results = "http://" + server_->address();
  const std::string json_path = dir_.path() + "/run.json", html_path = dir_.path() + "/run.html";
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", results, "--json",
                              json_path, "--html", html_path, script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json report = json::parse(read_file(json_path));
  ASSERT_EQ(report["statements"][4]["kind"], "insert");
  ASSERT_TRUE(report["statements"][4].contains("rate"));
  EXPECT_EQ(report["statements"][4]["points"]["accepted"], 3000);
  const json page = load_page(html_path);
  check_page(page, report);
  const std::string html = read_file(html_path);
  EXPECT_NE(html.find(report["test_id"].get<std::string>()), std::string::npos) << "the header";
  EXPECT_NE(html.find("Resp Time p50 / p95 / p99"), std::string::npos) << "the numbers";

  const std::string test_id = report["test_id"];
  const std::string rebuilt_json = dir_.path() + "/rebuilt.json", rebuilt_html = dir_.path() + "/rebuilt.html";
  ProcessResult again = stressql({"report", test_id, "--results", results, "--json", rebuilt_json,
                                  "--html", rebuilt_html});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  const json rebuilt = json::parse(read_file(rebuilt_json));
  check_page(load_page(rebuilt_html), rebuilt);
}

TEST_F(HtmlPageBrowserTest, FailuresByClassFromTwoRealServersOnBothPages) {
  // Request i goes to address i mod 2: the even ones to influxd, which has no database
  // `nowhere` (404, not retried), the odd ones to nginx, whose limit_req admits 10 a second
  // (burst 1) and answers 503 beyond; 20 a second come, so about half fail after a retry.
  std::string error;
  auto sink = NginxSink::start({.refuse_over_per_sec = 10}, &error);
  ASSERT_TRUE(sink) << error;
  const std::string script = dir_.write("fail.iql", R"(SET Api [v1]

SET Database [nowhere]

SET BatchSize [10]

SET WriteRate [40 req/s]

INSERT cpu
cpu,host=h-[int inc(0) 10]
value=[int inc(0) 0]
1200 1s
)");
  const std::string results = "http://" + server_->address();
  const std::string json_path = dir_.path() + "/fail.json", html_path = dir_.path() + "/fail.html";
  ProcessResult r = stressql({"run", "--addresses", server_->address() + "|" + sink->address(), "--max-attempts",
                              "2", "--results", results, "--json", json_path, "--html", html_path, script});
  ASSERT_EQ(r.exit_code, 1) << "failed requests fail the run\n" << r.out << r.err;
  const json report = validated_report(json_path);
  const json& st = report["statements"].back();
  ASSERT_EQ(st["kind"], "insert");
  const json& failures = st["failures"];
  EXPECT_EQ(failures.size(), 2u) << failures;
  EXPECT_EQ(failures["http 404"], 60) << "every request to influxd";
  EXPECT_GT(failures["http 503"].get<int>(), 0) << failures;
  EXPECT_GT(st["requests"]["retries"].get<int>(), 0) << "503s are retried";

  // Each second's classes add up to its failures, and over the seconds to `Failures`.
  std::map<std::string, uint64_t> summed;
  for (const json& k : st["intervals"]) {
    uint64_t in_second = 0;
    for (const auto& [name, n] : k["failures_by_class"].items()) {
      in_second += n.get<uint64_t>();
      summed[name] += n.get<uint64_t>();
    }
    EXPECT_EQ(in_second, k["failures"].get<uint64_t>()) << k;
  }
  EXPECT_GE(st["intervals"].size(), 3u) << "120 requests at 40 a second";
  const auto in_failures = failures.get<std::map<std::string, uint64_t>>();
  EXPECT_EQ(summed, in_failures);

  // The `interval_failures` rows hold the same, a series per class.
  const std::string test_id = report["test_id"];
  HttpReply q = server_->query("SELECT sum(failures) FROM interval_failures WHERE test_id = '" + test_id +
                                   "' GROUP BY failure_class",
                               "_stressTest");
  ASSERT_EQ(q.status, 200) << q.body;
  std::map<std::string, uint64_t> in_rows;
  for (const json& series : json::parse(q.body)["results"][0].value("series", json::array())) {
    in_rows[series["tags"]["failure_class"]] = series["values"][0][1].get<uint64_t>();
  }
  EXPECT_EQ(in_rows, summed) << q.body;

  check_page(load_page(html_path), report);
  // `report --html` rebuilds the same intervals, so the same failures chart: its data in the
  // page is identical (the browser drawing a rebuilt page is the first test's).
  const std::string rebuilt_json = dir_.path() + "/rebuilt.json", rebuilt_html = dir_.path() + "/rebuilt.html";
  ProcessResult again = stressql({"report", test_id, "--results", results, "--json", rebuilt_json,
                                  "--html", rebuilt_html});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  const json rebuilt = validated_report(rebuilt_json);
  EXPECT_EQ(rebuilt["statements"].back()["intervals"], st["intervals"]);
  const json live_chart = page_chart(read_file(html_path), "s4-failures");
  ASSERT_TRUE(live_chart.is_object());
  EXPECT_EQ(page_chart(read_file(rebuilt_html), "s4-failures"), live_chart);
}

TEST_F(HtmlPageBrowserTest, MissingChartLibraryIsAUsageErrorBeforeAnythingIsSent) {
  const std::string script = dir_.write("lost.iql", "CREATE DATABASE lost\n");
  const std::string html_path = dir_.path() + "/lost.html";
  ProcessResult r = run_process({STRESSQL_BINARY, "run", "--addresses", server_->address(), "--results", "none",
                                 "--html", html_path, script},
                                std::chrono::seconds(60), "",
                                SpawnOptions{"", {"STRESSQL_CHART_LIBRARY=/nonexistent-stressql"}});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("/nonexistent-stressql/dygraph.min.js"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("libjs-dygraphs"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "") << "no report: nothing ran";
  HttpReply dbs = server_->query("SHOW DATABASES");
  ASSERT_EQ(dbs.status, 200) << dbs.body;
  EXPECT_EQ(dbs.body.find("lost"), std::string::npos) << "nothing was sent: " << dbs.body;
  EXPECT_EQ(read_file(html_path), "");
}

json find_max_step(int number, const char* phase, double target, double p50_ms, double p99_ms, double errors,
                   bool pass) {
  return {{"step", number},
          {"phase", phase},
          {"target", target},
          {"achieved", target * (1 - errors / 100)},
          {"pass", pass},
          {"why", pass ? "" : "breaks error_rate<=1%"},
          {"counted",
           {{"requests_ok", 1000},
            {"requests_failed", errors * 10},
            {"error_rate_percent", errors},
            {"sent_late", 0},
            {"p50_ns", p50_ms * 1e6},
            {"p99_ns", p99_ms * 1e6},
            {"max_ns", p99_ms * 2e6}}}};
}

// Sub-millisecond latencies under a 50 ms SLO, error rates up to 39.2914 % under a 1 % SLO.
TEST(FindMaxPageBrowserTest, ReadsLikeTheTerminalWithEverySloOnItsAxisAndRoundTicks) {
  const json steps = json::array({find_max_step(1, "double", 100, 0.11, 0.31, 0, true),
                                  find_max_step(2, "double", 200, 0.12, 0.42, 0, true),
                                  find_max_step(3, "double", 400, 0.14, 0.63, 0.5, true),
                                  find_max_step(4, "double", 800, 0.21, 0.87, 39.2914, false),
                                  find_max_step(5, "bisect", 600, 0.18, 0.71, 7.5, false),
                                  find_max_step(6, "confirm", 400, 0.15, 0.66, 0.4, true)});
  const json doc = {{"kind", "find-max"}, {"test_id", "fm-browser"}, {"unit", "req/s"},
                    {"slos", {"p99<=50ms", "error_rate<=1%"}}, {"start", 100}, {"max", 1600}, {"resolution", 0.1},
                    {"settings", {{"script", "w.iql"}, {"statement", "w"}}}, {"steps", steps},
                    {"result", {{"found", true}, {"rate", 400}}}};
  html::ChartLibrary library;
  const base::Status loaded = html::load_chart_library(html::kChartLibraryDir, &library);
  ASSERT_TRUE(loaded.is_ok()) << loaded.message();
  ScriptDir dir;
  const std::string path = dir.path() + "/find-max.html";
  ASSERT_TRUE(html::write_html_file(path, html::find_max_page(doc), library).is_ok());
  ProcessResult r = run_process(
      {"python3", std::string(STRESSQL_SOURCE_DIR) + "/scripts/headless-page", path, "--eval",
       "(function () { var c = window.stressqlCharts[0], g = c.graph;"
       " function texts(sel) { return Array.prototype.map.call(document.querySelectorAll(sel),"
       "   function (e) { return e.textContent; }); }"
       " return {lines: c.lines, y: texts('#find-max .dygraph-axis-label-y'), y2: texts('#find-max .dygraph-axis-label-y2'),"
       "   y_range: g.yAxisRange(0), y2_range: g.yAxisRange(1), head: texts('table.grid th'),"
       "   rows: texts('table.grid tr').length - 1, first: texts('table.grid tr:nth-child(5) td'),"
       "   marked: document.querySelectorAll('table.grid tr.marked').length}; })()",
       "--timeout", "90"},
      std::chrono::seconds(120));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json page = json::parse(r.out)["result"];
  // The steps as the terminal's table.
  EXPECT_EQ(page["head"], json({"Step", "Phase", "Target", "Achieved", "p50", "p99", "Errors", "Late", "Result"}));
  EXPECT_EQ(page["rows"], 6);
  EXPECT_EQ(page["first"], json({"4", "double", "800 req/s", "486 req/s", "210us", "870us", "39.3%", "0",
                                 "FAIL breaks error_rate<=1%"}));
  EXPECT_EQ(page["marked"], 2) << "the failed steps";
  // Round ticks on both axes: at most two decimals, never 39.2914 or 31.4331.
  ASSERT_GE(page["y"].size(), 2u) << page;
  ASSERT_GE(page["y2"].size(), 2u) << page;
  for (const char* axis : {"y", "y2"}) {
    for (const json& label : page[axis]) {
      const std::string t = label.get<std::string>();
      const size_t dot = t.find('.');
      EXPECT_TRUE(dot == std::string::npos || t.size() - dot - 1 <= 2) << axis << " tick " << t << "\n" << page;
    }
  }
  // The latency axis follows the sub-millisecond data; the 50 ms SLO is marked at its top.
  EXPECT_LT(page["y_range"][1].get<double>(), 1.0) << page;
  ASSERT_EQ(page["lines"].size(), 3u) << page;
  EXPECT_EQ(page["lines"][0]["label"], "SLO p99<=50ms");
  EXPECT_EQ(page["lines"][0]["axis"], "y");
  EXPECT_EQ(page["lines"][0]["edge"], "top");
  // The error-rate SLO is drawn on the error-rate axis, within it.
  EXPECT_EQ(page["lines"][1]["label"], "SLO error_rate<=1%");
  EXPECT_EQ(page["lines"][1]["axis"], "y2");
  EXPECT_TRUE(page["lines"][1]["edge"].is_null()) << page;
  EXPECT_GE(page["y2_range"][1].get<double>(), 39.2914);
}

}  // namespace
}  // namespace stressql::testing
