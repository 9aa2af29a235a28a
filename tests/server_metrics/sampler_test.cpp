// The sampler against real servers (influxd 1.6, victoria-metrics, a node exporter) and,
// for the faults a real server will not produce on demand (a stall, garbage, a 500), the
// fault server.
#include "server_metrics/sampler.h"

#include <gtest/gtest.h>


#include "base/clock.h"
#include "net/api_probe.h"
#include "tests/support/fault_server.h"
#include "tests/support/influx_server.h"
#include "tests/support/node_exporter.h"
#include "tests/support/victoria_server.h"

namespace stressql::server_metrics {
namespace {

using namespace std::chrono_literals;
using stats::ServerMetric;

Source auto_for(const std::string& address) {
  Source s;
  std::string why;
  EXPECT_TRUE(auto_source(address, net::probe_api(address, "", 2000ms, nullptr), &s, &why)) << why;
  return s;
}

// Waits (bounded) until source 0 has `n` more readings than now.
void await_readings(Sampler& sampler, size_t n) {
  const size_t want = sampler.history(0).readings.size() + sampler.history(0).failures.size() + n;
  const int64_t deadline = base::monotonic_ns() + 10'000'000'000;
  while (base::monotonic_ns() < deadline) {
    Sampler::History h = sampler.history(0);
    if (h.readings.size() + h.failures.size() >= want) return;
    std::this_thread::sleep_for(10ms);
  }
  FAIL() << "no reading within 10 s";
}

// VictoriaMetrics answers a write before it has counted its rows: takes readings (bounded)
// until source 0's count has grown by `want` since its first reading, or 10 s have passed.
void await_count(Sampler& sampler, double want) {
  const int64_t deadline = base::monotonic_ns() + 10'000'000'000;
  while (base::monotonic_ns() < deadline) {
    Sampler::History h = sampler.history(0);
    if (h.readings.size() >= 2 && h.readings.back()[ServerMetric::kPoints] &&
        *h.readings.back()[ServerMetric::kPoints] - *h.readings.front()[ServerMetric::kPoints] >= want) {
      return;
    }
    sampler.mark();
    await_readings(sampler, 1);
  }
}

TEST(SamplerInfluxd, CountsExactlyThePointsWritten) {
  std::string error;
  auto influx = testing::InfluxServer::start(&error);
  ASSERT_TRUE(influx) << error;
  ASSERT_EQ(influx->query("CREATE DATABASE m").status, 200);
  Source s = auto_for(influx->address());
  EXPECT_EQ(s.kind, SourceKind::kDebugVars);
  Sampler sampler({s}, {});
  sampler.start();
  std::string body;
  for (int i = 0; i < 1000; ++i) body += "cpu,host=h" + std::to_string(i % 10) + " v=" + std::to_string(i) + " " + std::to_string(i + 1) + "\n";
  for (int k = 0; k < 3; ++k) {
    auto reply = net::http_request(influx->address(), "POST", "/write?db=m&precision=s", body);
    ASSERT_EQ(reply.status, 204) << reply.body;
  }
  sampler.mark();
  await_readings(sampler, 1);
  sampler.stop();
  Sampler::History h = sampler.history(0);
  ASSERT_GE(h.readings.size(), 2u);
  stats::ServerSourceStats st = stats::server_window(h.readings, h.failures, h.readings.front().unix_ns,
                                                     h.readings.back().unix_ns);
  EXPECT_EQ(st.points, 3000);  // the server's own count: every point, once
  EXPECT_EQ(st.series_created, 10);
  EXPECT_GT(*st.rss_max, 0);
  EXPECT_EQ(st.failures, 0u);
  EXPECT_EQ(influx->count_points("m", "cpu", "v"), 1000);  // same timestamps: overwritten
}

TEST(SamplerVictoria, CountsRowsOneForEachField) {
  std::string error;
  auto vm = testing::VictoriaServer::start(&error);
  ASSERT_TRUE(vm) << error;
  Source s = auto_for(vm->address());
  EXPECT_EQ(s.kind, SourceKind::kPrometheus);
  Sampler sampler({s}, {});
  sampler.start();
  const int64_t now_s = base::unix_ns() / 1'000'000'000;
  std::string body;
  for (int i = 0; i < 500; ++i) body += "disk,host=h" + std::to_string(i % 5) + " a=1,b=2,c=3 " + std::to_string(now_s - i) + "\n";
  auto reply = net::http_request(vm->address(), "POST", "/write?precision=s", body);
  ASSERT_EQ(reply.status, 204) << reply.body;
  await_count(sampler, 500 * 3);
  sampler.stop();
  Sampler::History h = sampler.history(0);
  EXPECT_EQ(h.flavour, Flavour::kVictoriaMetrics);
  stats::ServerSourceStats st = stats::server_window(h.readings, h.failures, h.readings.front().unix_ns,
                                                     h.readings.back().unix_ns);
  EXPECT_EQ(st.points, 500 * 3);  // rows: one per field
  EXPECT_TRUE(st.cpu_seconds);
  EXPECT_GT(*st.rss_max, 0);
}

TEST(SamplerNodeExporter, HostCpuAndMemory) {
  std::string error;
  auto ne = testing::NodeExporter::start(&error);
  ASSERT_TRUE(ne) << error;
  Source s;
  ASSERT_TRUE(source_from_url("http://" + ne->address() + "/metrics", &s, &error)) << error;
  Sampler sampler({s}, {});
  sampler.start();
  sampler.mark();
  await_readings(sampler, 1);
  sampler.stop();
  Sampler::History h = sampler.history(0);
  EXPECT_EQ(h.flavour, Flavour::kNodeExporter);
  ASSERT_GE(h.readings.size(), 2u);
  EXPECT_GT(*h.readings.back()[ServerMetric::kCpu], 0);
  EXPECT_GT(*h.readings.back()[ServerMetric::kRss], 0);
  EXPECT_TRUE(h.readings.back()[ServerMetric::kDiskWriteBytes]);
}

// A stall, garbage and a 500 (the fault server: real servers do not do these on demand):
// one warning line per source, a count of failed readings, and the sampler keeps its time.
TEST(SamplerFaults, OneWarningAndACountEach) {
  testing::FaultServer stall([](const testing::FaultRequest&) {
    return testing::FaultReply{testing::FaultReply::Mode::kStall, ""};
  });
  testing::FaultServer garbage([](const testing::FaultRequest&) {
    return testing::FaultReply{testing::FaultReply::Mode::kNormal,
                               testing::FaultServer::response(200, std::string("\x00\xff{{<>\n\x01", 9))};
  });
  testing::FaultServer error500([](const testing::FaultRequest&) {
    return testing::FaultReply{testing::FaultReply::Mode::kNormal, testing::FaultServer::response(500, "boom")};
  });
  for (testing::FaultServer* f : {&stall, &garbage, &error500}) f->pass_ping_to_handler();  // /metrics too
  std::string error;
  ASSERT_TRUE(stall.start(0, &error)) << error;
  ASSERT_TRUE(garbage.start(0, &error)) << error;
  ASSERT_TRUE(error500.start(0, &error)) << error;
  std::vector<Source> sources(3);
  ASSERT_TRUE(source_from_url("http://" + stall.address() + "/debug/vars", &sources[0], &error));
  ASSERT_TRUE(source_from_url("http://" + garbage.address() + "/metrics", &sources[1], &error));
  ASSERT_TRUE(source_from_url("http://" + error500.address() + "/metrics", &sources[2], &error));
  SamplerOptions o;
  o.interval = 100ms;
  o.timeout = 200ms;
  Sampler sampler(sources, o);
  sampler.start();
  await_readings(sampler, 3);
  const int64_t t0 = base::monotonic_ns();
  sampler.stop();
  EXPECT_LT(base::monotonic_ns() - t0, 5'000'000'000);  // bounded: one more round of timeouts
  const std::vector<std::string> warnings = sampler.take_warnings();
  ASSERT_EQ(warnings.size(), 3u);  // one each, however many readings failed
  EXPECT_TRUE(sampler.take_warnings().empty());
  for (size_t i = 0; i < 3; ++i) {
    Sampler::History h = sampler.history(i);
    EXPECT_TRUE(h.readings.empty());
    EXPECT_GE(h.failures.size(), 3u);
  }
  EXPECT_NE(warnings[0].find("within 200 ms"), std::string::npos) << warnings[0];
  EXPECT_NE(sampler.history(1).first_error.find("not a Prometheus text answer"), std::string::npos);
  EXPECT_NE(sampler.history(2).first_error.find("HTTP 500"), std::string::npos) << sampler.history(2).first_error;
}

}  // namespace
}  // namespace stressql::server_metrics
