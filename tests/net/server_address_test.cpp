// One results-server address: its URL (userinfo taken as credentials, never shown), the one
// Authorization builder, and the one "HTTP N: body" text, whose excerpt of a server's bytes
// stays valid UTF-8.
#include "net/server_address.h"

#include <gtest/gtest.h>

#include "net/http_client.h"
#include "net/results_endpoint.h"
#include "net/url_text.h"

namespace stressql::net {
namespace {

using base::Api;

TEST(ServerAddress, AuthorizationHeaderAsTheApiWantsIt) {
  Credentials token{"tok", "", ""};
  Credentials user{"", "bob", "s3cret"};
  Credentials both{"tok", "bob", "s3cret"};
  EXPECT_EQ(authorization_header(Api::kV1, {}), "");
  EXPECT_EQ(authorization_header(Api::kV1, token), "Authorization: Token tok\r\n");
  EXPECT_EQ(authorization_header(Api::kV1, user), "Authorization: Basic Ym9iOnMzY3JldA==\r\n");
  EXPECT_EQ(authorization_header(Api::kAuto, both), "Authorization: Basic Ym9iOnMzY3JldA==\r\n");
  EXPECT_EQ(authorization_header(Api::kV2, both), "Authorization: Token tok\r\n");
  EXPECT_EQ(authorization_header(Api::kV3, both), "Authorization: Bearer tok\r\n");
  EXPECT_EQ(authorization_header(Api::kV2, user), "Authorization: Basic Ym9iOnMzY3JldA==\r\n");
}

TEST(ServerAddress, UrlUserinfoIsCredentialsAndNeverShown) {
  ServerAddress a;
  std::string error;
  ASSERT_TRUE(parse_server_url("http://bob:p%40ss@127.0.0.1:8086/", &a, &error)) << error;
  EXPECT_EQ(a.host_port, "127.0.0.1:8086");
  EXPECT_EQ(a.credentials.username, "bob");
  EXPECT_EQ(a.credentials.password, "p@ss");
  EXPECT_EQ(a.shown(), "http://127.0.0.1:8086");
  ServerAddress b;
  EXPECT_FALSE(parse_server_url("https://bob:hunter2@h:1", &b, &error));
  EXPECT_EQ(error.find("hunter2"), std::string::npos) << error;
  EXPECT_NE(error.find("https://h:1"), std::string::npos) << error;
  EXPECT_FALSE(parse_server_url("http://h:1/path", &b, &error));
  EXPECT_EQ(url_without_userinfo("http://bob:x@h:1/a?b=c@d"), "http://h:1/a?b=c@d");
  EXPECT_EQ(url_without_userinfo("http://h:1"), "http://h:1");
  EXPECT_EQ(url_without_userinfo("none"), "none");
}

TEST(ServerAddress, ResultsEndpointPerApi) {
  ServerAddress s;
  s.host_port = "h:1";
  s.org = "my org";
  s.credentials.token = "tok";
  s.api = Api::kV2;
  ResultsEndpoint v2 = results_endpoint(s);
  EXPECT_EQ(v2.create_target, "");
  EXPECT_EQ(v2.write_target, "/api/v2/write?org=my%20org&bucket=_stressTest&precision=ns");
  EXPECT_EQ(v2.auth, "Authorization: Token tok\r\n");
  s.api = Api::kV3;
  ResultsEndpoint v3 = results_endpoint(s);
  EXPECT_EQ(v3.create_target, "/api/v3/configure/database");
  EXPECT_EQ(v3.query_target, "/api/v3/query_influxql?db=_stressTest&epoch=ns");
  EXPECT_EQ(v3.auth, "Authorization: Bearer tok\r\n");
  s.api = Api::kAuto;
  EXPECT_EQ(results_endpoint(s).write_target, "/write?db=_stressTest&precision=ns");
}

TEST(ReplyText, ExcerptCutsAtACharacterBoundaryAndReplacesBadBytes) {
  // "é" is two bytes: a cut after 3 bytes keeps "aé", not half of the next "é".
  EXPECT_EQ(utf8_excerpt("a\xC3\xA9\xC3\xA9", 4), "a\xC3\xA9");
  EXPECT_EQ(utf8_excerpt("a\xC3\xA9\xC3\xA9", 5), "a\xC3\xA9\xC3\xA9");
  // A lone continuation byte, a truncated sequence, an overlong and a surrogate: U+FFFD each.
  EXPECT_EQ(utf8_excerpt("x\x80y", 100), "x\xEF\xBF\xBDy");
  EXPECT_EQ(utf8_excerpt("x\xE2\x82", 100), "x\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(utf8_excerpt("\xC0\xAF", 100), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(utf8_excerpt("\xED\xA0\x80", 100), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  // A 4-byte character never split, and line breaks become spaces: one line of text.
  EXPECT_EQ(utf8_excerpt("ab\xF0\x9F\x98\x80", 5), "ab");
  EXPECT_EQ(utf8_excerpt("a\r\nb", 10), "a  b");

  HttpReply r;
  r.status = 401;
  r.body = std::string(199, 'x') + "\xC3\xA9" + "\n";
  EXPECT_EQ(reply_error_text(r), "HTTP 401: " + std::string(199, 'x'));
  r.body = "{\"error\":\"authorization failed\"}\n";
  EXPECT_EQ(reply_error_text(r), "HTTP 401: {\"error\":\"authorization failed\"}");
  HttpReply none;
  none.error = "connect: Connection refused";
  EXPECT_EQ(reply_error_text(none), "connect: Connection refused");
}

}  // namespace
}  // namespace stressql::net
