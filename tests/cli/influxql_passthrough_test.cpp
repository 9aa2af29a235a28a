// InfluxQL passthrough against a real influxd: what the report says when the server refuses
// a statement, and the hint for the one refusal every user of the original tool meets.
#include <gtest/gtest.h>

#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

using std::chrono::seconds;

class InfluxQLPassthroughTest : public InfluxTest {};

// The original tool's own example script starts with `CREATE DATABASE IF NOT EXISTS`, which
// InfluxDB 1.x refuses; its plain CREATE DATABASE already succeeds on an existing database.
TEST_F(InfluxQLPassthroughTest, IfNotExistsOn1xFailsWithAHint) {
  std::string script = dir_.write("ine.iql", "create  database\nIF NOT EXISTS thing\n\nCREATE DATABASE thing\n");
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none", script},
                             seconds(60));
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("[X] 'create  database\nIF NOT EXISTS thing'"), std::string::npos) << r.out;
  EXPECT_EQ(report_value(r.out, "  Hint:").rfind("InfluxDB 1.x has no IF NOT EXISTS", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("[√] 'CREATE DATABASE thing'"), std::string::npos) << r.out;
  // The second statement did what the first meant.
  HttpReply dbs = server_->query("SHOW DATABASES");
  EXPECT_NE(dbs.body.find("\"thing\""), std::string::npos) << dbs.body;
}

TEST_F(InfluxQLPassthroughTest, OtherRefusalsGetNoHint) {
  std::string script = dir_.write("bad.iql", "CREATE DATABASE\n");
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", "none", script},
                             seconds(60));
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("[X] 'CREATE DATABASE'"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Hint:"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace stressql::testing
