// The JSON report's server section for one shard of several.
#include "report/json_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/report/report_test_util.h"

namespace stressql::report {
namespace {

// One shard's report (SPEC §6.5): the server's count and CPU hold every shard's points, so
// its JSON, which thresholds, compare and find-max read, has no CPU per point and says the
// count and the CPU per point are not judged per shard; the raw numbers stay.
TEST(JsonReport, AShardsServerCpuPerPointIsNullAndSaidNotJudged) {
  std::vector<stats::StatementReport> statements;
  statements.push_back(insert_with_server(3));
  stats::StatementReport& r = statements[0];
  stats::RunSummary run;
  run.shard = "1/3";
  run.shards = 3;
  nlohmann::json j = json_report(statements, run, nlohmann::json::object(), "test");
  const nlohmann::json& server = j["statements"][0]["server"];
  EXPECT_TRUE(server["server_cpu_per_mpts"].is_null()) << server.dump();
  EXPECT_TRUE(server["sources"][0]["server_cpu_per_mpts"].is_null()) << server.dump();
  EXPECT_EQ(server["sources"][0]["shards"], 3) << server.dump();
  EXPECT_EQ(server["not_judged_per_shard"], nlohmann::json({"server_points", "server_cpu_per_mpts"})) << server.dump();
  EXPECT_EQ(server["server_points"], 1000.0) << server.dump();
  EXPECT_EQ(server["server_cpu"], 0.5) << server.dump();
  EXPECT_EQ(server["server_rss_max"], 2e8) << server.dump();

  // One process: judged, and nothing said.
  r.server[0].shards = 1;
  run = {};
  j = json_report(statements, run, nlohmann::json::object(), "test");
  const nlohmann::json& alone = j["statements"][0]["server"];
  EXPECT_DOUBLE_EQ(alone["server_cpu_per_mpts"].get<double>(), 4000) << alone.dump();
  EXPECT_FALSE(alone.contains("not_judged_per_shard")) << alone.dump();
  EXPECT_FALSE(alone["sources"][0].contains("shards")) << alone.dump();
}

}  // namespace
}  // namespace stressql::report
