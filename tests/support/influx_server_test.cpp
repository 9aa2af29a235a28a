// The fixture itself: a real influxd starts, takes writes, counts them back, restarts
// with its data, and is gone after destruction.
#include "tests/support/influx_server.h"

#include <gtest/gtest.h>

namespace stressql::testing {
namespace {

TEST(InfluxServerTest, WritesAreCountedBackAndSurviveRestart) {
  std::string error;
  auto server = InfluxServer::start(&error);
  ASSERT_TRUE(server) << error;
  ASSERT_EQ(server->query("CREATE DATABASE fixture").status, 200);
  HttpReply w = http_request(server->address(), "POST", "/write?db=fixture&precision=s",
                             "cpu,host=a value=1 1\ncpu,host=b value=2 1\ncpu,host=a value=3 2\n");
  ASSERT_EQ(w.status, 204) << w.body << w.error;
  EXPECT_EQ(server->count_points("fixture", "cpu"), 3);
  ASSERT_TRUE(server->restart(&error)) << error;
  EXPECT_EQ(server->count_points("fixture", "cpu"), 3);
}

TEST(InfluxServerTest, KilledServerRefusesConnections) {
  std::string error;
  auto server = InfluxServer::start(&error);
  ASSERT_TRUE(server) << error;
  std::string address = server->address();
  server->kill();
  HttpReply r = http_request(address, "GET", "/ping", "", "", std::chrono::seconds(5));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("refused"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace stressql::testing
