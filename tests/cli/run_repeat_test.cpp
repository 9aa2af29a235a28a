// `run --repeat N` end to end against the nginx sink: N reports with fresh test IDs, the
// summary over them, a JSON holding every repeat (validated against both schemas), thresholds
// judged per repeat, and compare deciding over the repeats of such files.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "tests/cli/run_test_util.h"
#include "tests/support/nginx_sink.h"

namespace stressql::testing {
namespace {

using std::chrono::seconds;

TEST(RunRepeatTest, EveryRepeatReportedAndKeptThenSummarised) {
  std::string error;
  auto sink = NginxSink::start({}, &error);
  ASSERT_TRUE(sink) << error;
  ScriptDir dir;
  const std::string script = dir.write("r.iql",
                                       "SET BatchSize [100]\n\nINSERT cpu\ncpu,host=server-[int inc(0) 10]\n"
                                       "value=[float rand(100) 0]\n2000 1s\n");
  const std::string json = dir.path() + "/repeats.json";
  ProcessResult r = stressql({"run", "--addresses", sink->address(), "--results", "none", "--repeat", "4", "--json",
                              json, "--threshold", "errors==0", script},
                             seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (int i = 1; i <= 4; ++i) {
    EXPECT_NE(r.out.find("=== Repeat " + std::to_string(i) + " of 4 ===\n"), std::string::npos) << r.out;
  }
  EXPECT_NE(r.out.find("\nRepeats:                               4 (test IDs "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  cpu        points_per_sec    "), std::string::npos) << r.out;

  const auto doc = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(doc["schema"], "stressql-repeats");
  EXPECT_EQ(doc["completed"], 4);
  ASSERT_EQ(doc["runs"].size(), 4u);
  std::set<std::string> ids;
  for (const auto& run : doc["runs"]) {
    ids.insert(run["test_id"].get<std::string>());
    EXPECT_EQ(run["totals"]["points_accepted"], 2000);
    EXPECT_EQ(run["thresholds"][0]["pass"], true);
  }
  EXPECT_EQ(ids.size(), 4u);  // a fresh test ID each
  // The file against the repeats schema, and each run in it against the report schema.
  ProcessResult valid = run_process(
      {"python3", "-c",
       "import json,sys,jsonschema\n"
       "doc = json.load(open(sys.argv[1]))\n"
       "jsonschema.validate(doc, json.load(open(sys.argv[2])))\n"
       "report = json.load(open(sys.argv[3]))\n"
       "for run in doc['runs']: jsonschema.validate(run, report)\n",
       json, std::string(STRESSQL_SOURCE_DIR) + "/report/repeats.schema.json",
       std::string(STRESSQL_SOURCE_DIR) + "/report/report.schema.json"},
      seconds(60));
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  const auto& points = doc["summary"][0];
  EXPECT_EQ(points["metric"], "points_per_sec");
  EXPECT_EQ(points["values"].size(), 4u);
  EXPECT_EQ(points["values"][0], doc["runs"][0]["statements"][1]["points_per_second"]);

  // Four repeats a side: compare decides over the repeats.
  const std::string out_json = dir.path() + "/compare.json";
  ProcessResult same = stressql({"compare", json, json, "--json", out_json}, seconds(30));
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  const auto c = nlohmann::json::parse(read_file(out_json));
  EXPECT_EQ(c["rows"][0]["basis"], "4 vs 4 repeats");
  EXPECT_EQ(c["rows"][0]["verdict"], "no significant change");

  // A threshold that fails in the repeats: exit 3 once they are all done.
  ProcessResult failing = stressql({"run", "--addresses", sink->address(), "--results", "none", "--repeat", "2",
                                    "--threshold", "points_per_sec>=1000M", script},
                                   seconds(60));
  EXPECT_EQ(failing.exit_code, 3) << failing.out << failing.err;
  EXPECT_NE(failing.out.find("=== Repeat 2 of 2 ==="), std::string::npos);
}

}  // namespace
}  // namespace stressql::testing
