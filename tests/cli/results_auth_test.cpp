// The results server with credentials (docs/servers-and-apis.md#results-servers): uploads,
// shard barriers, `report TEST_ID` and `compare ID ID` all speak to it the one way, as a
// user with a password of a real influxd with auth-enabled = true. v2 and v3 servers are
// not packaged for Debian: for them a recording FaultServer shows the token each request
// carries (the only way to see the header; a real 2.x/3.x would just answer 401).
#include <mutex>
#include <nlohmann/json.hpp>

#include "tests/cli/fault_test_util.h"
#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

constexpr char kAdmin[] = "admin";
constexpr char kPassword[] = "pa:ss w\xC3\xB6rd";
// compare takes a test ID as 16 hex digits.
constexpr char kIdA[] = "00000000000a0a0a";
constexpr char kIdB[] = "00000000000b0b0b";

class ResultsAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InfluxServer::Options o;
    o.admin_user = kAdmin;
    o.admin_password = kPassword;
    std::string error;
    server_ = InfluxServer::start(o, &error);
    ASSERT_TRUE(server_) << error;
    ASSERT_EQ(server_->query("CREATE DATABASE load").status, 200);
    script_ = dir_.write("a.iql", "SET Database [load]\n\nSET BatchSize [10]\n\nINSERT cpu\n"
                                  "cpu,host=h-[int inc(0) 5]\nvalue=[int inc(0) 0]\n100 1s\n");
  }
  // stressql with the load's and the results server's passwords in the environment.
  ProcessResult run(std::vector<std::string> args, bool results_password = true) {
    args.insert(args.begin(), STRESSQL_BINARY);
    SpawnOptions spawn;
    spawn.env = {std::string("STRESSQL_PASSWORD=") + kPassword};
    if (results_password) spawn.env.push_back(std::string("STRESSQL_RESULTS_PASSWORD=") + kPassword);
    return run_process(args, std::chrono::seconds(60), "", spawn);
  }
  std::vector<std::string> load_args(const std::string& test_id) {
    return {"run", "--addresses", server_->address(), "--username", kAdmin, "--test-id", test_id,
            "--results", "http://" + server_->address(), "--results-user", kAdmin};
  }
  std::unique_ptr<InfluxServer> server_;
  ScriptDir dir_;
  std::string script_;
};

TEST_F(ResultsAuthTest, RunReportAndCompareLogInToTheResultsServer) {
  std::vector<std::string> a = load_args(kIdA);
  a.push_back(script_);
  ProcessResult r = run(a);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(report_value(r.out, "Results:").find(" rows in _stressTest on " + server_->address()),
            std::string::npos)
      << r.out;
  EXPECT_EQ(server_->count_points("load", "cpu", "value"), 100);
  EXPECT_EQ(server_->count_points("_stressTest", "write", "status_code"), 10);
  std::vector<std::string> b = load_args(kIdB);
  b.push_back(script_);
  ASSERT_EQ(run(b).exit_code, 0);

  ProcessResult report = run({"report", kIdA, "--results", "http://" + server_->address(),
                              "--results-user", kAdmin});
  ASSERT_EQ(report.exit_code, 0) << report.out << report.err;
  EXPECT_EQ(report_value(report.out, "  Points Requested:"), "100") << report.out;

  // The password may come from a file too, and compare reads both test IDs with it.
  const std::string pw_file = dir_.write("pw", std::string(kPassword) + "\n");
  ProcessResult compare = run({"compare", kIdA, kIdB, "--results", "http://" + server_->address(),
                               "--results-user", kAdmin, "--results-password-file", pw_file},
                              false);
  // Read with the credentials: both runs are in the table. One short run a side leaves
  // nothing that can be judged, which compare says with exit 3 (docs/ci-gating.md).
  ASSERT_EQ(compare.exit_code, 3) << compare.out << compare.err;
  EXPECT_NE(compare.out.find("Compare: BASE " + std::string(kIdA) + " → NEW " + kIdB), std::string::npos)
      << compare.out;
  EXPECT_NE(compare.out.find("cpu"), std::string::npos) << compare.out;
  for (const ProcessResult* p : {&r, &report, &compare}) {
    EXPECT_EQ((p->out + p->err).find(kPassword), std::string::npos);
  }
}

TEST_F(ResultsAuthTest, WithoutCredentialsTheServerSaysWhyInOneLine) {
  ProcessResult report = run({"report", "nothing", "--results", "http://" + server_->address()}, false);
  EXPECT_EQ(report.exit_code, 1) << report.out << report.err;
  EXPECT_NE(report.err.find("cannot read results from " + server_->address() + ": HTTP 401: "),
            std::string::npos)
      << report.err;
  // A user in the URL is a user: its password is never printed.
  ProcessResult wrong = run({"report", "nothing", "--results",
                             "http://admin:wrong-pw-77@" + server_->address()},
                            false);
  EXPECT_EQ(wrong.exit_code, 1) << wrong.err;
  EXPECT_NE(wrong.err.find("HTTP 401: "), std::string::npos) << wrong.err;
  EXPECT_EQ((wrong.out + wrong.err).find("wrong-pw-77"), std::string::npos) << wrong.err;
}

// A user and password in the --results URL log in too; the JSON report, the text and the
// rows name the server without them.
TEST_F(ResultsAuthTest, AUrlWithUserinfoLogsInAndIsNeverWrittenWithIt) {
  const std::string url = "http://" + std::string(kAdmin) + ":" + url_escape(kPassword) + "@" + server_->address();
  const std::string json = dir_.path() + "/r.json";
  ProcessResult r = run({"run", "--addresses", server_->address(), "--username", kAdmin, "--test-id", "auth-url",
                         "--results", url, "--json", json, script_},
                        false);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->count_points("_stressTest", "write", "status_code"), 10);
  auto j = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(j["options"]["results"], "http://" + server_->address());
  EXPECT_EQ((r.out + r.err + read_file(json)).find(url_escape(kPassword)), std::string::npos);
  HttpReply rows = server_->query("SELECT * FROM /.*/ WHERE test_id = 'auth-url'", "_stressTest");
  EXPECT_EQ(rows.body.find(url_escape(kPassword)), std::string::npos);
  EXPECT_EQ(rows.body.find(kPassword), std::string::npos);
}

TEST_F(ResultsAuthTest, TwoShardsMeetOnAnAuthenticatedResultsServer) {
  std::vector<std::unique_ptr<Child>> shards;
  for (int i = 0; i < 2; ++i) {
    std::vector<std::string> a = load_args("auth-shards");
    a.insert(a.begin(), STRESSQL_BINARY);
    for (const char* s : {"--shard", i == 0 ? "0/2" : "1/2", "--barrier-timeout", "30s"}) a.push_back(s);
    a.push_back(script_);
    shards.push_back(std::make_unique<Child>());
    std::string error;
    SpawnOptions spawn;
    spawn.env = {std::string("STRESSQL_PASSWORD=") + kPassword,
                 std::string("STRESSQL_RESULTS_PASSWORD=") + kPassword};
    ASSERT_TRUE(shards.back()->start(a, &error, "", spawn)) << error;
  }
  for (auto& c : shards) {
    ASSERT_TRUE(c->wait(std::chrono::seconds(60)));
    EXPECT_EQ(c->exit_code(), 0) << c->out() << c->err();
  }
  EXPECT_EQ(server_->count_points("load", "cpu", "value"), 100);
  EXPECT_EQ(server_->count_points("_stressTest", "barrier", "shards"), 4);  // start, end
}

// A recorder stands in for 2.x and 3.x (see the top of the file).
class Recorder {
 public:
  explicit Recorder(std::string version)
      : version_(std::move(version)), server_([this](const FaultRequest& r) {
          std::lock_guard<std::mutex> lock(mu_);
          if (r.target == "/ping") return reply(204, "", "X-Influxdb-Version: " + version_ + "\r\n");
          if (r.target == "/metrics" || r.target == "/debug/vars") return reply(404);  // SET ServerMetrics' reads
          seen_.push_back(r);
          if (r.target.find("query") != std::string::npos) return reply(200, R"({"results":[{"statement_id":0}]})");
          return reply(204);
        }) {
    server_.pass_ping_to_handler();
    std::string error;
    EXPECT_TRUE(server_.start(0, &error)) << error;
  }
  std::vector<FaultRequest> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  std::string url() const { return "http://" + server_.address(); }
  std::string address() const { return server_.address(); }

 private:
  std::string version_;
  std::mutex mu_;
  std::vector<FaultRequest> seen_;
  FaultServer server_;
};

TEST(ResultsTokenTest, V2RowsAndV3ReadsCarryTheResultsTokenFromTheEnvironment) {
  Recorder target("1.8.10"), v2("v2.7.4"), v3("3.0.1");
  ScriptDir dir;
  const std::string script = dir.write("t.iql", "INSERT cpu\ncpu,host=h\nvalue=[int inc(0) 0]\n10 1s\n");
  SpawnOptions spawn;
  spawn.env = {"STRESSQL_RESULTS_TOKEN=res-tok-42", "STRESSQL_TOKEN=load-tok-13"};
  ProcessResult r = run_process({STRESSQL_BINARY, "run", "--addresses", target.address(), "--results",
                                 v2.url(), "--org", "my org", script},
                                std::chrono::seconds(60), "", spawn);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<FaultRequest> rows = v2.seen();
  ASSERT_FALSE(rows.empty());
  for (const FaultRequest& q : rows) {
    EXPECT_EQ(q.target, "/api/v2/write?org=my%20org&bucket=_stressTest&precision=ns");
    EXPECT_NE(q.headers.find("Authorization: Token res-tok-42\r\n"), std::string::npos) << q.headers;
    EXPECT_EQ(q.headers.find("load-tok-13"), std::string::npos);
  }
  ProcessResult report = run_process({STRESSQL_BINARY, "report", "0123456789abcdef", "--results", v3.url()},
                                     std::chrono::seconds(60), "", spawn);
  EXPECT_EQ(report.exit_code, 1) << report.out << report.err;  // the recorder has no rows
  EXPECT_NE(report.err.find("no results for test 0123456789abcdef"), std::string::npos) << report.err;
  std::vector<FaultRequest> reads = v3.seen();
  ASSERT_FALSE(reads.empty());
  for (const FaultRequest& q : reads) {
    EXPECT_EQ(q.target.rfind("/api/v3/query_influxql?db=_stressTest&epoch=ns&", 0), 0u) << q.target;
    EXPECT_NE(q.target.find("&q=SELECT"), std::string::npos) << q.target;
    EXPECT_NE(q.headers.find("Authorization: Bearer res-tok-42\r\n"), std::string::npos) << q.headers;
  }
}

// A secret file is the secret less one line end (docs/servers-and-apis.md#results-servers):
// blanks around a password are part of it. A real influxd with auth checks both passwords.
TEST(SecretFileTest, APasswordEndingInABlankLogsInToTheLoadAndTheResultsServer) {
  constexpr char kBlankPassword[] = " pass word ";
  InfluxServer::Options o;
  o.admin_user = kAdmin;
  o.admin_password = kBlankPassword;
  std::string error;
  std::unique_ptr<InfluxServer> server = InfluxServer::start(o, &error);
  ASSERT_TRUE(server) << error;
  ASSERT_EQ(server->query("CREATE DATABASE load").status, 200);
  ScriptDir dir;
  const std::string script = dir.write("a.iql", "SET Database [load]\n\nSET BatchSize [10]\n\nINSERT cpu\n"
                                                "cpu,host=h-[int inc(0) 5]\nvalue=[int inc(0) 0]\n100 1s\n");
  const std::string load_pw = dir.write("load-pw", std::string(kBlankPassword) + "\n");
  const std::string results_pw = dir.write("results-pw", std::string(kBlankPassword) + "\r\n");
  ProcessResult r = run_process({STRESSQL_BINARY, "run", "--addresses", server->address(), "--username", kAdmin,
                                 "--password-file", load_pw, "--results", "http://" + server->address(),
                                 "--results-user", kAdmin, "--results-password-file", results_pw,
                                 "--server-metrics", "none", script},
                                std::chrono::seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server->count_points("load", "cpu", "value"), 100);
  EXPECT_EQ(server->count_points("_stressTest", "write", "status_code"), 10);

  // One line end more is a second line: refused before anything is sent, naming the file.
  const std::string two_lines = dir.write("two", std::string(kBlankPassword) + "\n\n");
  ProcessResult bad = run_process({STRESSQL_BINARY, "run", "--addresses", server->address(), "--username", kAdmin,
                                   "--password-file", two_lines, "--results", "none", script},
                                  std::chrono::seconds(60));
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("stressql: --password-file: " + two_lines + " holds more than one line"),
            std::string::npos)
      << bad.err;
  const std::string empty = dir.write("empty", "\n");
  ProcessResult none = run_process({STRESSQL_BINARY, "run", "--addresses", server->address(), "--username", kAdmin,
                                    "--password-file", load_pw, "--results", "http://" + server->address(),
                                    "--results-user", kAdmin, "--results-password-file", empty, script},
                                   std::chrono::seconds(60));
  EXPECT_EQ(none.exit_code, 2) << none.out << none.err;
  EXPECT_NE(none.err.find("stressql: --results-password-file: " + empty + " is empty"), std::string::npos)
      << none.err;
  EXPECT_EQ(server->count_points("load", "cpu", "value"), 100) << "neither sent anything";
}

TEST(SecretFileTest, ATokenFileKeepsItsBlanks) {
  Recorder target("v2.7.4"), v2("v2.7.4");
  ScriptDir dir;
  const std::string script = dir.write("t.iql", "INSERT cpu\ncpu,host=h\nvalue=[int inc(0) 0]\n10 1s\n");
  const std::string load_tok = dir.write("load-tok", "load tok \r\n");
  const std::string results_tok = dir.write("results-tok", "res tok ");  // no line end at all
  ProcessResult r = run_process({STRESSQL_BINARY, "run", "--addresses", target.address(), "--token-file", load_tok,
                                 "--results", v2.url(), "--results-token-file", results_tok, "--org", "o",
                                 "--server-metrics", "none", script},
                                std::chrono::seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<FaultRequest> rows = v2.seen();
  ASSERT_FALSE(rows.empty());
  for (const FaultRequest& q : rows) {
    EXPECT_NE(q.headers.find("Authorization: Token res tok \r\n"), std::string::npos) << q.headers;
  }
  bool load_seen = false;
  for (const FaultRequest& q : target.seen()) {
    if (q.target.rfind("/api/v2/write", 0) != 0) continue;
    load_seen = true;
    EXPECT_NE(q.headers.find("Authorization: Token load tok \r\n"), std::string::npos) << q.headers;
  }
  EXPECT_TRUE(load_seen);
}

}  // namespace
}  // namespace stressql::testing
