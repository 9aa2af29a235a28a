// Several load machines (SPEC §6.5), simulated as N local processes: the shards of a test
// send exactly what one process would, meet at barriers through the results server, and a
// shard that never arrives fails the others with a message instead of a hang.
#include <signal.h>

#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <string>
#include <vector>

#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

using std::chrono::seconds;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t eol = text.find('\n', at);
    out.push_back(text.substr(at, eol - at));
    at = eol + 1;
  }
  return out;
}

// Offline: without --seed the test ID keys the random values, so the shards' --dump files,
// merged in request order (request g is shard g mod N's request g / N), are the unsharded
// run's bytes, for every N from 1 to 17: random tags and fields, counted and unbounded, and
// a last request shorter than the rest. The N shards of each N run at once, as they would.
TEST(ShardDumpTest, ShardsOfOneTestIdRenderTheUnshardedBytes) {
  constexpr size_t kBatch = 7, kPoints = 103;
  ScriptDir dir;
  std::string script = dir.write("r.iql", R"(SET BatchSize [7]

INSERT r
m,t=[str rand(4) 5],dc=[a|b|c]
f=[float rand(10) 0],s=[str rand(6) 3],n=[int rand(1000) 11]
103 1s
)");
  const std::string single = dir.path() + "/single.lp";
  ProcessResult r = stressql({"run", "--test-id", "dump-1", "--dump", single, script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<std::string> want = lines_of(read_file(single));
  ASSERT_EQ(want.size(), kPoints);
  for (int n = 1; n <= 17; ++n) {
    std::vector<std::unique_ptr<Child>> shards;
    std::vector<std::string> files;
    for (int i = 0; i < n; ++i) {
      files.push_back(dir.path() + "/shard" + std::to_string(i) + ".lp");
      shards.push_back(std::make_unique<Child>());
      std::string error;
      ASSERT_TRUE(shards.back()->start({STRESSQL_BINARY, "run", "--test-id", "dump-1", "--shard",
                                        std::to_string(i) + "/" + std::to_string(n), "--dump", files.back(),
                                        script},
                                       &error))
          << error;
    }
    std::vector<std::vector<std::string>> shard_lines;
    for (int i = 0; i < n; ++i) {
      Child& c = *shards[static_cast<size_t>(i)];
      ASSERT_TRUE(c.wait(seconds(60)));
      ASSERT_EQ(c.exit_code(), 0) << c.out() << c.err();
      if (n > 1) {
        EXPECT_EQ(report_value(c.out(), "Shard:"), std::to_string(i) + "/" + std::to_string(n));
      }
      shard_lines.push_back(lines_of(read_file(files[static_cast<size_t>(i)])));
    }
    std::vector<std::string> merged;
    std::vector<size_t> next(static_cast<size_t>(n), 0);
    for (size_t g = 0; g * kBatch < kPoints; ++g) {
      auto& from = shard_lines[g % static_cast<size_t>(n)];
      size_t& at = next[g % static_cast<size_t>(n)];
      for (size_t k = 0; k < kBatch && at < from.size() && merged.size() < kPoints; ++k) {
        merged.push_back(from[at++]);
      }
    }
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(next[static_cast<size_t>(i)], shard_lines[static_cast<size_t>(i)].size()) << "N=" << n;
    }
    EXPECT_EQ(merged, want) << "N=" << n;
  }
  // A different test ID, different values.
  const std::string other = dir.path() + "/other.lp";
  ASSERT_EQ(stressql({"run", "--test-id", "dump-2", "--dump", other, script}).exit_code, 0);
  EXPECT_NE(read_file(other), read_file(single));
}

TEST(ShardFlagsTest, BadShardFlagsAreUsageErrors) {
  ScriptDir dir;
  std::string script = dir.write("x.iql", "INSERT x\ncpu,h=[a|b]\nv=1i\n4 1s\n");
  struct Case {
    std::vector<std::string> args;
    std::string says;
  } cases[] = {
      {{"--shard", "3/3", "--test-id", "t"}, "--shard: the shard index must be a whole number from 0 to 2"},
      {{"--shard", "1/2"}, "every shard of a test needs the same --test-id"},
      {{"--shard", "1/2", "--test-id", "t", "--results", "none"}, "needs a --results server"},
      {{"--shard", "auto/2", "--test-id", "t"}, "JOB_COMPLETION_INDEX"},
      {{"--test-id", "a b"}, "--test-id: expected 1 to 64 letters"},
      {{"--barrier-timeout", "soon"}, "--barrier-timeout: expected a duration"},
      {{"--start-at", "tomorrow"}, "--start-at: expected an RFC 3339 time"},
      // A shard's report never has a server CPU per point (docs/server-metrics.md): a
      // threshold on it could only fail, so it is refused before anything is sent.
      {{"--shard", "1/2", "--test-id", "t", "--results", "http://127.0.0.1:1", "--threshold",
        "server_cpu_per_mpts<20"},
       "--threshold 'server_cpu_per_mpts<20': server_cpu_per_mpts is not judged per shard"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"run", "--addresses", "127.0.0.1:1"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.push_back(script);
    ProcessResult r = stressql(args);
    EXPECT_EQ(r.exit_code, 2) << c.says << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");  // nothing ran
  }
  // auto/N reads the index from the environment a Kubernetes Indexed Job sets.
  ProcessResult r = run_process({STRESSQL_BINARY, "run", "--shard", "auto/3", "--test-id", "k",
                                 "--dry-run", script},
                                seconds(60), "", SpawnOptions{"", {"JOB_COMPLETION_INDEX=2"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(report_value(r.out, "Shard:"), "2/3");
}

// Seconds since the epoch of an RFC 3339 UTC time ("2026-12-01T18:00:00[.…]Z").
int64_t unix_seconds(const std::string& rfc3339) {
  std::tm tm{};
  if (strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return -1;
  return static_cast<int64_t>(timegm(&tm));
}

TEST(StartAtTest, TheFirstStatementStartsAtTheGivenTimeAndAPastTimeWarns) {
  ScriptDir dir;
  std::string script = dir.write("s.iql", "INSERT x\ncpu,h=[a|b]\nv=1i\n4 1s\n");
  const int64_t at = static_cast<int64_t>(std::time(nullptr)) + 2;
  char text[32];
  std::tm tm{};
  const time_t t = static_cast<time_t>(at);
  gmtime_r(&t, &tm);
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const std::string json = dir.path() + "/r.json";
  ProcessResult r = stressql({"run", "--dry-run", "--start-at", text, "--json", json, script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(read_file(json));
  EXPECT_GE(unix_seconds(j["statements"][0]["start_time"].get<std::string>()), at) << j.dump();

  ProcessResult past = stressql({"run", "--dry-run", "--start-at", "2020-01-01T00:00:00Z", script});
  ASSERT_EQ(past.exit_code, 0) << past.err;
  EXPECT_NE(past.err.find("--start-at is "), std::string::npos) << past.err;
  EXPECT_NE(past.err.find(" past; starting now"), std::string::npos) << past.err;
}

class ShardRunTest : public InfluxTest {
 protected:
  std::string script(const std::string& db) {
    return dir_.write(db + ".iql", "CREATE DATABASE " + db + R"(

SET Database [)" + db + R"(]

SET BatchSize [10]

GO INSERT cpu
cpu,host=server-[int inc(0) 7],dc=[a|b]
value=[int rand(1000) 0],load=[float rand(10) 0]
700 1s

WAIT

QUERY cpu
SELECT count(value) FROM cpu WHERE %t
DO 10
)");
  }
  // Every point, in the order InfluxDB returns them (by series, then time).
  std::string all_points(const std::string& db) {
    auto r = server_->query("SELECT * FROM cpu GROUP BY *", db);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }
};

// N shards as N processes at once write exactly the single run's points, and split the
// queries; the barrier at CREATE DATABASE keeps the others from writing before it exists.
TEST_F(ShardRunTest, ThreeShardsWriteWhatOneProcessWritesAndSplitTheQueries) {
  const std::string results = "http://" + server_->address();
  ProcessResult single = stressql({"run", "--seed", "7", "--addresses", server_->address(),
                                   "--results", "none", script("single")});
  ASSERT_EQ(single.exit_code, 0) << single.out << single.err;

  const std::string sharded = script("sharded");
  std::vector<std::unique_ptr<Child>> shards;
  // Every shard reads the same server's process (/proc): its CPU covers every shard's points.
  const std::string pid = std::to_string(server_->pid());
  auto shard_json = [&](int i) { return dir_.path() + "/shard" + std::to_string(i) + ".json"; };
  for (int i = 0; i < 3; ++i) {
    shards.push_back(std::make_unique<Child>());
    std::string error;
    ASSERT_TRUE(shards.back()->start({STRESSQL_BINARY, "run", "--seed", "7", "--test-id", "three",
                                      "--shard", std::to_string(i) + "/3", "--barrier-timeout",
                                      "60s", "--addresses", server_->address(), "--results",
                                      results, "--server-pid", pid, "--json", shard_json(i), sharded},
                                     &error))
        << error;
  }
  const char* want_points[] = {"240", "230", "230"};  // 70 requests of 10: 24, 23, 23
  const char* want_queries[] = {"4", "3", "3"};
  for (int i = 0; i < 3; ++i) {
    Child& c = *shards[static_cast<size_t>(i)];
    ASSERT_TRUE(c.wait(std::chrono::seconds(120)));
    ASSERT_EQ(c.exit_code(), 0) << c.out() << c.err();
    const std::string out = c.out();
    EXPECT_EQ(report_value(out, "Shard:"), std::to_string(i) + "/3") << out;
    EXPECT_EQ(report_value(out, "Test ID:"), "three");
    EXPECT_EQ(report_value(out, "  Points Requested:"), want_points[i]) << out;
    EXPECT_EQ(report_value(out, "  Successful Queries:"), want_queries[i]) << out;
    // The server counts every shard's points: a shard's count is shown, never judged
    // against its own (it read "the server counted … more" before).
    EXPECT_EQ(out.find("Count Mismatch"), std::string::npos) << out;
    EXPECT_NE(report_value(out, "    Count Check:").find("not judged per shard"), std::string::npos) << out;
    // Nor its CPU per point: the raw CPU and RSS are shown, the CPU per point says why it
    // has no number (it was every shard's CPU over this shard's points, ~3 times too high).
    EXPECT_NE(out.find("  Server pid " + pid + " (/proc):\n"), std::string::npos) << out;
    EXPECT_NE(report_value(out, "    Server CPU:").find("cores avg"), std::string::npos) << out;
    EXPECT_NE(report_value(out, "    Server RSS max:").find("MB"), std::string::npos) << out;
    EXPECT_NE(report_value(out, "    Server CPU per Million Points:").find("not judged per shard"), std::string::npos)
        << out;
    // No server's CPU per point anywhere ("3.8 CPU-s"; stressql's own CPU line ends in
    // "CPU-s per million points)").
    EXPECT_EQ(out.find(" CPU-s\n"), std::string::npos) << out;
    EXPECT_EQ(out.find(" CPU-s (joint window)"), std::string::npos) << out;
    const nlohmann::json j = nlohmann::json::parse(read_file(shard_json(i)));
    const nlohmann::json* insert = nullptr;
    for (const nlohmann::json& st : j["statements"]) {
      if (st["kind"] == "insert") insert = &st;
    }
    ASSERT_NE(insert, nullptr) << j.dump();
    const nlohmann::json& server = (*insert)["server"];
    EXPECT_TRUE(server["server_cpu_per_mpts"].is_null()) << server.dump();
    EXPECT_GE(server["server_cpu"].get<double>(), 0) << server.dump();
    EXPECT_EQ(server["not_judged_per_shard"], nlohmann::json({"server_points", "server_cpu_per_mpts"}))
        << server.dump();
    for (const nlohmann::json& src : server["sources"]) {
      EXPECT_TRUE(src["server_cpu_per_mpts"].is_null()) << src.dump();
      EXPECT_EQ(src["shards"], 3) << src.dump();
    }
    // CREATE DATABASE ran once, on shard 0; the others say so.
    if (i == 0) {
      EXPECT_NE(out.find("[√] 'CREATE DATABASE sharded' -> "), std::string::npos) << out;
    } else {
      EXPECT_NE(out.find("'CREATE DATABASE sharded' -> run by shard 0"), std::string::npos) << out;
    }
  }
  EXPECT_EQ(server_->count_points("sharded", "cpu", "value"), 700);
  std::string a = all_points("single"), b = all_points("sharded");
  EXPECT_EQ(a, b);
  EXPECT_NE(a.find("server-6"), std::string::npos) << a;  // every series is there
  // Per series: counts and sums agree too (the same query over both databases).
  auto sums = [&](const std::string& db) {
    return server_->query("SELECT count(value), sum(value), sum(load) FROM cpu GROUP BY host, dc", db).body;
  };
  EXPECT_EQ(sums("single"), sums("sharded"));
  // Three barriers (start, CREATE DATABASE, end) with three shards each.
  EXPECT_EQ(server_->count_points("_stressTest", "barrier", "shards"), 9);

  // One merged report, as if one process had run the script, with a line per shard.
  const std::string json_path = dir_.path() + "/merged.json";
  ProcessResult merged = stressql({"report", "three", "--results", results, "--by-shard", "--json", json_path});
  ASSERT_EQ(merged.exit_code, 0) << merged.out << merged.err;
  const std::string& m = merged.out;
  EXPECT_EQ(report_value(m, "Shard:"), "merged from 3 of 3 shards") << m;
  EXPECT_EQ(report_value(m, "  Points Requested:"), "700") << m;
  EXPECT_EQ(report_value(m, "  Successful Write Reqs:"), "70") << m;
  EXPECT_EQ(report_value(m, "  Successful Queries:"), "10") << m;
  EXPECT_EQ(report_value(m, "Points Accepted / Dropped / Failed:"), "700 / 0 / 0") << m;
  EXPECT_EQ(report_value(m, "Result:"), "OK") << m;
  EXPECT_NE(m.find("[√] 'CREATE DATABASE sharded' -> "), std::string::npos) << m;
  EXPECT_NE(m.find("By shard:\n  Write Statement: cpu\n    shard 0: 240 points accepted, 24 ok / 0 failed"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("    shard 2: 3 ok / 0 failed requests"), std::string::npos) << m;
  // The JSON of the merged report: valid, the same totals, intervals that add up to them.
  EXPECT_EQ(schema_errors(json_path), "");
  auto j = nlohmann::json::parse(read_file(json_path));
  EXPECT_EQ(j["totals"]["points_accepted"], 700);
  EXPECT_EQ(j["options"]["shards"], 3);
  uint64_t interval_requests = 0, interval_points = 0;
  for (const auto& k : j["statements"][3]["intervals"]) {
    interval_requests += k["requests"].get<uint64_t>();
    interval_points += k["points_accepted"].get<uint64_t>();
  }
  EXPECT_EQ(interval_requests, 70u);
  EXPECT_EQ(interval_points, 700u);

  // That report was added up from the shards' `request_stats` rows; rebuilt from every
  // attempt row instead (as results written before those rows are), it is the same: the
  // histograms and counts add exactly. Only the intervals may differ in how they split a
  // second (there, a shard's second counts in the merged second it starts in; here each
  // request in the second it was due in), not in what they add up to.
  HttpReply stats_rows = server_->query("SELECT count(attempts) FROM request_stats WHERE test_id = 'three'", "_stressTest");
  ASSERT_NE(stats_rows.body.find("\"request_stats\""), std::string::npos) << stats_rows.body;
  ASSERT_EQ(server_->query("DELETE FROM request_stats WHERE test_id = 'three'", "_stressTest").status, 200);
  const std::string attempts_path = dir_.path() + "/from-attempts.json";
  ProcessResult from_attempts = stressql({"report", "three", "--results", results, "--by-shard", "--json", attempts_path});
  ASSERT_EQ(from_attempts.exit_code, 0) << from_attempts.out << from_attempts.err;
  EXPECT_EQ(from_attempts.out, merged.out);
  auto again = nlohmann::json::parse(read_file(attempts_path));
  ASSERT_EQ(again["statements"].size(), j["statements"].size());
  for (size_t i = 0; i < j["statements"].size(); ++i) {
    nlohmann::json a = j["statements"][i], b = again["statements"][i];
    auto sums = [](const nlohmann::json& st) {
      std::string out;
      for (const char* key : {"requests", "points_accepted", "failures", "retries"}) {
        uint64_t sum = 0;
        for (const auto& k : st.value("intervals", nlohmann::json::array())) sum += k[key].get<uint64_t>();
        out += std::string(key) + "=" + std::to_string(sum) + " ";
      }
      return out;
    };
    EXPECT_EQ(sums(a), sums(b)) << i;
    a.erase("intervals");
    b.erase("intervals");
    EXPECT_EQ(a, b) << i;
  }
  EXPECT_EQ(again["totals"], j["totals"]);
}

// A shard that dies: the others end at the next barrier within --barrier-timeout, with a
// message naming it, exit 1, and their report and results rows all the same.
TEST_F(ShardRunTest, AKilledShardFailsTheOthersAtTheNextBarrier) {
  const std::string results = "http://" + server_->address();
  std::string s = dir_.write("k.iql", R"(CREATE DATABASE killed

SET Database [killed]

SET WriteRate [20 req/s]

SET BatchSize [10]

INSERT cpu
cpu,host=server-[int inc(0) 7]
value=[int inc(0) 0]
1000 1s
)");
  Child victim;
  std::string error;
  ASSERT_TRUE(victim.start({STRESSQL_BINARY, "run", "--test-id", "killed", "--shard", "1/2",
                            "--addresses", server_->address(), "--results", results, s},
                           &error))
      << error;
  Child survivor;
  ASSERT_TRUE(survivor.start({STRESSQL_BINARY, "run", "--test-id", "killed", "--shard", "0/2",
                              "--barrier-timeout", "5s", "--addresses", server_->address(),
                              "--results", results, s},
                             &error))
      << error;
  // 100 requests at 20 req/s take each shard 5 s: the victim dies in the middle.
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (server_->count_points("killed", "cpu", "value") <= 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(victim.running()) << victim.out() << victim.err();
  victim.signal(SIGKILL);
  ASSERT_TRUE(survivor.wait(seconds(120)));
  EXPECT_EQ(survivor.exit_code(), 1) << survivor.out() << survivor.err();
  const std::string out = survivor.out();
  EXPECT_NE(survivor.err().find("stressql: shard 1 of 2 did not arrive at the end of the script "
                                "within 5s (--barrier-timeout; shard 0/2 waited)"),
            std::string::npos)
      << survivor.err();
  EXPECT_EQ(report_value(out, "Shards:"),
            "shard 1 of 2 did not arrive at the end of the script within 5s (--barrier-timeout; "
            "shard 0/2 waited)")
      << out;
  EXPECT_EQ(report_value(out, "Result:"), "FAILED") << out;
  // Its own half was written and accounted for, and its rows kept.
  EXPECT_EQ(report_value(out, "  Points Accepted / Dropped / Failed:"), "500 / 0 / 0") << out;
  EXPECT_NE(report_value(out, "Results:").find("rows in _stressTest"), std::string::npos) << out;
}

// A shard whose partners never come: it ends at the start barrier and sends nothing.
TEST_F(ShardRunTest, AShardAloneEndsAtTheStartBarrierAndSendsNothing) {
  ProcessResult r = stressql({"run", "--test-id", "alone", "--shard", "1/2", "--barrier-timeout",
                              "1s", "--addresses", server_->address(), "--results",
                              "http://" + server_->address(), script("alone")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("stressql: shard 0 of 2 did not arrive at the start within 1s"), std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("'CREATE DATABASE alone' -> not run: a shard barrier failed"), std::string::npos)
      << r.out;
  // The label says "Not run:" once; the one-line InfluxQL form above keeps the words.
  EXPECT_EQ(report_value(r.out, "  Not run:"), "a shard barrier failed") << r.out;
  EXPECT_EQ(report_value(r.out, "Result:"), "FAILED") << r.out;
  EXPECT_EQ(server_->count_points("_stressTest", "barrier", "shards"), 1);  // its own arrival
  EXPECT_EQ(server_->query("SHOW DATABASES").body.find("\"alone\""), std::string::npos);
}

// --by-address: the other side of scale, a cluster under test. Two real servers as two
// Addresses: each line counts what that server holds.
TEST_F(ShardRunTest, ByAddressCountsWhatEachServerTook) {
  std::string error;
  std::unique_ptr<InfluxServer> second = InfluxServer::start(&error);
  ASSERT_TRUE(second) << error;
  for (InfluxServer* s : {server_.get(), second.get()}) {
    ASSERT_EQ(s->query("CREATE DATABASE nodes").status, 200);
  }
  std::string s = dir_.write("n.iql", R"(SET Database [nodes]

SET BatchSize [10]

INSERT cpu
cpu,host=server-[int inc(0) 7]
value=[int inc(0) 0]
200 1s
)");
  const std::string json_path = dir_.path() + "/n.json";
  const std::string addresses = server_->address() + "|" + second->address();
  ProcessResult r = stressql({"run", "--by-address", "--addresses", addresses, "--results",
                              "http://" + server_->address(), "--json", json_path, s});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->count_points("nodes", "cpu", "value"), 100);
  EXPECT_EQ(second->count_points("nodes", "cpu", "value"), 100);
  for (InfluxServer* node : {server_.get(), second.get()}) {
    EXPECT_NE(r.out.find("    " + node->address() + ": 10 ok / 0 failed requests, 100 points accepted, p99 "),
              std::string::npos)
        << r.out;
  }
  EXPECT_NE(r.out.find("\nBy address:\n  Write Statement: cpu\n"), std::string::npos) << r.out;
  auto j = nlohmann::json::parse(read_file(json_path));
  ASSERT_EQ(j["statements"][2]["by_address"].size(), 2u) << j.dump();
  EXPECT_EQ(j["statements"][2]["by_address"][1]["address"], second->address());
  EXPECT_EQ(j["statements"][2]["by_address"][1]["points_accepted"], 100);
  EXPECT_EQ(schema_errors(json_path), "");
  EXPECT_EQ(server_->count_points("_stressTest", "address", "requests_ok"), 2);
  // Each server's metrics source (auto: its /debug/vars) counted what was sent to it: its
  // count is judged against that address's accepted points, not the statement's 200 (it
  // read "the server counted 100 fewer points than stressql's accepted" for both).
  EXPECT_EQ(r.out.find("Count Mismatch"), std::string::npos) << r.out;
  for (InfluxServer* node : {server_.get(), second.get()}) {
    EXPECT_NE(r.out.find("  Server " + node->address() + " (/debug/vars):\n"
                         "    Points Written (server count):     100 (stressql: 100 accepted by this address)\n"),
              std::string::npos)
        << r.out;
  }
  for (const nlohmann::json& src : j["statements"][2]["server"]["sources"]) {
    EXPECT_EQ(src["points_accepted_address"], 100) << src.dump();
  }
  EXPECT_EQ(j["statements"][2]["server"]["server_points"], 200) << j.dump();
  // The report rebuilt from the rows says the same.
  ProcessResult rebuilt = stressql({"report", report_value(r.out, "Test ID:"), "--results", "http://" + server_->address()});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.out << rebuilt.err;
  EXPECT_NE(rebuilt.out.find("  Server " + second->address() + " (/debug/vars):\n"
                             "    Points Written (server count):     100 (stressql: 100 accepted by this address)\n"),
            std::string::npos)
      << rebuilt.out;
  // Without --by-address the servers' shares are judged alike.
  for (InfluxServer* node : {server_.get(), second.get()}) {
    ASSERT_EQ(node->query("CREATE DATABASE plain").status, 200);
  }
  std::string plain = dir_.write("p.iql", R"(SET Database [plain]

SET BatchSize [10]

INSERT cpu
cpu,host=server-[int inc(0) 7]
value=[int inc(0) 0]
60 1s
)");
  ProcessResult p = stressql({"run", "--addresses", addresses, "--results", "none", plain});
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  EXPECT_EQ(p.out.find("By address:"), std::string::npos) << p.out;
  EXPECT_EQ(p.out.find("Count Mismatch"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("  Server " + second->address() + " (/debug/vars):\n"
                       "    Points Written (server count):     30 (stressql: 30 accepted by this address)\n"),
            std::string::npos)
      << p.out;
}

}  // namespace
}  // namespace stressql::testing
