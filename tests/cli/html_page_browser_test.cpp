// `--html` in a real browser: a short rated INSERT and a QUERY against a real influxd with
// --json and --html, then `stressql report TEST_ID --html`; each page is loaded from
// file:// in headless Chromium (Debian's chromium, driven by scripts/headless-page over the
// DevTools pipe, no network) until <body data-ready>. Every chart the JSON calls for is
// drawn with exactly the JSON's points, no console message, exception, warning or request.
#include <nlohmann/json.hpp>

#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

using nlohmann::json;

// What the page drew: per chart its id, rows, columns (x included) and the sum of its
// first series (requests/s, p50, …) as Dygraph holds them.
constexpr char kDrawn[] =
    "window.stressqlCharts.map(function (c) { var g = c.graph, sum = 0;"
    " for (var r = 0; r < g.numRows(); ++r) sum += g.getValue(r, 1) || 0;"
    " return {id: c.id, rows: g.numRows(), columns: g.numColumns(), first_sum: sum,"
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
  double first_sum = 0;
};

// The charts a run page must hold for this JSON report (reporting/html_report.h).
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
    double requests = 0, failures = 0;
    for (const json& k : st["intervals"]) {
      requests += k["requests"].get<double>();
      failures += k["failures"].get<double>();
    }
    list.push_back({p + "throughput", seconds, 2u + rated + (kind == "insert"), requests});
    list.push_back({p + "latency", seconds, 4u + 3 * rated, -1});
    list.push_back({p + "spectrum", st["latency_spectrum"]["percentiles"].size(), 2u + rated, -1});
    list.push_back({p + "failures", seconds, 3, failures});
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
      EXPECT_DOUBLE_EQ(drawn[i]["first_sum"].get<double>(), want[i].first_sum);
    }
  }
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

}  // namespace
}  // namespace stressql::testing
