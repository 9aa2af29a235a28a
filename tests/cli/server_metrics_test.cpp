// SET ServerMetrics, --server-pid and --server-metric end to end (SPEC §7.1): real influxd
// 1.6, VictoriaMetrics and a node exporter, and the fault server for what real servers will
// not do on demand (stall, answer garbage).
#include <algorithm>
#include <ctime>

#include "tests/cli/run_test_util.h"
#include "tests/support/fault_server.h"
#include "tests/support/node_exporter.h"
#include "tests/support/victoria_server.h"

namespace stressql::testing {
namespace {

std::string insert_script(const std::string& measurement, long long points, const std::string& fields) {
  return "CREATE DATABASE sm\n\nSET Database [sm]\n\nSET BatchSize [1000]\n\nSET WriteConcurrency [4]\n\nINSERT " +
         measurement + "\n" + measurement + ",host=h-[int inc(0) 50]\n" + fields + "\n" + std::to_string(points) +
         " 1s\n";
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class ServerMetricsTest : public InfluxTest {};

TEST_F(ServerMetricsTest, InfluxdCountsExactlyTheAcceptedPointsAndItsProcessGivesCpu) {
  const std::string script = dir_.write("s.iql", insert_script("cpu", 30000, "value=[float rand(100) 0]"));
  const std::string json = dir_.path() + "/r.json";
  const std::string pid = std::to_string(server_->pid());
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "http://" + server_->address(),
                              "--server-pid", pid, "--server-metric", "shard.writePointsOk", "--json", json,
                              "--threshold", "server_rss_max<100GB", "--threshold", "server_cpu_per_mpts<1000000", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(report_value(r.out, "  Points Accepted / Dropped / Failed:"), "30000 / 0 / 0");
  EXPECT_EQ(server_->count_points("sm", "cpu", "value"), 30000);
  // The server's own count, from /debug/vars, chosen by auto from /ping's 1.x version.
  EXPECT_NE(r.out.find("  Server " + server_->address() + " (/debug/vars):\n"), std::string::npos) << r.out;
  EXPECT_EQ(report_value(r.out, "    Points Written (server count):"), "30000 (stressql: 30000 accepted)");
  EXPECT_EQ(report_value(r.out, "    Count Mismatch:"), "");
  EXPECT_EQ(report_value(r.out, "    Series Created:"), "50");
  EXPECT_NE(report_value(r.out, "    shard.writePointsOk:"), "");
  // The process by --server-pid: CPU and RSS from /proc.
  EXPECT_NE(r.out.find("  Server pid " + pid + " (/proc):\n"), std::string::npos) << r.out;
  EXPECT_NE(report_value(r.out, "    Server CPU:").find("cores avg"), std::string::npos) << r.out;
  EXPECT_NE(report_value(r.out, "    Server CPU per Million Points:").find("CPU-s"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("server metrics"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("PASS  server_rss_max<100GB  cpu  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS  server_cpu_per_mpts<1000000  cpu  "), std::string::npos) << r.out;
  const nlohmann::json doc = validated_report(json);
  const nlohmann::json& server = doc["statements"][4]["server"];
  EXPECT_EQ(server["server_points"], 30000.0);
  EXPECT_GT(server["server_cpu_per_mpts"].get<double>(), 0);
  EXPECT_GT(server["server_rss_max"].get<double>(), 0);
  ASSERT_EQ(server["sources"].size(), 2u);
  EXPECT_EQ(server["sources"][0]["kind"], "/debug/vars");
  EXPECT_FALSE(server["sources"][0]["per_second"].empty());
  // _stressTest: measurement `server`, one row per source per second.
  HttpReply rows = server_->query("SELECT count(server_rss) FROM server GROUP BY kind", "_stressTest");
  EXPECT_NE(rows.body.find("\"/debug/vars\""), std::string::npos) << rows.body;
  EXPECT_NE(rows.body.find("\"/proc\""), std::string::npos) << rows.body;
}

// Two INSERTs side by side (GO ... WAIT): the server's count in either one's window holds
// points of both, so each is judged over their joint window against what both accepted,
// and its CPU per point is the joint window's CPU over both's points; no false mismatch.
TEST_F(ServerMetricsTest, InsertsSideBySideAreCountedOverTheirJointWindow) {
  const std::string script = dir_.write(
      "s.iql",
      "CREATE DATABASE sm\n\nSET Database [sm]\n\nSET BatchSize [1000]\n\n"
      "GO INSERT a\na,host=h-[int inc(0) 50]\nv=[float rand(100) 0]\n20000 1s\n\n"
      "GO INSERT b\nb,host=h-[int inc(0) 50]\nv=[float rand(100) 0]\n30000 1s\n\nWAIT\n");
  const std::string json = dir_.path() + "/r.json";
  const std::string pid = std::to_string(server_->pid());
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none", "--server-pid", pid,
                              "--json", json, script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->count_points("sm", "a", "v") + server_->count_points("sm", "b", "v"), 50000);
  EXPECT_EQ(count_of(r.out, "    Shared Window:"), 4u) << r.out;  // 2 INSERTs x 2 sources
  EXPECT_EQ(count_of(r.out, "ran at the same time as INSERT b;"), 2u) << r.out;
  EXPECT_EQ(count_of(r.out, "ran at the same time as INSERT a;"), 2u) << r.out;
  // /debug/vars counts points, /proc does not.
  EXPECT_EQ(count_of(r.out, " 50000 (stressql: 50000 points accepted in the joint window)\n"), 2u) << r.out;
  EXPECT_EQ(r.out.find("Count Mismatch"), std::string::npos) << r.out;
  const nlohmann::json doc = validated_report(json);
  const nlohmann::json* a = nullptr;
  const nlohmann::json* b = nullptr;
  for (const nlohmann::json& st : doc["statements"]) {
    if (st["name"] == "a") a = &st;
    if (st["name"] == "b") b = &st;
  }
  ASSERT_TRUE(a && b) << doc.dump();
  const nlohmann::json& vars = (*a)["server"]["sources"][0];
  EXPECT_EQ(vars["kind"], "/debug/vars");
  EXPECT_EQ(vars["shared_with"], nlohmann::json::array({"INSERT b"}));
  EXPECT_EQ(vars["server_points_shared"], 50000.0);
  EXPECT_EQ(vars["points_accepted_shared"], 50000);
  // One joint window, one CPU per point: the same for both statements.
  const double per_a = (*a)["server"]["server_cpu_per_mpts"].get<double>();
  EXPECT_GT(per_a, 0);
  EXPECT_DOUBLE_EQ((*b)["server"]["server_cpu_per_mpts"].get<double>(), per_a);
}

// INSERTs one after the other, each well under the sampler's second: the next one starts
// after the reading that closes the last one's window, so each counts its own points only.
TEST_F(ServerMetricsTest, InsertsOneAfterAnotherEachCountTheirOwnPoints) {
  std::string text = "CREATE DATABASE sm\n\nSET Database [sm]\n\nSET BatchSize [1000]\n\n";
  for (const char* m : {"a", "b", "c", "d"}) {
    text += std::string("INSERT ") + m + "\n" + m + ",host=h-[int inc(0) 50]\nv=[float rand(100) 0]\n40000 1s\n\n";
  }
  const std::string script = dir_.write("s.iql", text);
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count_of(r.out, "    Points Written (server count):     40000 (stressql: 40000 accepted)\n"), 4u) << r.out;
  EXPECT_EQ(r.out.find("Count Mismatch"), std::string::npos) << r.out;
}

TEST_F(ServerMetricsTest, AStallingAndAGarbageSourceGiveOneWarningEachAndTheRunIsRight) {
  // The fault server: a real server does not stall or answer garbage on demand.
  FaultServer stall([](const FaultRequest&) { return FaultReply{FaultReply::Mode::kStall, ""}; });
  FaultServer garbage([](const FaultRequest&) {
    return FaultReply{FaultReply::Mode::kNormal, FaultServer::response(200, std::string("\x00\xff<html>{{", 10))};
  });
  stall.pass_ping_to_handler();  // its /metrics and /debug/vars too: they are what is tested
  garbage.pass_ping_to_handler();
  std::string error;
  ASSERT_TRUE(stall.start(0, &error)) << error;
  ASSERT_TRUE(garbage.start(0, &error)) << error;
  const std::string script = dir_.write(
      "s.iql", "SET ServerMetrics [http://" + stall.address() + "/metrics|http://" + garbage.address() +
                   "/debug/vars]\n\n" + insert_script("mem", 200000, "used=[int rand(1000) 0]"));
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(report_value(r.out, "  Points Accepted / Dropped / Failed:"), "200000 / 0 / 0");
  EXPECT_EQ(server_->count_points("sm", "mem", "used"), 200000);
  EXPECT_EQ(count_of(r.err, "stressql: warning: server metrics: "), 2u) << r.err;
  EXPECT_EQ(count_of(r.err, stall.address()), 1u) << r.err;
  EXPECT_EQ(count_of(r.err, garbage.address()), 1u) << r.err;
  EXPECT_NE(report_value(r.out, "    Failed Readings:").find("(no answer within 500 ms)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not an InfluxDB /debug/vars answer"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\xff'), std::string::npos);  // a server's bytes never reach the report
}

TEST(ServerMetricsVictoria, CountsRowsOneForEachFieldAndSaysSo) {
  std::string error;
  std::unique_ptr<VictoriaServer> vm = VictoriaServer::start(&error);
  ASSERT_TRUE(vm) << error;
  ScriptDir dir;
  const std::string script =
      dir.write("v.iql", "SET StartDate [" + VictoriaServer::an_hour_ago() + "]\n\n" +
                             insert_script("disk", 20000, "a=[int rand(9) 0],b=[float rand(1) 0],c=[int inc(0) 0]"));
  ProcessResult r = stressql({"run", "--addresses", vm->address(), "--results", "none", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(report_value(r.out, "  Points Accepted / Dropped / Failed:"), "20000 / 0 / 0");
  EXPECT_EQ(report_value(r.out, "    Rows Written (server count):"),
            "60000 (VictoriaMetrics counts rows, one per field; stressql: 20000 points accepted)");
  EXPECT_EQ(vm->count_points("disk_a", 20000), 20000);
  EXPECT_NE(report_value(r.out, "    Server RSS max:"), "");
}

TEST_F(ServerMetricsTest, ANodeExporterGivesTheHostsCpuAndMemory) {
  std::string error;
  std::unique_ptr<NodeExporter> ne = NodeExporter::start(&error);
  ASSERT_TRUE(ne) << error;
  const std::string script = dir_.write("n.iql", insert_script("net", 20000, "rx=[int rand(100) 0]"));
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none", "--server-metrics",
                              "http://" + ne->address() + "/metrics", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("  Server " + ne->address() + " (node exporter):\n"), std::string::npos) << r.out;
  EXPECT_NE(report_value(r.out, "    Host CPU:").find("cores avg"), std::string::npos) << r.out;
  EXPECT_NE(report_value(r.out, "    Host Memory Used max:").find("MB"), std::string::npos) << r.out;
  EXPECT_EQ(report_value(r.out, "    Points Written (server count):"), "");  // a host counts no points
}

TEST_F(ServerMetricsTest, FindMaxStepsCarryTheServersCpuPerMillionPointsAndRss) {
  const std::string script = dir_.write(
      "f.iql", "CREATE DATABASE fm\n\nSET Database [fm]\n\nSET BatchSize [500]\n\nINSERT w\nw,host=h-[int inc(0) 20]\n"
               "v=[int inc(0) 0]\n100000 1s\n");
  const std::string json = dir_.path() + "/fm.json";
  ProcessResult r = stressql({"find-max", script, "--addresses", server_->address(), "--results", "none", "--step", "1s",
                              "--warmup", "500ms", "--start", "20000 pts/s", "--max", "40000 pts/s", "--max-steps", "2",
                              "--slo", "error_rate<=100%", "--server-pid", std::to_string(server_->pid()), "--json", json});
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_NE(r.out.find("SrvCPU  CPU-s/Mpts   SrvRSS"), std::string::npos) << r.out;
  const nlohmann::json doc = nlohmann::json::parse(read_file(json));
  ASSERT_FALSE(doc["steps"].empty()) << r.out;
  for (const nlohmann::json& step : doc["steps"]) {
    EXPECT_GT(step["server"]["server_cpu_per_mpts"].get<double>(), 0) << step.dump();
    EXPECT_GT(step["server"]["server_rss_max"].get<double>(), 0) << step.dump();
  }
}

TEST_F(ServerMetricsTest, NoneReadsNothingAndABadValueIsAUsageError) {
  const std::string script = dir_.write("s.iql", insert_script("cpu", 1000, "value=[float rand(100) 0]"));
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none", "--server-metrics",
                              "none", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("  Server "), std::string::npos) << r.out;
  ProcessResult bad = stressql({"run", "--server-metrics", "db1:9100", script});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("--server-metrics: expected auto, none or '|'-separated http://host:port/path URLs"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace stressql::testing
