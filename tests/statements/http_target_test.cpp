#include "statements/http_target.h"

#include <gtest/gtest.h>

#include "statements/api_detect.h"

namespace stressql::statements {
namespace {

using parser::Api;
using parser::Precision;

// Out of line: gcc 12 warns falsely (-Wrestrict) about a literal assigned to an inlined
// copy's string member.
[[gnu::noinline]] void put(std::string& field, const char* value) { field = value; }

parser::Settings with(Api api) {
  parser::Settings s;
  s.api = api;
  s.database = "my db";
  return s;
}

TEST(HttpTarget, WriteTargetsPerApi) {
  EXPECT_EQ(write_target(with(Api::kV1)), "/write?db=my%20db&precision=s");
  parser::Settings v2 = with(Api::kV2);
  put(v2.org, "o&rg");
  EXPECT_EQ(write_target(v2), "/api/v2/write?org=o%26rg&bucket=my%20db&precision=s");
  put(v2.bucket, "b");
  v2.precision = Precision::kMicroseconds;
  EXPECT_EQ(write_target(v2), "/api/v2/write?org=o%26rg&bucket=b&precision=us");
  parser::Settings v3 = with(Api::kV3);
  EXPECT_EQ(write_target(v3), "/api/v3/write_lp?db=my%20db&precision=second");
  v3.precision = Precision::kNanoseconds;
  v3.no_sync = false;
  v3.accept_partial = false;
  EXPECT_EQ(write_target(v3),
            "/api/v3/write_lp?db=my%20db&precision=nanosecond&no_sync=false&accept_partial=false");
}

TEST(HttpTarget, QueryTargetsPerApi) {
  EXPECT_EQ(query_target(with(Api::kV1), "SELECT 1"), "/query?db=my%20db&q=SELECT%201");
  parser::Settings v2 = with(Api::kV2);
  put(v2.bucket, "bk");
  EXPECT_EQ(query_target(v2, "SELECT 1"), "/query?db=bk&q=SELECT%201");
  EXPECT_EQ(query_target(with(Api::kV3), "SELECT 1"), "/api/v3/query_influxql?db=my%20db&q=SELECT%201");
}

TEST(HttpTarget, CredentialsPerApi) {
  parser::Settings v1 = with(Api::kV1);
  EXPECT_EQ(request_headers(v1, "", false), "");
  EXPECT_EQ(request_headers(v1, "t", false), "Authorization: Token t\r\n");
  put(v1.username, "u");
  EXPECT_EQ(request_headers(v1, "t", false), "Authorization: Basic dTo=\r\n");
  parser::Settings v2 = with(Api::kV2);
  v2.gzip_level = 6;
  EXPECT_EQ(request_headers(v2, "t", true),
            "Authorization: Token t\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Encoding: gzip\r\n");
  EXPECT_EQ(request_headers(with(Api::kV3), "t", false), "Authorization: Bearer t\r\n");
}

TEST(HttpTarget, ChecksSettingsAgainstTheApi) {
  parser::Settings v2 = with(Api::kV2);
  EXPECT_FALSE(check_api_settings(v2));
  put(v2.org, "o");
  EXPECT_TRUE(check_api_settings(v2));
  v2.precision = Precision::kMinutes;
  EXPECT_EQ(check_api_settings(v2).message(),
            "the v2 API has no precision 'm'; expected SET Precision [ns], [u], [ms] or [s]");
  parser::Settings v1 = with(Api::kV1);
  v1.precision = Precision::kHours;
  EXPECT_TRUE(check_api_settings(v1));
}

TEST(HttpTarget, PassthroughMapsV3DatabaseStatements) {
  PassthroughRequest r = passthrough_request(with(Api::kV3), "  create  Database \"a \\\"b\" WITH DURATION 1d", false);
  EXPECT_EQ(r.method, engine::Method::kPost);
  EXPECT_EQ(r.target, "/api/v3/configure/database");
  EXPECT_EQ(r.body, R"({"db":"a \"b"})");
  r = passthrough_request(with(Api::kV3), "DROP DATABASE x;", false);
  EXPECT_EQ(r.method, engine::Method::kDelete);
  EXPECT_EQ(r.target, "/api/v3/configure/database?db=x");
  r = passthrough_request(with(Api::kV1), "DROP DATABASE x", false);
  EXPECT_EQ(r.method, engine::Method::kPost);
  EXPECT_EQ(r.target, "/query?db=my%20db&q=DROP%20DATABASE%20x");
}

TEST(ApiDetect, FromTheVersionHeader) {
  const std::string one = "1.8.10", two = "v2.7.4", beta = "2.0.0-beta", three = "3.0.1", twelve = "12.1";
  EXPECT_EQ(api_from_ping("h:1", &one, "").api, Api::kV1);
  EXPECT_EQ(api_from_ping("h:1", &two, "").api, Api::kV2);
  EXPECT_EQ(api_from_ping("h:1", &beta, "").api, Api::kV2);
  EXPECT_EQ(api_from_ping("h:1", &three, "").reason,
            "auto: h:1 answered GET /ping with X-Influxdb-Version 3.0.1");
  EXPECT_EQ(api_from_ping("h:1", &three, "").api, Api::kV3);
  ApiChoice odd = api_from_ping("h:1", &twelve, "");
  EXPECT_EQ(odd.api, Api::kV1);
  EXPECT_NE(odd.reason.find("not 1.x, 2.x or 3.x"), std::string::npos);
  EXPECT_EQ(api_from_ping("h:1", nullptr, "").reason,
            "auto: h:1 answered GET /ping without X-Influxdb-Version, so v1");
  EXPECT_EQ(api_from_ping("h:1", nullptr, "connection refused").api, Api::kV1);
}

}  // namespace
}  // namespace stressql::statements
