// InfluxDB 2.x and 3.x (SPEC §6.4), end to end against a recording server. Neither is
// packaged for Debian, so a hand-written server stands in for them (the only way to see the
// exact URLs and headers stressql sends and to give it their error bodies); every error
// body below is shaped as the official API documentation shows it, cited beside it.
// Auto-detection of 1.x against a real influxd is in gzip_influx_test.cpp.
#include <mutex>
#include <nlohmann/json.hpp>

#include "tests/cli/fault_test_util.h"
#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

constexpr char kToken[] = "tok-Zq8x_SECRET_9k";

// A server that answers /ping with `version` (none when empty) and records every request.
class Recorder {
 public:
  Recorder(std::string version, std::function<FaultReply(const FaultRequest&)> writes)
      : version_(std::move(version)), writes_(std::move(writes)), server_([this](const FaultRequest& r) {
          {
            std::lock_guard<std::mutex> lock(mu_);
            seen_.push_back(r);
          }
          if (r.target == "/ping") {
            return reply(204, "", version_.empty() ? "" : "X-Influxdb-Version: " + version_ + "\r\n");
          }
          if (r.target == "/metrics" || r.target == "/debug/vars") return reply(404);  // SET ServerMetrics' reads
          return writes_(r);
        }) {
    server_.pass_ping_to_handler();
    std::string error;
    EXPECT_TRUE(server_.start(0, &error)) << error;
  }
  std::vector<FaultRequest> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  std::vector<FaultRequest> seen_except_ping() {
    std::vector<FaultRequest> out;
    for (const FaultRequest& r : seen()) {
      if (r.target != "/ping" && r.target != "/metrics" && r.target != "/debug/vars") out.push_back(r);
    }
    return out;
  }
  std::string address() const { return server_.address(); }

 private:
  std::string version_;
  std::function<FaultReply(const FaultRequest&)> writes_;
  std::mutex mu_;
  std::vector<FaultRequest> seen_;
  FaultServer server_;
};

FaultReply no_content(const FaultRequest&) { return reply(204); }

std::string insert(long long points, int batch) {
  return "SET BatchSize [" + std::to_string(batch) + "]\n\nINSERT m\ncpu,host=h-[int inc(0) 5]\nvalue=[int inc(0) 0]\n" +
         std::to_string(points) + " 1s\n";
}

ProcessResult run(const std::string& script, const std::string& address,
                  std::vector<std::string> extra = {}, std::vector<std::string> env = {}) {
  std::vector<std::string> args = {STRESSQL_BINARY, "run", "--addresses", address, "--results", "none",
                                   "--reactors", "1", "--max-attempts", "3", script};
  args.insert(args.end() - 1, extra.begin(), extra.end());
  SpawnOptions spawn;
  spawn.env = std::move(env);
  return run_process(args, std::chrono::seconds(60), "", spawn);
}

TEST(ModernApi, AutoDetects2xAndWritesThroughV2WithTheToken) {
  Recorder server("v2.7.4", no_content);
  ScriptDir dir;
  std::string script = dir.write("v2.iql", "SET Org [my org]\n\nSET Bucket [b/x]\n\n" + insert(20, 10) +
                                               "\nQUERY m SELECT count(value) FROM cpu DO 2\n");
  // Results rows go to a (1.x) reporting server of their own: the token must not reach them.
  Recorder results("", [](const FaultRequest& q) { return answer_queries_or(q, reply(204)); });
  const std::string json = dir.path() + "/r.json";
  std::vector<std::string> args = {STRESSQL_BINARY, "run", "--addresses", server.address(), "--results",
                                   "http://" + results.address(), "--json", json, script};
  SpawnOptions spawn;
  spawn.env = {std::string("STRESSQL_TOKEN=") + kToken};
  ProcessResult r = run_process(args, std::chrono::seconds(60), "", spawn);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(report_value(r.out, "  API:"),
            "v2 (auto: " + server.address() + " answered GET /ping with X-Influxdb-Version v2.7.4)");
  std::string rows;
  for (const FaultRequest& q : results.seen()) rows += q.target + q.headers + q.body;
  EXPECT_NE(rows.find("api=v2"), std::string::npos);  // the rows say which API
  EXPECT_EQ(rows.find(kToken), std::string::npos);
  EXPECT_EQ(read_file(json).find(kToken), std::string::npos);
  EXPECT_EQ(report_value(r.out, "  Points Accepted / Dropped / Failed:"), "20 / 0 / 0");
  size_t pings = 0, writes = 0, queries = 0;
  for (const FaultRequest& q : server.seen()) {
    if (q.target == "/ping") {
      ++pings;
      continue;
    }
    if (q.target == "/metrics") continue;  // SET ServerMetrics [auto]: a 2.x server's metrics
    EXPECT_NE(q.headers.find(std::string("Authorization: Token ") + kToken + "\r\n"), std::string::npos)
        << q.headers;
    if (q.method == "POST") {
      ++writes;
      EXPECT_EQ(q.target, "/api/v2/write?org=my%20org&bucket=b%2Fx&precision=s");
    } else {
      ++queries;
      // v2's 1.x-compatible /query, against the bucket.
      EXPECT_EQ(q.target, "/query?db=b%2Fx&q=SELECT%20count%28value%29%20FROM%20cpu");
    }
  }
  EXPECT_EQ(pings, 1u);  // once per address, not per statement
  EXPECT_EQ(writes, 2u);
  EXPECT_EQ(queries, 2u);
  EXPECT_EQ(r.out.find(kToken), std::string::npos);
  EXPECT_EQ(r.err.find(kToken), std::string::npos);
}

TEST(ModernApi, V2WithoutOrgIsAUsageErrorBeforeAnyWrite) {
  for (const char* api : {"auto", "v2"}) {
    Recorder server("2.7.4", no_content);
    ScriptDir dir;
    std::string script = dir.write("v2.iql", std::string("SET Api [") + api + "]\n\n" + insert(10, 10));
    ProcessResult r = run(script, server.address());
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("line 5: the v2 API needs an organisation: SET Org [name] (or --org)"),
              std::string::npos)
        << r.err;
    EXPECT_TRUE(server.seen_except_ping().empty());
  }
}

TEST(ModernApi, AutoDetects3xWritesWithBearerOptionsAndCountsAPartialWrite) {
  // https://docs.influxdata.com/influxdb3/core/write-data/http-api/v3-write-lp/ ("Accept
  // partial writes"): 400 and this body, one `data` entry per rejected line.
  const std::string partial =
      R"({"error":"partial write of line protocol occurred","data":[)"
      R"({"original_line":"cpu,host=h-1 value=1i 1451606400","line_number":2,"error_message":"invalid column type"},)"
      R"({"original_line":"cpu,host=h-3 value=3i 1451606400","line_number":4,"error_message":"invalid column type"}]})";
  Recorder server("3.0.1", [&](const FaultRequest& q) {
    if (q.method == "POST" && q.body.find("value=0i") != std::string::npos) return reply(400, partial);
    if (q.target.rfind("/api/v3/query_influxql", 0) == 0) return reply(200, "[]");
    return reply(204);
  });
  ScriptDir dir;
  std::string script = dir.write("v3.iql", "SET Precision [ms]\n\nSET NoSync [true]\n\nSET AcceptPartial [true]\n\n" +
                                               insert(10, 5) + "\nQUERY m SELECT * FROM cpu DO 1\n");
  std::string json = dir.path() + "/r.json";
  ProcessResult r = run(script, server.address(), {"--token", kToken, "--json", json});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // a partial write is a failed request
  EXPECT_NE(r.err.find("--token is visible to every user in `ps`"), std::string::npos) << r.err;
  EXPECT_EQ(report_value(r.out, "  Points Accepted / Dropped / Failed:"), "8 / 2 / 0");
  EXPECT_EQ(report_value(r.out, "  API:"),
            "v3 (auto: " + server.address() + " answered GET /ping with X-Influxdb-Version 3.0.1)");
  std::vector<FaultRequest> seen = server.seen_except_ping();
  ASSERT_EQ(seen.size(), 3u);
  for (const FaultRequest& q : seen) {
    EXPECT_NE(q.headers.find(std::string("Authorization: Bearer ") + kToken + "\r\n"), std::string::npos);
    if (q.method == "POST") {
      EXPECT_EQ(q.target, "/api/v3/write_lp?db=stress&precision=millisecond&no_sync=true&accept_partial=true");
    } else {
      EXPECT_EQ(q.target, "/api/v3/query_influxql?db=stress&q=SELECT%20%2A%20FROM%20cpu");
    }
  }
  nlohmann::json j = nlohmann::json::parse(read_file(json));
  const nlohmann::json& st = j["statements"][4];
  EXPECT_EQ(st["api"]["name"], "v3");
  EXPECT_EQ(st["points"]["dropped"], 2);
  EXPECT_EQ(j.dump().find(kToken), std::string::npos);
  EXPECT_EQ(r.out.find(kToken), std::string::npos);
}

TEST(ModernApi, V2ErrorsAreReportedByMessageWithATokenHintAnd422IsFinal) {
  // https://docs.influxdata.com/influxdb/v2/api/#operation/PostWrite: error responses carry
  // the `Error` schema, {"code": …, "message": …}.
  for (int status : {401, 422}) {
    const std::string body = status == 401
                                 ? R"({"code":"unauthorized","message":"unauthorized access"})"
                                 : R"({"code":"unprocessable entity","message":"failure writing points to database: partial write"})";
    Recorder server("v2.7.4", [&](const FaultRequest&) { return reply(status, body); });
    ScriptDir dir;
    // ServerMetrics none: its auto would ask /ping too.
    std::string script = dir.write("v2.iql", "SET Api [v2]\n\nSET Org [o]\n\nSET ServerMetrics [none]\n\n" + insert(10, 10));
    ProcessResult r = run(script, server.address());
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(report_value(r.out, "  Retries:"), "0") << status;
    if (status == 401) {
      EXPECT_EQ(report_value(r.out, "  Error:"), "1 request(s) failed: unauthorized access");
      EXPECT_EQ(report_value(r.out, "  Hint:"),
                "no API token was given: the v2 API needs one (--token-file FILE or STRESSQL_TOKEN)");
    } else {
      EXPECT_EQ(report_value(r.out, "  Error:"),
                "1 request(s) failed: failure writing points to database: partial write");
    }
    EXPECT_EQ(server.seen_except_ping().size(), 1u);
    EXPECT_TRUE(server.seen().size() == 1u);  // SET Api [v2]: no /ping
  }
}

TEST(ModernApi, V3DatabasePassthroughGoesToItsConfigurationEndpoint) {
  Recorder server("3.0.1", [](const FaultRequest& q) { return reply(q.method == "POST" ? 200 : 200, "{}"); });
  ScriptDir dir;
  std::string token_file = dir.write("token", std::string(kToken) + "\n");
  std::string script = dir.write("v3.iql", "CREATE DATABASE \"my db\"\n\nDROP DATABASE other\n\nSHOW DATABASES\n");
  ProcessResult r = run(script, server.address(), {"--token-file", token_file});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<FaultRequest> seen = server.seen_except_ping();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/api/v3/configure/database");
  EXPECT_EQ(seen[0].body, R"({"db":"my db"})");
  EXPECT_NE(seen[0].headers.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(seen[1].method, "DELETE");
  EXPECT_EQ(seen[1].target, "/api/v3/configure/database?db=other");
  EXPECT_EQ(seen[2].method, "GET");
  EXPECT_EQ(seen[2].target, "/api/v3/query_influxql?db=stress&q=SHOW%20DATABASES");
  for (const FaultRequest& q : seen) {
    EXPECT_NE(q.headers.find(std::string("Authorization: Bearer ") + kToken), std::string::npos);
  }
  EXPECT_EQ(r.out.find(kToken), std::string::npos);
  EXPECT_EQ(r.err.find(kToken), std::string::npos);
}

TEST(ModernApi, ResultsRowsGoToA3xReportingServerWithTheirOwnToken) {
  Recorder target("1.8.10", no_content);
  Recorder results("3.0.1", [](const FaultRequest&) { return reply(204); });
  ScriptDir dir;
  std::string token_file = dir.write("results-token", "results-tok-77\n");
  std::string script = dir.write("r.iql", insert(10, 5));
  std::vector<std::string> args = {STRESSQL_BINARY, "run", "--addresses", target.address(), "--results",
                                   "http://" + results.address(), "--results-token-file", token_file, script};
  SpawnOptions spawn;
  spawn.env = {std::string("STRESSQL_TOKEN=") + kToken};
  ProcessResult r = run_process(args, std::chrono::seconds(60), "", spawn);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<FaultRequest> seen = results.seen_except_ping();
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen[0].target, "/api/v3/configure/database");
  EXPECT_EQ(seen[0].body, R"({"db":"_stressTest"})");
  for (const FaultRequest& q : seen) {
    EXPECT_NE(q.headers.find("Authorization: Bearer results-tok-77\r\n"), std::string::npos);
    EXPECT_EQ((q.headers + q.body).find(kToken), std::string::npos);
    if (&q != &seen[0]) {
      EXPECT_EQ(q.target, "/api/v3/write_lp?db=_stressTest&precision=nanosecond");
    }
  }
  // The load went to the 1.x target with the load's token.
  for (const FaultRequest& q : target.seen_except_ping()) {
    EXPECT_EQ(q.target.rfind("/write?db=stress", 0), 0u);
    EXPECT_NE(q.headers.find(std::string("Authorization: Token ") + kToken), std::string::npos);
  }
}

TEST(ModernApi, FindMaxPostsItsRowsLikeRunToA3xReportingServer) {
  Recorder target("1.8.10", no_content);
  Recorder results("3.0.1", [](const FaultRequest&) { return reply(204); });
  ScriptDir dir;
  std::string token_file = dir.write("results-token", "results-tok-77\n");
  std::string script = dir.write("r.iql", insert(10, 5));
  // The smallest search: --start is --max, so one step and its confirmation, a second each.
  std::vector<std::string> args = {STRESSQL_BINARY, "find-max", script, "--addresses", target.address(),
                                   "--slo", "error_rate<=1%", "--start", "10 pts/s", "--max", "10 pts/s",
                                   "--step", "1s", "--warmup", "0s", "--reactors", "1", "--results",
                                   "http://" + results.address(), "--results-token-file", token_file};
  ProcessResult r = run_process(args, std::chrono::seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<FaultRequest> seen = results.seen_except_ping();
  ASSERT_GE(seen.size(), 2u) << r.out << r.err;
  EXPECT_EQ(seen[0].target, "/api/v3/configure/database");
  std::string rows;
  for (const FaultRequest& q : seen) {
    EXPECT_NE(q.headers.find("Authorization: Bearer results-tok-77\r\n"), std::string::npos);
    if (&q != &seen[0]) {
      EXPECT_EQ(q.target, "/api/v3/write_lp?db=_stressTest&precision=nanosecond");
      rows += q.body;
    }
  }
  EXPECT_NE(rows.find(",step=1"), std::string::npos) << rows.substr(0, 300);
  EXPECT_NE(rows.find("statement,test_id="), std::string::npos) << rows.substr(0, 300);
  EXPECT_NE(rows.find("run,test_id="), std::string::npos);
}

TEST(ModernApi, AddressesThatSpeakDifferentApisAreRefusedBeforeSending) {
  Recorder v1("1.8.10", no_content), v2("v2.7.4", no_content);
  ScriptDir dir;
  std::string script = dir.write("mixed.iql", "SET Org [o]\n\n" + insert(10, 10));
  ProcessResult r = run(script, v1.address() + "|" + v2.address());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("the addresses speak different APIs"), std::string::npos) << r.err;
  EXPECT_TRUE(v1.seen_except_ping().empty());
  EXPECT_TRUE(v2.seen_except_ping().empty());
}

}  // namespace
}  // namespace stressql::testing
