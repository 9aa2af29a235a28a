// Writes through the v1 and v2 paths, with and without gzip, into two real servers:
// VictoriaMetrics (Debian's victoria-metrics; it takes line protocol at /write and
// /api/v2/write) and InfluxDB 1.x (influxd). Every point is counted back from the server.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "tests/cli/run_test_util.h"
#include "tests/support/victoria_server.h"

namespace stressql::testing {
namespace {

std::string insert(const std::string& measurement, long long points) {
  return "SET StartDate [" + VictoriaServer::an_hour_ago() + "]\n\nSET BatchSize [500]\n\nINSERT " + measurement +
         "\n" + measurement + ",host=h-[int inc(0) 10],region=[a|b]\nvalue=[float rand(100) 0]\n" +
         std::to_string(points) + " 1s\n";
}

TEST(GzipServers, VictoriaMetricsCountsEveryPointViaV1AndV2WithAndWithoutGzip) {
  std::string error;
  std::unique_ptr<VictoriaServer> vm = VictoriaServer::start(&error);
  ASSERT_TRUE(vm) << error;
  ScriptDir dir;
  int n = 0;
  for (const char* api : {"auto", "v2"}) {
    for (const char* gzip : {"false", "true"}) {
      char name[16];
      std::snprintf(name, sizeof name, "m%d", n++);
      const std::string m = name;
      const long long points = 2000 + n;  // the last batch is short
      std::string head = std::string("SET Api [") + api + "]\n\nSET Org [o]\n\nSET Gzip [" + gzip + "]\n\n";
      std::string script = dir.write(m + ".iql", head + insert(m, points));
      const std::string json = dir.path() + "/" + m + ".json";
      ProcessResult r = stressql({"run", "--addresses", vm->address(), "--results", "none",
                                  "--reactors", "1", "--json", json, script});
      ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
      EXPECT_EQ(report_value(r.out, "  Points Accepted / Dropped / Failed:"),
                std::to_string(points) + " / 0 / 0");
      EXPECT_EQ(vm->count_points(m + "_value", points), points) << api << " gzip " << gzip;
      const nlohmann::json st = nlohmann::json::parse(read_file(json))["statements"][5];
      if (std::string(api) == "auto") {
        // VictoriaMetrics' /ping has no X-Influxdb-Version: auto says so and takes v1.
        EXPECT_EQ(report_value(r.out, "  API:"),
                  "v1 (auto: " + vm->address() + " answered GET /ping without X-Influxdb-Version, so v1)");
      }
      EXPECT_EQ(st["api"]["name"], std::string(api) == "auto" ? "v1" : "v2");
      if (std::string(gzip) == "true") {
        EXPECT_EQ(st["gzip"]["level"], 1);  // SET Gzip [true]
        EXPECT_GT(st["gzip"]["ratio"].get<double>(), 2.0);  // line protocol compresses well
        EXPECT_LT(st["gzip"]["body_bytes"].get<uint64_t>(), st["gzip"]["raw_body_bytes"].get<uint64_t>());
        EXPECT_EQ(report_value(r.out, "  Gzip:").rfind("level 1, ratio ", 0), 0u) << r.out;
      } else {
        EXPECT_EQ(st["gzip"]["level"], 0);
        EXPECT_EQ(st["gzip"]["body_bytes"], st["gzip"]["raw_body_bytes"]);
      }
    }
  }
}

class GzipInflux : public InfluxTest {};

TEST_F(GzipInflux, AutoDetects1xAndGzipWritesAreCountedBackWhileDumpStaysPlain) {
  std::string script = dir_.write(
      "g.iql", "CREATE DATABASE gz\n\nSET Database [gz]\n\nSET Gzip [12]\n\n" + insert("cpu", 3001));
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none",
                              "--reactors", "1", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->count_points("gz", "cpu"), 3001);
  const std::string api = report_value(r.out, "  API:");
  EXPECT_EQ(api.rfind("v1 (auto: " + server_->address() + " answered GET /ping with X-Influxdb-Version 1.", 0), 0u)
      << api;
  EXPECT_EQ(report_value(r.out, "  Gzip:").rfind("level 12, ratio ", 0), 0u) << r.out;

  // --dump writes the line protocol uncompressed, byte for byte what gzip-less runs send.
  const std::string plain = dir_.path() + "/plain.lp", zipped = dir_.path() + "/zipped.lp";
  std::string off = dir_.write("off.iql", "SET Gzip [false]\n\nSET Seed [7]\n\n" + insert("cpu", 1200));
  std::string on = dir_.write("on.iql", "SET Gzip [true]\n\nSET Seed [7]\n\n" + insert("cpu", 1200));
  ASSERT_EQ(stressql({"run", "--dump", plain, off}).exit_code, 0);
  ProcessResult d = stressql({"run", "--dump", zipped, on});
  ASSERT_EQ(d.exit_code, 0) << d.out << d.err;
  const std::string dumped = read_file(zipped);
  EXPECT_EQ(dumped, read_file(plain));
  EXPECT_EQ(std::count(dumped.begin(), dumped.end(), '\n'), 1200);
  EXPECT_NE(report_value(d.out, "  Gzip:"), "");  // the dump still says what gzip would do
}

// MB/s counts bytes as sent: with gzip on, the schedule spaces requests by their gzip'd
// size, and the achieved rate counts the gzip'd bytes (what the wire and the server carry),
// so a target of 0.2 MB/s sends about 0.2 MB of gzip'd bodies a second, not 0.2 MB of line
// protocol. The report and the JSON show the raw bytes, the encoded bytes and their ratio.
TEST_F(GzipInflux, MegabytesPerSecondCountsTheGzippedBytesAsSent) {
  std::string script = dir_.write("mb.iql", "CREATE DATABASE mb\n\nSET Database [mb]\n\nSET Gzip [true]\n\n"
                                            "SET WriteRate [0.2 MB/s]\n\n" +
                                                insert("cpu", 120000));
  const std::string json = dir_.path() + "/mb.json";
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none",
                              "--reactors", "1", "--json", json, script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->count_points("mb", "cpu"), 120000);
  const nlohmann::json report = validated_report(json);
  nlohmann::json st;
  for (const nlohmann::json& s : report["statements"]) {
    if (s["kind"] == "insert") st = s;
  }
  ASSERT_TRUE(st.is_object()) << r.out;
  const double raw = st["gzip"]["raw_body_bytes"].get<double>(), sent = st["gzip"]["body_bytes"].get<double>();
  const double ratio = st["gzip"]["ratio"].get<double>();
  EXPECT_GT(ratio, 2.0) << r.out;  // so counting raw bytes would miss the target by 2× or more
  EXPECT_NEAR(ratio, raw / sent, 1e-9);
  // The spacing is by the mean gzip'd body; the achieved rate counts gzip'd bytes.
  EXPECT_EQ(st["rate"]["unit"], "MB/s");
  EXPECT_NEAR(st["rate"]["units_per_request"].get<double>() * 240, sent / 1e6, 0.1 * sent / 1e6) << r.out;
  const double achieved = st["rate"]["achieved"].get<double>();
  // Tolerances any loaded machine meets at this rate; counting raw bytes would space the
  // requests by the ratio (about 17 here) too far apart.
  EXPECT_GT(achieved, 0.2 * 0.7) << r.out;
  EXPECT_LT(achieved, 0.2 * 1.1) << r.out;  // never ahead of the schedule by more than rounding
  EXPECT_NE(report_value(r.out, "  Target Rate:").find("body bytes per request on average, as sent (gzip'd)"),
            std::string::npos)
      << r.out;
  char gzip_line[160];
  std::snprintf(gzip_line, sizeof gzip_line, "ratio %.2f (%.0f body bytes sent for %.0f)", ratio, sent, raw);
  EXPECT_NE(report_value(r.out, "  Gzip:").find(gzip_line), std::string::npos) << r.out;
}

}  // namespace
}  // namespace stressql::testing
