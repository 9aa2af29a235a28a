// examples/tsbs/*.iql (SPEC §7.2): they render TSBS's data shapes, compared with TSBS's own
// output (shared/data/tsbs: seed 11, scale 2, one hour, through its lpshape.py), and each
// loads into a real influxd and is counted back exactly, net of the points left out.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

using nlohmann::json;

// TSBS's reference data: shared/ beside the clone (as CI lays it out), or
// $STRESSQL_SHARED_DIR/data/tsbs where a checkout lives elsewhere.
const std::string kShared = [] {
  const char* env = std::getenv("STRESSQL_SHARED_DIR");
  return env && *env ? std::string(env) + "/data/tsbs"
                     : std::string(STRESSQL_SOURCE_DIR "/../shared/data/tsbs");
}();

std::string example(const std::string& name) {
  return std::string(STRESSQL_SOURCE_DIR) + "/examples/tsbs/" + name + ".iql";
}

// lpshape.py's JSON of a line-protocol file.
json lpshape(const std::string& file) {
  ProcessResult r = run_process({"python3", kShared + "/lpshape.py", file}, std::chrono::seconds(60));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out, nullptr, false);
}

// Our range [lo, hi] against TSBS's [tlo, thi]. TSBS's ranges at scale 2 come from two
// random hosts with random starting values (its cpu-only and devops samples, the same
// generator, give usage_idle 48..87 and 74..99), so: the ranges overlap, and ours lies
// within one span (the larger of the two) of TSBS's, plus a millionth of the magnitude for
// fields that sit far from zero (disk free ~5.5e11). That still catches a field at the
// wrong scale, sign or place.
void expect_range(const std::string& what, const json& ours, const json& theirs) {
  if (theirs["min"].is_null()) return;  // strings and booleans carry no range
  const double lo = ours["min"], hi = ours["max"], tlo = theirs["min"], thi = theirs["max"];
  const double slack = std::max({thi - tlo, hi - lo, 1.0}) +
                       1e-6 * std::max(std::fabs(tlo), std::fabs(thi));
  const std::string ranges = what + ": ours " + std::to_string(lo) + ".." + std::to_string(hi) +
                             ", TSBS " + std::to_string(tlo) + ".." + std::to_string(thi);
  EXPECT_LE(lo, thi + 1e-6 * std::fabs(thi)) << ranges << " (no overlap)";
  EXPECT_GE(hi, tlo - 1e-6 * std::fabs(tlo)) << ranges << " (no overlap)";
  EXPECT_GE(lo, tlo - slack) << ranges;
  EXPECT_LE(hi, thi + slack) << ranges;
}

void compare_shapes(const std::string& use_case, const json& ours, const json& theirs, int scale) {
  ASSERT_TRUE(ours.is_object());
  std::vector<std::string> a, b;
  for (auto& [m, _] : ours.items()) a.push_back(m);
  for (auto& [m, _] : theirs.items()) b.push_back(m);
  ASSERT_EQ(a, b) << use_case << ": measurement names";
  for (auto& [m, t] : theirs.items()) {
    const json& o = ours[m];
    const std::string where = use_case + "/" + m;
    EXPECT_EQ(o["tags"], t["tags"]) << where;
    std::vector<std::string> of, tf;
    for (auto& [f, _] : o["fields"].items()) of.push_back(f);
    for (auto& [f, _] : t["fields"].items()) tf.push_back(f);
    ASSERT_EQ(of, tf) << where << ": field keys";
    for (auto& [f, spec] : t["fields"].items()) {
      EXPECT_EQ(o["fields"][f]["type"], spec["type"]) << where << "." << f;
      expect_range(where + "." + f, o["fields"][f], spec);
    }
    EXPECT_EQ(o["interval_ns"], t["interval_ns"]) << where;
    if (use_case == "iot") {
      // TSBS's iot also drops a tag from an occasional line, which makes a series of a
      // point or two (4 keys for 2 trucks here); stressql writes one series per truck.
      EXPECT_EQ(o["series"], scale) << where;
      EXPECT_GE(t["series"].get<int>(), scale) << where;
    } else {
      EXPECT_EQ(o["series"], t["series"]) << where;
    }
    const double points = o["points"], tpoints = t["points"];
    EXPECT_NEAR(points, tpoints, 0.03 * tpoints) << where << ": points";
    EXPECT_NEAR(o["missing_field_share"].get<double>(), t["missing_field_share"].get<double>(), 0.01) << where;
    EXPECT_NEAR(o["out_of_order_share"].get<double>(), t["out_of_order_share"].get<double>(), 0.05) << where;
  }
}

class TsbsShapes : public ::testing::TestWithParam<const char*> {};

TEST_P(TsbsShapes, DumpMatchesTsbsShape) {
  const std::string use_case = GetParam();
  const std::string shape_file = kShared + "/" + use_case + "-seed11-scale2-1h.shape.json";
  ASSERT_TRUE(std::filesystem::exists(shape_file))
      << "TSBS reference data missing: expected " << shape_file
      << " (shared/ beside the clone, as CI lays it out; or set STRESSQL_SHARED_DIR)";
  ScriptDir dir;
  const std::string dump = dir.path() + "/out.lp";
  ProcessResult r = stressql({"run", "--seed", "11", "--define", "scale=2", "--define",
                              "duration=1h", "--dump", dump, example(use_case)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  compare_shapes(use_case, lpshape(dump), json::parse(read_file(shape_file)), 2);
}

INSTANTIATE_TEST_SUITE_P(Examples, TsbsShapes, ::testing::Values("cpu-only", "devops", "iot"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

// Rows of `measurement` in db (every point has a row, whatever fields it lacks).
int64_t rows(InfluxServer& server, const std::string& db, const std::string& measurement) {
  HttpReply r = server.query("SELECT * FROM \"" + measurement + "\"", db);
  if (r.status != 200) return -1;
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j["results"][0].contains("series")) return 0;
  int64_t n = 0;
  for (const json& s : j["results"][0]["series"]) n += static_cast<int64_t>(s["values"].size());
  return n;
}

class TsbsLoad : public InfluxTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(TsbsLoad, CountedBackExactly) {
  const std::string use_case = GetParam();
  // No CREATE DATABASE here: each example creates its own database, as TSBS's loader does.
  const std::string report = dir_.path() + "/report.json";
  ProcessResult r = stressql({"run", "--seed", "5", "--define", "scale=2", "--define",
                              "duration=10m", "--define", "database=tsbs", "--addresses",
                              server_->address(), "--results", "none", "--json", report,
                              example(use_case)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json j = validated_report(report);
  uint64_t requested = 0, accepted = 0, skipped = 0;
  int64_t counted = 0;
  for (const json& st : j["statements"]) {
    if (st["kind"] != "insert") continue;
    const json& p = st["points"];
    EXPECT_EQ(p["requested"].get<uint64_t>(),
              p["accepted"].get<uint64_t>() + p["dropped"].get<uint64_t>() +
                  p["failed"].get<uint64_t>() + p["skipped"].get<uint64_t>() +
                  p["not_sent"].get<uint64_t>())
        << st;
    EXPECT_EQ(st["points"]["requested"], 2 * 60) << st["name"];
    EXPECT_FALSE(st["data_shape"].get<std::string>().empty()) << st["name"];
    requested += p["requested"].get<uint64_t>();
    accepted += p["accepted"].get<uint64_t>();
    skipped += p["skipped"].get<uint64_t>();
    counted += rows(*server_, "tsbs", st["name"]);
  }
  EXPECT_EQ(static_cast<uint64_t>(counted), accepted);
  EXPECT_EQ(accepted + skipped, requested);
  if (use_case == std::string("iot")) {
    EXPECT_GT(skipped, 0u);
    EXPECT_NE(r.out.find("Data Shape:"), std::string::npos);
    EXPECT_NE(r.out.find("MissingPoints 8.5%, MissingFields 1.5%, Disorder 19% within 3m"),
              std::string::npos)
        << r.out;
  } else {
    EXPECT_EQ(skipped, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, TsbsLoad, ::testing::Values("cpu-only", "devops", "iot"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
}  // namespace stressql::testing
