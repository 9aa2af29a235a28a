// `stressql find-max` end to end, with real servers: nginx with limit_req (bench/nginx-sink,
// SINK_LIMIT_RPS) admits exactly N requests a second and answers 503 beyond, so the knee is
// known; the real influxd for a whole search with setup statements, JSON and results rows.
// Steps are 1 s after 0.5 s of warm-up: these tests check the search and its output, not the
// precision of a capacity (bench/find_max_influx.sh measures that, and its repeatability).
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/cli/run_test_util.h"
#include "tests/support/fault_server.h"

namespace stressql::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kShortSteps[] = {"--step", "1s", "--warmup", "500ms", "--results", "none"};

std::vector<std::string> find_max_args(const std::string& script, std::vector<std::string> more) {
  std::vector<std::string> args{STRESSQL_BINARY, "find-max", script};
  args.insert(args.end(), std::begin(kShortSteps), std::end(kShortSteps));
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// The number in "Max sustainable rate:   300 req/s (...)", or -1.
double max_rate(const std::string& out) {
  std::string v = report_value(out, "Max sustainable rate:");
  if (v.empty() || !std::isdigit(static_cast<unsigned char>(v[0]))) return -1;
  return std::strtod(v.c_str(), nullptr);
}

// The find-max page (--html) loaded from file:// in headless Chromium (scripts/headless-page,
// as tests/cli/html_page_browser_test.cpp does): the chart's x values and p99 as drawn.
// headless-page fails on any console message, exception or request.
nlohmann::json load_find_max_page(const std::string& html) {
  static constexpr char kDrawn[] =
      "window.stressqlCharts.map(function (c) { var g = c.graph, x = [], p99 = [];"
      " for (var r = 0; r < g.numRows(); ++r) { x.push(g.getValue(r, 0)); p99.push(g.getValue(r, 2)); }"
      " return {id: c.id, columns: g.numColumns(), x: x, p99: p99}; })";
  ProcessResult r = run_process({"python3", STRESSQL_SOURCE_DIR "/scripts/headless-page", html, "--eval", kDrawn,
                                 "--timeout", "90"},
                                seconds(120));
  EXPECT_EQ(r.exit_code, 0) << "console messages, errors or requests, or never ready:\n" << r.out << r.err;
  nlohmann::json page = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(page.is_discarded()) << r.out << r.err;
  return page;
}

int step_lines(const std::string& out) {
  int n = 0;
  for (size_t at = 0; (at = out.find(" PASS", at)) != std::string::npos; ++at) ++n;
  for (size_t at = 0; (at = out.find(" FAIL", at)) != std::string::npos; ++at) ++n;
  return n;
}

TEST(FindMaxTest, FindsTheKneeOfAServerThatAdmitsNRequestsASecond) {
  ScriptDir dir;
  std::string script = dir.write("w.iql", "SET BatchSize [10]\n\nINSERT w\nw,host=h-[int inc(0) 10]\nv=[int inc(0) 0]\n100 1s\n");
  constexpr double kCapacity = 300;  // req/s, nginx limit_req
  // nginx-sink runs the command with SINK_PORT set; bash puts the address on the command line.
  std::vector<std::string> args = {STRESSQL_SOURCE_DIR "/bench/nginx-sink", "bash", "-c",
          "exec \"$@\" --addresses 127.0.0.1:$SINK_PORT", "find-max"};
  const std::string json_path = dir.path() + "/knee.json", html_path = dir.path() + "/knee.html";
  for (const std::string& a : find_max_args(script, {"--slo", "error_rate<=1%", "--slo", "p99<=2s", "--start",
                                                      "100 req/s", "--max", "1600 req/s", "--resolution", "10%",
                                                      "--json", json_path, "--html", html_path})) {
    args.push_back(a);
  }
  ProcessResult r = run_process(args, seconds(120), "",
                                SpawnOptions{.cwd = "", .env = {"SINK_LIMIT_RPS=300", "SINK_LIMIT_BURST=30"}});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  double found = max_rate(r.out);
  EXPECT_GE(found, kCapacity * 0.9) << r.out;
  EXPECT_LE(found, kCapacity * 1.1) << r.out;
  // Failing steps say which SLO broke.
  EXPECT_NE(r.out.find("FAIL error_rate"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("breaks error_rate<=1%"), std::string::npos) << r.out;
  EXPECT_GE(step_lines(r.out), 4) << r.out;
  // About 300 requests in a 1 s step: the p99 rests on 3 of them, and the answer says so.
  EXPECT_NE(r.out.find("so its p99 rests on the "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("use --step 10s or longer (20 requests beyond the p99)"), std::string::npos) << r.out;

  // The page draws one point per step of the JSON, at its target rate, with its p99.
  const nlohmann::json doc = nlohmann::json::parse(read_file(json_path));
  EXPECT_NE(r.out.find("  " + doc["result"]["note"].get<std::string>() + "\n"), std::string::npos) << doc["result"];
  std::multimap<double, double> want;  // target → p99 in ms; the page orders steps by rate
  for (const auto& s : doc["steps"]) {
    const auto& c = s["counted"];
    want.emplace(s["target"].get<double>(), c["requests_ok"].get<double>() > 0 ? c["p99_ns"].get<double>() / 1e6 : -1);
  }
  ASSERT_EQ(want.size(), size_t(step_lines(r.out)));
  const nlohmann::json page = load_find_max_page(html_path);
  EXPECT_EQ(page["ready"], "1") << page;
  const nlohmann::json& drawn = page["result"];
  ASSERT_EQ(drawn.size(), 1u) << page;
  EXPECT_EQ(drawn[0]["id"], "find-max");
  EXPECT_EQ(drawn[0]["columns"], 4) << "x, p50, p99, error rate";
  ASSERT_EQ(drawn[0]["x"].size(), want.size()) << drawn;
  size_t i = 0;
  for (const auto& [target, p99] : want) {
    EXPECT_DOUBLE_EQ(drawn[0]["x"][i].get<double>(), target) << i;
    if (p99 >= 0) {
      EXPECT_NEAR(drawn[0]["p99"][i].get<double>(), p99, 1e-9 * p99) << i;
    }
    ++i;
  }
  const std::string html = read_file(html_path);
  EXPECT_NE(html.find(doc["test_id"].get<std::string>()), std::string::npos) << "the header";
  EXPECT_NE(html.find("p99&lt;=2s"), std::string::npos) << "the SLOs";
}

class FindMaxInfluxTest : public InfluxTest {};

TEST_F(FindMaxInfluxTest, SearchesWithSetupJsonAndResultsRows) {
  std::string script = dir_.write("fm.iql", R"(DROP DATABASE fm

CREATE DATABASE fm

SET Database [fm]

SET BatchSize [50]

INSERT other
other,host=a v=1i
10 1s

INSERT cpu
cpu,host=server-[int inc(0) 10]
value=[float rand(100) 0]
1000 1s
)");
  std::string json = dir_.path() + "/fm.json";
  // What is under test is the search around the statement (its setup, steps, --max, JSON
  // and rows), not influxd's latency: the p99 bound is one influxd meets however busy the
  // machine (500 ms failed a step once under TSan on 2 busy cores).
  ProcessResult r = stressql({"find-max", script, "--statement", "cpu", "--slo", "p99<=5s", "--slo",
                              "error_rate<=1%", "--start", "500 pts/s", "--max", "2000 pts/s", "--step",
                              "1s", "--warmup", "500ms", "--json", json, "--addresses", server_->address(),
                              "--results", "http://" + server_->address()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // 500, 1000, 2000 pass (--max), then the confirmation at 2000.
  EXPECT_EQ(max_rate(r.out), 2000) << r.out;
  EXPECT_NE(r.out.find("--max reached"), std::string::npos) << r.out;
  EXPECT_EQ(step_lines(r.out), 4) << r.out;
  // DROP/CREATE ran before every step: the database holds the last step's points only,
  // 2000 pts/s for 1.5 s; the INSERT before `cpu` did not run.
  EXPECT_EQ(server_->count_points("fm", "cpu", "value"), 3000);
  EXPECT_EQ(server_->count_points("fm", "other", "v"), 0);

  nlohmann::json j = nlohmann::json::parse(read_file(json));
  ASSERT_EQ(j["steps"].size(), 4u);
  EXPECT_EQ(j["result"]["found"], true);
  EXPECT_EQ(j["result"]["rate"], 2000);
  const std::string test_id = j["test_id"];
  std::vector<double> targets;
  for (const auto& s : j["steps"]) {
    targets.push_back(s["target"]);
    EXPECT_EQ(s["pass"], true);
    const auto& st = s["run"]["statements"];
    ASSERT_FALSE(st.empty());
    EXPECT_GE(st.back()["intervals"].size(), 1u) << s.dump();
    EXPECT_EQ(s["run"]["test_id"], test_id);
  }
  EXPECT_EQ(targets, (std::vector<double>{500, 1000, 2000, 2000}));

  // One test ID for the search, a step tag per step.
  HttpReply q = server_->query("SELECT count(\"points\") FROM \"write\" WHERE test_id='" + test_id +
                                   "' GROUP BY step",
                               "_stressTest");
  ASSERT_EQ(q.status, 200) << q.body;
  nlohmann::json series = nlohmann::json::parse(q.body)["results"][0]["series"];
  std::set<std::string> steps;
  for (const auto& s : series) steps.insert(s["tags"]["step"].get<std::string>());
  EXPECT_EQ(steps, (std::set<std::string>{"1", "2", "3", "4"})) << q.body;
}

TEST(FindMaxTest, UsageErrorsExitTwoBeforeAnythingIsSent) {
  // A listener that counts connections: only a server of our own can say nobody came.
  FaultServer server([](const FaultRequest&) { return FaultReply{FaultReply::Mode::kNormal, FaultServer::response(204)}; });
  std::string error;
  ASSERT_TRUE(server.start(0, &error)) << error;
  ScriptDir dir;
  std::string script = dir.write("ok.iql", "CREATE DATABASE x\n\nINSERT cpu\ncpu v=1i\n10 1s\n");
  std::string no_insert = dir.write("q.iql", "CREATE DATABASE x\n\nINSERT cpu\ncpu v=1i\n10 1s\n\nQUERY cpu\nSELECT 1\nDO 1\n");
  std::string only_query = dir.write("none.iql", "CREATE DATABASE x\n\nSHOW DATABASES\n");
  const std::map<std::string, std::vector<std::string>> cases = {
      {"p99<=", {script, "--slo", "p99<=", "--addresses", server.address()}},
      {"statement under search", {script, "--slo", "cpu.p99<=1s", "--addresses", server.address()}},
      {"has no INSERT", {only_query, "--slo", "p99<=1s", "--addresses", server.address()}},
      {"no INSERT named 'cpx'", {no_insert, "--slo", "p99<=1s", "--statement", "cpx", "--addresses", server.address()}},
      {"--start", {script, "--slo", "p99<=1s", "--start", "5 MB/s", "--addresses", server.address()}},
      {"--max", {script, "--slo", "p99<=1s", "--start", "5 pts/s", "--max", "9 req/s", "--addresses", server.address()}},
      {"--resolution", {script, "--slo", "p99<=1s", "--resolution", "0%", "--addresses", server.address()}},
      {"0.5% is finer than a step can measure: at least 1%",
       {script, "--slo", "p99<=1s", "--resolution", "0.5%", "--addresses", server.address()}},
      {"--max-steps: expected a whole number from 1 to 1000",
       {script, "--slo", "p99<=1s", "--max-steps", "0", "--addresses", server.address()}},
      {"--step", {script, "--slo", "p99<=1s", "--step", "soon", "--addresses", server.address()}},
      {"at least one SLO", {script, "--addresses", server.address()}},
  };
  for (const auto& [expected, more] : cases) {
    std::vector<std::string> args{"find-max"};
    args.insert(args.end(), more.begin(), more.end());
    ProcessResult r = stressql(args, seconds(30));
    EXPECT_EQ(r.exit_code, 2) << expected << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << expected << "\n" << r.err;
  }
  // --html without the chart library: no search is wasted on a page that cannot be made.
  ProcessResult r = run_process({STRESSQL_BINARY, "find-max", script, "--slo", "p99<=1s", "--html",
                                 dir.path() + "/lost.html", "--addresses", server.address()},
                                seconds(30), "", SpawnOptions{"", {"STRESSQL_CHART_LIBRARY=/nonexistent-stressql"}});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("/nonexistent-stressql/dygraph.min.js"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(server.connections(), 0u);
}

TEST(FindMaxTest, ADeadServerEndsWithExitOneAndSaysWhy) {
  ScriptDir dir;
  const std::string address = "127.0.0.1:" + std::to_string(free_port());
  std::string setup = dir.write("setup.iql", "CREATE DATABASE x\n\nINSERT cpu\ncpu v=1i\n10 1s\n");
  ProcessResult r = stressql({"find-max", setup, "--slo", "p99<=1s", "--step", "1s", "--warmup", "0s",
                              "--results", "none", "--addresses", address}, seconds(60));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("unknown: step 1 stopped the search: the setup failed: influxql 'CREATE DATABASE x'"),
            std::string::npos) << r.out;
  std::string bare = dir.write("bare.iql", "INSERT cpu\ncpu v=1i\n10 1s\n");
  r = stressql({"find-max", bare, "--slo", "p99<=1s", "--step", "1s", "--warmup", "0s", "--results", "none",
                "--addresses", address}, seconds(60));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("none: even the first step (1000 pts/s) failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no request succeeded (connect: ECONNREFUSED)"), std::string::npos) << r.out;
}

TEST(FindMaxTest, CtrlCPrintsTheStepsSoFar) {
  ScriptDir dir;
  std::string script = dir.write("w.iql", "INSERT w\nw,host=h-[int inc(0) 10]\nv=1i\n100 1s\n");
  Child c;
  std::string error;
  ASSERT_TRUE(c.start({STRESSQL_SOURCE_DIR "/bench/nginx-sink", "bash", "-c",
                       "exec \"$@\" --addresses 127.0.0.1:$SINK_PORT", "find-max", STRESSQL_BINARY, "find-max",
                       script, "--slo", "p99<=1s", "--start", "200 pts/s", "--warmup", "0s", "--step", "60s",
                       "--results", "none", "--html", dir.path() + "/stopped.html"},
                      &error))
      << error;
  // The first step (60 s) is under way once the table's header is out.
  auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (c.out().find("Result") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  ASSERT_NE(c.out().find("Result"), std::string::npos) << c.err();
  ::kill(-c.pid(), SIGINT);  // the process group: nginx-sink forwards nothing itself
  ASSERT_TRUE(c.wait(seconds(30))) << c.out();
  EXPECT_EQ(c.exit_code(), 1) << c.out() << c.err();
  EXPECT_NE(c.out().find("FAIL interrupted"), std::string::npos) << c.out();
  EXPECT_EQ(report_value(c.out(), "Max sustainable rate:").rfind("unknown: interrupted after 1 step(s)", 0), 0u)
      << c.out();
  // The page is written too, with the step so far.
  const std::string html = read_file(dir.path() + "/stopped.html");
  EXPECT_NE(html.find("data-kind=\"find-max\""), std::string::npos);
  EXPECT_NE(html.find("unknown: interrupted"), std::string::npos);
  EXPECT_NE(html.find("FAIL interrupted"), std::string::npos);
}

}  // namespace
}  // namespace stressql::testing
