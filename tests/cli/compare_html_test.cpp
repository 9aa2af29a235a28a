// `compare --html` in a real browser, from saved JSON reports (compare reads only those, so
// no server is needed): reports of a known shape, made here from a seeded generator, in each
// form compare accepts (single runs, and a --repeat file). Each page is loaded from file://
// in headless Chromium (scripts/headless-page, as tests/cli/html_page_browser_test.cpp does)
// until <body data-ready>: a chart per compared statement with a point per metric row of the
// --json document, new drawn at 100·(1 + change), the regression marked, no console message,
// exception or request. A missing chart library is exit 2 with nothing compared.
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

// One INSERT (or QUERY) of `seconds` full seconds at about `points` points a second and p99
// about `p99_ms`, ±2 % per second from `rng`.
json statement(const std::string& kind, const std::string& name, int secs, double points, double p99_ms,
               std::mt19937* rng) {
  std::uniform_real_distribution<double> wobble(0.98, 1.02);
  json intervals = json::array();
  double requests_total = 0;
  for (int i = 0; i < secs; ++i) {
    const double accepted = std::round(points * wobble(*rng)), p99 = p99_ms * 1e6 * wobble(*rng);
    requests_total += accepted / 10;
    intervals.push_back({{"second", i},
                         {"requests", accepted / 10},
                         {"points_accepted", kind == "insert" ? accepted : 0},
                         {"failures", 0},
                         {"retries", 0},
                         {"latency_from_due_ns", {{"p50", p99 / 2}, {"p99", p99}, {"max", 2 * p99}}}});
  }
  const double duration_ns = secs * 1e9;
  return {{"kind", kind},
          {"name", name},
          {"ran", true},
          {"duration_ns", duration_ns},
          {"requests", {{"ok", requests_total}, {"failed", 0}, {"retries", 0}}},
          {"latency_ns",
           {{"count", requests_total}, {"mean", p99_ms * 5e5}, {"p50", p99_ms * 5e5}, {"p95", p99_ms * 9e5},
            {"p99", p99_ms * 1e6}, {"p999", p99_ms * 1.2e6}, {"max", p99_ms * 2e6}}},
          {"points_per_second", kind == "insert" ? requests_total * 10 * 1e9 / duration_ns : 0.0},
          {"intervals", intervals}};
}

json report(const std::string& test_id, int secs, double points, std::mt19937* rng) {
  return {{"schema", "stressql-report"},
          {"test_id", test_id},
          {"options", {{"script_sha256", "feed"}}},
          {"statements",
           {statement("insert", "cpu", secs, points, 5, rng), statement("query", "last", secs, 50, 20, rng)}}};
}

// Per chart: its id, rows, columns and new's y per row as drawn, and marked_x of its spec.
constexpr char kDrawn[] =
    "(function () { var specs = JSON.parse(document.getElementById('stressql-data').textContent).charts;"
    " return window.stressqlCharts.map(function (c, i) { var g = c.graph, next = [];"
    " for (var r = 0; r < g.numRows(); ++r) { var v = g.getValue(r, 2); next.push(Array.isArray(v) ? v[1] : v); }"
    " return {id: c.id, rows: g.numRows(), columns: g.numColumns(), next: next, marked: specs[i].marked_x,"
    " canvas: document.getElementById(c.id).querySelectorAll('canvas').length}; }); })()";

class CompareHtmlTest : public ::testing::Test {
 protected:
  // Runs compare with --json and --html; returns its exit status.
  int compare(const std::string& base, const std::string& next) {
    ProcessResult r = stressql({"compare", base, next, "--json", json_path_, "--html", html_path_}, seconds(60));
    EXPECT_TRUE(r.err.empty()) << r.err;
    return r.exit_code;
  }

  // Loads the page and checks it against the --json document; returns what it drew.
  json check_page() {
    ProcessResult r = run_process({"python3", STRESSQL_SOURCE_DIR "/scripts/headless-page", html_path_, "--eval",
                                   kDrawn, "--timeout", "90"},
                                  seconds(120));
    EXPECT_EQ(r.exit_code, 0) << "console messages, errors or requests, or never ready:\n" << r.out << r.err;
    const json page = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(page.is_discarded()) << r.out << r.err;
    if (page.is_discarded()) return json::array();
    const json doc = json::parse(read_file(json_path_));
    std::vector<std::string> statements;
    for (const json& row : doc["rows"]) {
      if (std::find(statements.begin(), statements.end(), row["statement"]) == statements.end()) {
        statements.push_back(row["statement"]);
      }
    }
    EXPECT_EQ(page["ready"], std::to_string(statements.size()));
    const json& drawn = page["result"];
    EXPECT_EQ(drawn.size(), statements.size()) << drawn;
    for (size_t i = 0; i < statements.size() && i < drawn.size(); ++i) {
      SCOPED_TRACE(statements[i]);
      EXPECT_EQ(drawn[i]["id"], "compare-" + std::to_string(i));
      EXPECT_EQ(drawn[i]["columns"], 3) << "metric, base, new";
      EXPECT_GE(drawn[i]["canvas"].get<int>(), 1);
      size_t n = 0;
      for (const json& row : doc["rows"]) {
        if (row["statement"] != statements[i]) continue;
        const json& y = drawn[i]["next"][n];
        if (row["change"].is_number()) {
          EXPECT_NEAR(y.get<double>(), 100 * (1 + row["change"].get<double>()), 1e-9) << row["metric"];
        }
        const bool marked = std::find(drawn[i]["marked"].begin(), drawn[i]["marked"].end(), json(n)) !=
                            drawn[i]["marked"].end();
        EXPECT_EQ(marked, row["regression"].get<bool>()) << row["metric"];
        ++n;
      }
      EXPECT_EQ(drawn[i]["rows"].get<size_t>(), n);
    }
    return drawn;
  }

  ScriptDir dir_;
  std::mt19937 rng_{17};
  const std::string json_path_ = dir_.path() + "/compare.json", html_path_ = dir_.path() + "/compare.html";
};

TEST_F(CompareHtmlTest, AThroughputRegressionIsDrawnAndMarked) {
  const std::string base = dir_.write("base.json", report("00000000000000b1", 10, 1000, &rng_).dump());
  const std::string next = dir_.write("new.json", report("00000000000000a1", 10, 700, &rng_).dump());
  ASSERT_EQ(compare(base, next), 3);
  const json doc = json::parse(read_file(json_path_));
  int regressions = 0;
  for (const json& row : doc["rows"]) regressions += row["regression"].get<bool>();
  ASSERT_EQ(regressions, 2) << "cpu's points_per_sec and requests_per_sec: " << doc.dump(1);
  const json drawn = check_page();
  ASSERT_EQ(drawn.size(), 2u) << "cpu and last";
  EXPECT_EQ(drawn[0]["marked"], json::array({0, 1}));
  const std::string html = read_file(html_path_);
  EXPECT_NE(html.find("00000000000000b1"), std::string::npos) << "the header names the runs";
  EXPECT_NE(html.find("REGRESSION beyond 5%: cpu points_per_sec -"), std::string::npos);
  size_t marked_rows = 0;
  for (size_t at = 0; (at = html.find("<tr class=\"marked\">", at)) != std::string::npos; ++at) ++marked_rows;
  EXPECT_EQ(marked_rows, 4u) << "each regression in the Regressions table and in its statement's";
}

TEST_F(CompareHtmlTest, RepeatsAgainstASingleRunWithoutAnInterval) {
  // NEW ran one second: too few values for any interval, and the page says so; with nothing
  // judged the comparison has not passed.
  json repeats = {{"schema", "stressql-repeats"}, {"runs", json::array()}};
  for (int i = 0; i < 4; ++i) repeats["runs"].push_back(report("000000000000000" + std::to_string(i), 3, 1000, &rng_));
  const std::string base = dir_.write("repeats.json", repeats.dump());
  const std::string next = dir_.write("short.json", report("00000000000000c1", 1, 1000, &rng_).dump());
  ASSERT_EQ(compare(base, next), 3);
  const json drawn = check_page();
  EXPECT_EQ(drawn.size(), 2u);
  const std::string html = read_file(html_path_);
  EXPECT_NE(html.find("4 repeats, test IDs 0000000000000000, 0000000000000001"), std::string::npos);
  EXPECT_NE(html.find("too few values for a 95 % interval"), std::string::npos);
  EXPECT_NE(html.find("No interval (not tested, see Verdict) for"), std::string::npos);
  EXPECT_NE(html.find("FAIL: nothing could be judged in points_per_sec,requests_per_sec,p99,error_rate"),
            std::string::npos);
  EXPECT_NE(html.find("<td>To judge</td><td>run each side with --repeat 4"), std::string::npos);
}

// % of base on a log axis: one +43 606 % change does not flatten a +30 % one into the base
// line (on a linear axis it would lie under a pixel from it), and a -99.5 % change is still
// drawn above 0.
TEST_F(CompareHtmlTest, ALogRatioAxisKeepsSmallChangesVisible) {
  json base = report("00000000000000b1", 10, 1000, &rng_), next = report("00000000000000a1", 10, 1300, &rng_);
  // NEW's p99 436× base's (every second), its QUERY's per-second rate 0.5 % of base's.
  for (json& k : next["statements"][0]["intervals"]) k["latency_from_due_ns"]["p99"] = k["latency_from_due_ns"]["p99"].get<double>() * 437.06;
  for (json& k : next["statements"][1]["intervals"]) k["requests"] = k["requests"].get<double>() * 0.005;
  next["statements"][1]["requests"]["ok"] = next["statements"][1]["requests"]["ok"].get<double>() * 0.005;
  const std::string b = dir_.write("base.json", base.dump()), n = dir_.write("new.json", next.dump());
  ASSERT_EQ(compare(b, n), 3);
  ProcessResult r = run_process(
      {"python3", STRESSQL_SOURCE_DIR "/scripts/headless-page", html_path_, "--eval",
       "window.stressqlCharts.map(function (c) { var g = c.graph, out = [];"
       " for (var i = 0; i < g.numRows(); ++i) { var v = g.getValue(i, 2); v = Array.isArray(v) ? v : [v, v, v];"
       "  out.push({base: g.toDomYCoord(100), y: g.toDomYCoord(v[1]), low: v[0], high: v[2]}); }"
       " return {log: g.getOptionForAxis('logscale', 'y'), rows: out}; })",
       "--timeout", "90"},
      seconds(120));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json page = json::parse(r.out);
  const json& cpu = page["result"][0];
  EXPECT_TRUE(cpu["log"].get<bool>());
  // Row 0: points_per_sec +30 %; row 5: p99 +43 606 %. 30 % is a visible step from 100.
  EXPECT_GE(cpu["rows"][0]["base"].get<double>() - cpu["rows"][0]["y"].get<double>(), 4) << cpu;
  EXPECT_LT(cpu["rows"][5]["y"].get<double>(), cpu["rows"][0]["y"].get<double>()) << cpu;
  // The QUERY's requests_per_sec, -99.5 %: drawn, its interval above 0.
  const json& last = page["result"][1];
  EXPECT_GT(last["rows"][0]["low"].get<double>(), 0) << last;
  EXPECT_LT(last["rows"][0]["high"].get<double>(), 1.5) << last;
}

TEST_F(CompareHtmlTest, MissingChartLibraryIsAUsageErrorBeforeAnythingIsCompared) {
  const std::string base = dir_.write("base.json", report("00000000000000b1", 2, 1000, &rng_).dump());
  ProcessResult r = run_process({STRESSQL_BINARY, "compare", base, base, "--html", html_path_}, seconds(60), "",
                                SpawnOptions{"", {"STRESSQL_CHART_LIBRARY=/nonexistent-stressql"}});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("/nonexistent-stressql/dygraph.min.js"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "") << "nothing compared";
  EXPECT_EQ(read_file(html_path_), "");
}

}  // namespace
}  // namespace stressql::testing
