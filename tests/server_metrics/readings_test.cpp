// The readers of metrics answers: pure functions over bytes. The answers below are cut from
// what influxd 1.6, victoria-metrics and prometheus-node-exporter (Debian) really sent.
#include "server_metrics/readings.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "server_metrics/sources.h"
#include "stats/server_stats.h"
#include "tests/parser/corpus_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace stressql::server_metrics {
namespace {

using stats::ServerMetric;
using stats::ServerReading;

constexpr const char* kDebugVars = R"({
"system": {"currentTime":"2026-12-07T15:15:19.275204824Z","started":"2026-12-07T15:15:15.029281316Z","uptime":4},
"cmdline": ["influxd","run","-config","influx.conf"],
"memstats": {"Alloc":2293832,"Sys":14398728},
"runtime": {"name":"runtime","tags":{},"values":{"Alloc":2206448,"HeapInUse":3121152,"Sys":14398728}},
"database:s": {"name":"database","tags":{"database":"s"},"values":{"numMeasurements":1,"numSeries":2}},
"shard:/d/s/autogen/1:1": {"name":"shard","tags":{"database":"s","id":"1"},"values":{"diskBytes":64,"fieldsCreate":3,"seriesCreate":2,"writePointsOk":2,"writeReq":1}},
"shard:/d/s/autogen/2:2": {"name":"shard","tags":{"database":"s","id":"2"},"values":{"seriesCreate":5,"writePointsOk":7}},
"tsm1_cache:/d/s/autogen/1:1": {"name":"tsm1_cache","tags":{"id":"1"},"values":{"cachedBytes":0,"memBytes":78}},
"tsm1_wal:/d/s/autogen/1:1": {"name":"tsm1_wal","tags":{"id":"1"},"values":{"currentSegmentDiskBytes":64,"oldSegmentsDiskBytes":10}},
"write": {"name":"write","tags":null,"values":{"pointReq":2,"writeError":0,"writeOk":1}},
"httpd:127.0.0.1:18086": {"name":"httpd","tags":{"bind":"127.0.0.1:18086"},"values":{"pointsWrittenDropped":1,"pointsWrittenFail":2,"pointsWrittenOK":9,"writeReq":1}}
})";

TEST(ReadDebugVars, MapsInfluxdCountersToTheVocabulary) {
  ServerReading r;
  std::string error;
  ASSERT_TRUE(read_debug_vars(kDebugVars, {"shard.writePointsOk", "nothing.here"}, &r, &error)) << error;
  EXPECT_EQ(r[ServerMetric::kPoints], 9);
  EXPECT_EQ(r[ServerMetric::kWriteErrors], 3);
  EXPECT_EQ(r[ServerMetric::kSeriesCreated], 7);  // summed over the shards
  EXPECT_EQ(r[ServerMetric::kCacheBytes], 78);
  EXPECT_EQ(r[ServerMetric::kWalBytes], 74);
  EXPECT_EQ(r[ServerMetric::kRss], 14398728);
  EXPECT_FALSE(r[ServerMetric::kCpu]);  // /debug/vars has no CPU time
  ASSERT_EQ(r.extra.size(), 1u);
  EXPECT_EQ(r.extra[0].first, "shard.writePointsOk");
  EXPECT_EQ(r.extra[0].second, 9);
}

TEST(ReadDebugVars, RefusesWhatIsNotDebugVars) {
  for (std::string body : {std::string("<html>nope</html>"), std::string("[1,2]"), std::string("{\"a\":1}"),
                           std::string(100000, '['), std::string("\xff\xfe{\"x\"")}) {
    ServerReading r;
    std::string error;
    EXPECT_FALSE(read_debug_vars(body, {}, &r, &error)) << body.substr(0, 20);
    EXPECT_NE(error.find("not an InfluxDB /debug/vars answer"), std::string::npos) << error;
  }
}

constexpr const char* kVictoria =
    "vm_new_timeseries_created_total 3\n"
    "vm_rows_inserted_total{type=\"graphite\"} 0\n"
    "vm_rows_inserted_total{type=\"influx\"} 3\n"
    "process_cpu_seconds_total 0.09999999999999999\n"
    "process_resident_memory_bytes 24350720\n"
    "process_io_storage_written_bytes_total 241664\n";

TEST(ReadPrometheus, VictoriaMetricsCountsRows) {
  ServerReading r;
  Flavour f{};
  std::string error;
  ASSERT_TRUE(read_prometheus(kVictoria, {"vm_rows_inserted_total"}, &r, &f, &error)) << error;
  EXPECT_EQ(f, Flavour::kVictoriaMetrics);
  EXPECT_EQ(r[ServerMetric::kPoints], 3);
  EXPECT_EQ(r[ServerMetric::kSeriesCreated], 3);
  EXPECT_DOUBLE_EQ(*r[ServerMetric::kCpu], 0.09999999999999999);
  EXPECT_EQ(r[ServerMetric::kRss], 24350720);
  EXPECT_EQ(r[ServerMetric::kDiskWriteBytes], 241664);
  ASSERT_EQ(r.extra.size(), 1u);
  EXPECT_EQ(r.extra[0].second, 3);
}

TEST(ReadPrometheus, NodeExporterGivesTheHostNotItsOwnProcess) {
  const char* text =
      "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n"
      "# TYPE node_cpu_seconds_total counter\n"
      "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 735.21\n"
      "node_cpu_seconds_total{cpu=\"0\",mode=\"iowait\"} 493.88\n"
      "node_cpu_seconds_total{cpu=\"0\",mode=\"steal\"} 24.25\n"
      "node_cpu_seconds_total{cpu=\"0\",mode=\"system\"} 664.5\n"
      "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 10121.5\n"
      "node_cpu_seconds_total{cpu=\"1\",mode=\"user\"} 10\n"
      "node_disk_written_bytes_total{device=\"vda\"} 3.098865664e+10\n"
      "node_memory_MemAvailable_bytes 2.4073785344e+10\n"
      "node_memory_MemTotal_bytes 2.53249536e+10\n"
      "process_cpu_seconds_total 0.01\n"
      "process_resident_memory_bytes 1.5458304e+07\n";
  ServerReading r;
  Flavour f{};
  std::string error;
  ASSERT_TRUE(read_prometheus(text, {}, &r, &f, &error)) << error;
  EXPECT_EQ(f, Flavour::kNodeExporter);
  EXPECT_DOUBLE_EQ(*r[ServerMetric::kCpu], 664.5 + 10121.5 + 10);
  EXPECT_DOUBLE_EQ(*r[ServerMetric::kRss], 2.53249536e+10 - 2.4073785344e+10);
  EXPECT_DOUBLE_EQ(*r[ServerMetric::kDiskWriteBytes], 3.098865664e+10);
  EXPECT_FALSE(r[ServerMetric::kPoints]);
}

TEST(ReadPrometheus, InfluxDB2NamesAndLabelsWithBracesInQuotes) {
  const char* text =
      "storage_writer_ok_points{path=\"/a}b\",x=\"q\\\"}\"} 100 1700000000000\r\n"
      "storage_writer_ok_points{path=\"/c\"} 20\r\n"
      "storage_writer_err_points 1\n"
      "storage_wal_size 4096\n"
      "storage_cache_inuse_bytes 512\n";
  ServerReading r;
  Flavour f{};
  std::string error;
  ASSERT_TRUE(read_prometheus(text, {}, &r, &f, &error)) << error;
  EXPECT_EQ(f, Flavour::kInfluxDB2);
  EXPECT_EQ(r[ServerMetric::kPoints], 120);
  EXPECT_EQ(r[ServerMetric::kWriteErrors], 1);
  EXPECT_EQ(r[ServerMetric::kWalBytes], 4096);
  EXPECT_EQ(r[ServerMetric::kCacheBytes], 512);
}

TEST(ReadPrometheus, NotANumberAndInfinityAreLeftOut) {
  ServerReading r;
  Flavour f{};
  std::string error;
  ASSERT_TRUE(read_prometheus("vm_rows_inserted_total{a=\"1\"} +Inf\nvm_rows_inserted_total{a=\"2\"} -Inf\n"
                              "vm_rows_inserted_total{a=\"3\"} 7\nprocess_cpu_seconds_total NaN\n",
                              {}, &r, &f, &error))
      << error;
  EXPECT_EQ(r[ServerMetric::kPoints], 7);
  EXPECT_FALSE(r[ServerMetric::kCpu]);
}

TEST(ReadPrometheus, RefusesGarbage) {
  for (std::string body : {std::string(""), std::string("# only comments\n"),
                           std::string("<html><body>502</body></html>"), std::string("x{a=\"1\" 5\n"),
                           std::string("\x01\x02\x03 zz\n", 8)}) {
    ServerReading r;
    Flavour f{};
    std::string error;
    EXPECT_FALSE(read_prometheus(body, {}, &r, &f, &error)) << body;
    EXPECT_NE(error.find("not a Prometheus text answer"), std::string::npos) << error;
  }
}

TEST(ReadProc, StatStatusAndIo) {
  // The command name may hold blanks and parentheses: fields count from the last ')'.
  const char* stat = "4242 (influx d) (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0 1 2 3";
  const char* status = "Name:\tinfluxd\nVmRSS:\t   81200 kB\nThreads:\t12\n";
  const char* io = "rchar: 1\nwrite_bytes: 65536\n";
  ServerReading r;
  std::string error;
  ASSERT_TRUE(read_proc(stat, status, io, 100, &r, &error)) << error;
  EXPECT_DOUBLE_EQ(*r[ServerMetric::kCpu], 3.0);
  EXPECT_EQ(r[ServerMetric::kRss], 81200.0 * 1024);
  EXPECT_EQ(r[ServerMetric::kDiskWriteBytes], 65536);
  ServerReading bad;
  EXPECT_FALSE(read_proc("4242 (x) S 1 2", status, io, 100, &bad, &error));
  EXPECT_FALSE(read_proc("garbage", status, io, 100, &bad, &error));
}

TEST(ReadSource, OwnProcessThroughProc) {
  Source s;
  s.kind = SourceKind::kProc;
  s.pid = static_cast<int>(getpid());
  ServerReading r;
  Flavour f{};
  std::string error;
  ASSERT_TRUE(read_source(s, {}, std::chrono::milliseconds(500), &r, &f, &error)) << error;
  EXPECT_TRUE(r[ServerMetric::kCpu]);
  EXPECT_GT(*r[ServerMetric::kRss], 0);
  s.pid = 0x7ffffff0;  // no such process
  EXPECT_FALSE(read_source(s, {}, std::chrono::milliseconds(500), &r, &f, &error));
  EXPECT_NE(error.find("no process"), std::string::npos) << error;
}

TEST(SourceFromUrl, PathChoosesTheReader) {
  Source s;
  std::string error;
  ASSERT_TRUE(source_from_url("http://127.0.0.1:8086/debug/vars", &s, &error)) << error;
  EXPECT_EQ(s.kind, SourceKind::kDebugVars);
  EXPECT_EQ(s.host_port, "127.0.0.1:8086");
  ASSERT_TRUE(source_from_url("http://bob:pw@db1:9100/metrics", &s, &error)) << error;
  EXPECT_EQ(s.kind, SourceKind::kPrometheus);
  EXPECT_EQ(s.target, "/metrics");
  EXPECT_NE(s.authorization.find("Basic"), std::string::npos);
  ASSERT_TRUE(source_from_url("http://db1:8428", &s, &error)) << error;
  EXPECT_EQ(s.target, "/metrics");
  EXPECT_FALSE(source_from_url("https://db1:8086/metrics", &s, &error));
  EXPECT_FALSE(source_from_url("db1:8086", &s, &error));
}

TEST(AutoSource, PingSaysWhichEndpoint) {
  Source s;
  std::string why;
  net::ApiChoice one = net::api_from_ping("h:1", nullptr, "connection refused");
  EXPECT_FALSE(auto_source("h:1", one, &s, &why));
  EXPECT_NE(why.find("did not answer"), std::string::npos);
  const std::string v16 = "1.6.7~rc0", v2 = "v2.7.4";
  ASSERT_TRUE(auto_source("h:1", net::api_from_ping("h:1", &v16, ""), &s, &why));
  EXPECT_EQ(s.target, "/debug/vars");
  ASSERT_TRUE(auto_source("h:1", net::api_from_ping("h:1", &v2, ""), &s, &why));
  EXPECT_EQ(s.target, "/metrics");
  ASSERT_TRUE(auto_source("h:1", net::api_from_ping("h:1", nullptr, ""), &s, &why));  // VictoriaMetrics
  EXPECT_EQ(s.target, "/metrics");
}

ServerReading reading(int64_t t_s, double points, double cpu, double rss) {
  ServerReading r;
  r.unix_ns = t_s * 1'000'000'000;
  r[ServerMetric::kPoints] = points;
  r[ServerMetric::kCpu] = cpu;
  r[ServerMetric::kRss] = rss;
  return r;
}

TEST(ServerWindow, RatesTotalsAndAReset) {
  // t=10 before the statement, its window is [10.5, 13.5], t=14 after it. The server
  // restarted between 12 and 13 (its count fell to 50).
  std::vector<ServerReading> rs = {reading(9, 0, 0, 10), reading(10, 100, 1, 20), reading(11, 1100, 2.5, 40),
                                   reading(12, 2100, 4, 30), reading(13, 50, 0.5, 5), reading(14, 1050, 1.5, 7),
                                   reading(15, 9999, 9, 99)};
  stats::ServerSourceStats st = stats::server_window(rs, {11'000'000'000, 20'000'000'000}, 10'500'000'000, 13'500'000'000);
  EXPECT_EQ(st.points, 1000 + 1000 + 50 + 1000);
  EXPECT_DOUBLE_EQ(*st.cpu_seconds, 1.5 + 1.5 + 0.5 + 1);
  EXPECT_DOUBLE_EQ(*st.cpu_avg, 4.5 / 4);
  EXPECT_DOUBLE_EQ(*st.cpu_max, 1.5);
  EXPECT_EQ(st.rss_max, 40);
  EXPECT_EQ(st.failures, 1u);
  ASSERT_EQ(st.seconds.size(), 4u);
  EXPECT_EQ(st.seconds[0][ServerMetric::kPoints], 1000);
  EXPECT_EQ(st.seconds[1][ServerMetric::kRss], 30);
  EXPECT_DOUBLE_EQ(*st.cpu_per_mpts(3050), 4.5 * 1e6 / 3050);
  EXPECT_FALSE(st.cpu_per_mpts(0));
  // A server that counts after answering: readings until the next statement starts (15.5 s)
  // may close the window.
  stats::ServerSourceStats settled = stats::server_window(rs, {}, 10'500'000'000, 13'500'000'000, 15'500'000'000);
  EXPECT_EQ(settled.points, 3050 + 9999 - 1050);
}

TEST(ServerWindow, ProcessCpuBeforeHostCpu) {
  stats::ServerSourceStats host, vars, proc;
  host.host = true;
  host.cpu_seconds = 10;
  host.rss_max = 1e9;
  vars.rss_max = 5e8;
  proc.cpu_seconds = 2;
  proc.rss_max = 6e8;
  const std::vector<stats::ServerSourceStats> all = {host, vars, proc};
  EXPECT_EQ(stats::server_process_first(all, &stats::ServerSourceStats::cpu_seconds, true), 2);
  EXPECT_EQ(stats::server_process_first(all, &stats::ServerSourceStats::rss_max, false), 6e8);
  EXPECT_EQ(stats::server_cpu_per_mpts(all, 1'000'000), 2);
  EXPECT_EQ(stats::server_cpu_per_mpts({host}, 2'000'000), 5);
}

// The fuzz target's corpus, replayed in every build: its checks hold for each seed, and each
// seed is a real answer its reader takes (so the fuzzer starts from valid ones).
TEST(MetricsCorpusReplay, EverySeedKeepsTheFuzzTargetsChecksAndReads) {
  auto files = parser::testing::files_under("tests/server_metrics/metrics_corpus");
  ASSERT_GE(files.size(), 4u);
  for (const auto& f : files) {
    const std::string bytes = parser::testing::slurp(f);
    ASSERT_FALSE(bytes.empty()) << f;
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0) << f;
    ServerReading r;
    Flavour fl{};
    std::string error;
    const std::string_view body(bytes.data() + 1, bytes.size() - 1);
    const bool ok = bytes[0] == 0 ? read_debug_vars(body, {}, &r, &error)
                    : bytes[0] == 1 ? read_prometheus(body, {}, &r, &fl, &error)
                                    : read_proc(body.substr(0, body.find('\0')), "", "", 100, &r, &error);
    EXPECT_TRUE(ok) << f << ": " << error;
  }
}

}  // namespace
}  // namespace stressql::server_metrics
