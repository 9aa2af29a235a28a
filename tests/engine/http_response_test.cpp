#include "engine/http_response.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "engine/http_request.h"
#include "engine/retry_policy.h"

namespace stressql::engine {
namespace {

using Result = ResponseParser::Result;

// Feeds `pieces` in order; returns every completed response.
std::vector<HttpResponse> parse(ResponseParser* p, const std::vector<std::string>& pieces,
                                bool* error = nullptr) {
  std::vector<HttpResponse> out;
  for (const std::string& piece : pieces) {
    const char* d = piece.data();
    size_t n = piece.size();
    while (n > 0) {
      size_t used = 0;
      Result r = p->feed(d, n, &used);
      if (r == Result::kError) {
        if (error) *error = true;
        return out;
      }
      if (used == 0) {  // the parser must make progress, or this loop would never end
        ADD_FAILURE() << "feed() consumed nothing of " << n << " bytes";
        return out;
      }
      d += used;
      n -= used;
      if (r == Result::kComplete) out.push_back(p->response());
    }
  }
  return out;
}

const std::string k204 = "HTTP/1.1 204 No Content\r\nX-Influxdb-Version: 1.8\r\nDate: now\r\n\r\n";
const std::string k400body =
    "{\"error\":\"partial write: field type conflict: input field \\\"v\\\" dropped=17\"}  ";
const std::string k400 = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(k400body.size()) + "\r\n\r\n" + k400body;

TEST(ResponseParser, SimpleNoContent) {
  ResponseParser p;
  auto r = parse(&p, {k204});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, 204);
  EXPECT_EQ(r[0].body_bytes, 0u);
  EXPECT_TRUE(r[0].keep_alive);
  EXPECT_EQ(r[0].retry_after_s, -1);
}

TEST(ResponseParser, SplitAtEveryOffset) {
  const std::string both = k400 + k204;
  for (size_t cut = 0; cut <= both.size(); ++cut) {
    ResponseParser p;
    p.reset(false, true);
    auto r = parse(&p, {both.substr(0, cut), both.substr(cut)});
    ASSERT_EQ(r.size(), 2u) << "cut " << cut;
    EXPECT_EQ(r[0].status, 400);
    EXPECT_EQ(r[0].body_bytes, k400body.size());
    EXPECT_TRUE(r[0].has_dropped);
    EXPECT_EQ(r[0].dropped, 17u) << "cut " << cut;
    EXPECT_EQ(r[1].status, 204);
    EXPECT_FALSE(r[1].has_dropped);
  }
}

TEST(ResponseParser, SeveralInOneBuffer) {
  ResponseParser p;
  std::string all;
  for (int i = 0; i < 5; ++i) all += k204;
  all += "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
  auto r = parse(&p, {all});
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(r[5].status, 200);
  EXPECT_EQ(r[5].body_bytes, 3u);
}

TEST(ResponseParser, TrickledOneByteAtATime) {
  const std::string chunked =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nRetry-After: 7\r\n\r\n"
      "5\r\nhello\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n";
  std::vector<std::string> bytes;
  for (char c : chunked + k204) bytes.emplace_back(1, c);
  ResponseParser p;
  auto r = parse(&p, bytes);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].status, 200);
  EXPECT_EQ(r[0].body_bytes, 21u);
  EXPECT_EQ(r[0].retry_after_s, 7);
  EXPECT_EQ(r[1].status, 204);
  EXPECT_EQ(r[1].retry_after_s, -1);
}

TEST(ResponseParser, RetryAfterAndConnectionClose) {
  ResponseParser p;
  auto r = parse(&p, {"HTTP/1.1 503 Service Unavailable\r\nretry-after:  12 \r\nConnection: close\r\n"
                      "Content-Length: 0\r\n\r\n"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, 503);
  EXPECT_EQ(r[0].retry_after_s, 12);
  EXPECT_FALSE(r[0].keep_alive);
  ResponseParser q;
  r = parse(&q, {"HTTP/1.1 429 Too Many\r\nRetry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\nContent-Length: 0\r\n\r\n"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].retry_after_s, -1);  // HTTP-date form is not honoured
}

TEST(ResponseParser, BodyUntilEof) {
  ResponseParser p;
  auto r = parse(&p, {"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsome body"});
  EXPECT_TRUE(r.empty());
  EXPECT_TRUE(p.in_progress());
  ASSERT_EQ(p.finish(), Result::kComplete);
  EXPECT_EQ(p.response().body_bytes, 9u);
  EXPECT_FALSE(p.response().keep_alive);
}

TEST(ResponseParser, TruncatedIsNotComplete) {
  ResponseParser p;
  auto r = parse(&p, {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"});
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(p.finish(), Result::kError);
}

TEST(ResponseParser, Garbage) {
  ResponseParser p;
  bool error = false;
  parse(&p, {"NOT HTTP AT ALL\r\n\r\n"}, &error);
  EXPECT_TRUE(error);
}

TEST(ResponseParser, JsonErrorMember) {
  auto scan = [](const std::string& body, size_t piece) {
    ResponseParser p;
    p.reset(true, false);
    std::string msg = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    std::vector<std::string> pieces;
    for (size_t i = 0; i < msg.size(); i += piece) pieces.push_back(msg.substr(i, piece));
    auto r = parse(&p, pieces);
    EXPECT_EQ(r.size(), 1u);
    return !r.empty() && r[0].json_error;
  };
  for (size_t piece : {size_t{1}, size_t{3}, size_t{1000}}) {
    EXPECT_TRUE(scan(R"({"error":"database not found"})", piece));
    EXPECT_TRUE(scan(R"({"results":[{"statement_id":0,"error":"bad"}]})", piece));
    EXPECT_TRUE(scan(R"({"results":[{"statement_id":0,"series":[]},{"statement_id":1, "error" : "x"}]})", piece));
    EXPECT_FALSE(scan(R"({"results":[{"statement_id":0,"series":[{"name":"error","values":[["error"]]}]}]})", piece));
    EXPECT_FALSE(scan(R"({"results":[{"statement_id":0,"series":[{"columns":["error"],"tags":{"error":"x"}}]}]})", piece));
    EXPECT_FALSE(scan(R"({"results":[{"statement_id":0,"messages":"\"error\":"}]})", piece));
  }
}

// InfluxDB 3's partial write (https://docs.influxdata.com/influxdb3/core/write-data/http-api/v3-write-lp/,
// "Accept partial writes"): one `data` entry per rejected line; the rest were written.
TEST(ResponseParser, InfluxDb3PartialWriteCountsItsRejectedLines) {
  const std::string body =
      R"({"error":"partial write of line protocol occurred","data":[)"
      R"({"original_line":"a v=x 1","line_number":2,"error_message":"invalid column type"},)"
      R"({"original_line":"a v=y 1","line_number":5,"error_message":"invalid column type"}]})";
  const std::string msg = "HTTP/1.1 400 Bad Request\r\nContent-Length: " + std::to_string(body.size()) +
                          "\r\n\r\n" + body;
  for (size_t cut = 0; cut <= msg.size(); cut += 7) {
    ResponseParser p;
    p.reset(false, true);
    auto r = parse(&p, {msg.substr(0, cut), msg.substr(cut)});
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(r[0].has_dropped);
    EXPECT_EQ(r[0].dropped, 2u) << "cut " << cut;
    char text[120];
    error_message(r[0], text, sizeof text);
    EXPECT_STREQ(text, "partial write of line protocol occurred");
  }
  // accept_partial=false rejects the whole batch: its lines are listed, none was written.
  const std::string all = R"({"error":"parsing failed for write_lp endpoint","data":{"original_line":"a v=x 1","line_number":2}})";
  ResponseParser p;
  p.reset(false, true);
  auto r = parse(&p, {"HTTP/1.1 400 Bad Request\r\nContent-Length: " + std::to_string(all.size()) + "\r\n\r\n" + all});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].has_dropped);
}

// InfluxDB 2.x's error bodies (https://docs.influxdata.com/influxdb/v2/api/, schema Error):
// {"code": …, "message": …}; the message is what the report shows.
TEST(ResponseParser, ErrorMessageFromV2MessageMember) {
  const std::string body = R"({"code":"unauthorized","message":"unauthorized access"})";
  ResponseParser p;
  auto r = parse(&p, {"HTTP/1.1 401 Unauthorized\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\n\r\n" + body});
  ASSERT_EQ(r.size(), 1u);
  char text[120];
  error_message(r[0], text, sizeof text);
  EXPECT_STREQ(text, "unauthorized access");
}

// The message is cut to fit between two characters, never inside one; the server's bytes
// are kept otherwise (a Latin-1 byte is the writers' to replace), control characters are not.
TEST(ResponseParser, ErrorMessageIsCutBetweenCharacters) {
  const std::string euro = "\xE2\x82\xAC";
  for (size_t pad = 0; pad < 3; ++pad) {
    const std::string body = "{\"error\":\"" + std::string(pad, 'x') + euro + euro + "\"}";
    ResponseParser p;
    auto r = parse(&p, {"HTTP/1.1 400 Bad Request\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n\r\n" + body});
    ASSERT_EQ(r.size(), 1u);
    char text[6];  // room for 5 bytes: pad + one euro, then the next one would be split
    error_message(r[0], text, sizeof text);
    EXPECT_EQ(std::string(text), std::string(pad, 'x') + euro) << pad;
  }
  const std::string body = "{\"error\":\"caf\xE9\x1B[31m\tred\"}";
  ResponseParser p;
  auto r = parse(&p, {"HTTP/1.1 400 Bad Request\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\n\r\n" + body});
  ASSERT_EQ(r.size(), 1u);
  char text[120];
  error_message(r[0], text, sizeof text);
  EXPECT_STREQ(text, "caf\xE9 [31m red");
}

TEST(RequestTemplate, FramesPostAndGet) {
  RequestTemplate post(Method::kPost, "127.0.0.1:8086", "Content-Type: text/plain\r\n", 32);
  std::string buf(post.header_room() + 16, '\0');
  std::memcpy(&buf[post.header_room()], "m v=1", 5);
  size_t off = post.frame(buf.data(), "/write?db=x", 11, 5);
  EXPECT_EQ(buf.substr(off), "POST /write?db=x HTTP/1.1\r\nHost: 127.0.0.1:8086\r\nContent-Type: text/plain\r\n"
                             "Content-Length: 5\r\n\r\nm v=1" + std::string(11, '\0'));
  RequestTemplate get(Method::kGet, "h:1", "", 8);
  std::string g(get.header_room(), '\0');
  off = get.frame(g.data(), "/ping", 5, 0);
  EXPECT_EQ(g.substr(off), "GET /ping HTTP/1.1\r\nHost: h:1\r\n\r\n");
  RequestTemplate del(Method::kDelete, "h:1", "", 8);
  std::string d(del.header_room(), '\0');
  off = del.frame(d.data(), "/x?db=a", 7, 0);
  EXPECT_EQ(d.substr(off), "DELETE /x?db=a HTTP/1.1\r\nHost: h:1\r\n\r\n");
}

TEST(RetryPolicy, ClassifiesAndBacksOff) {
  EXPECT_TRUE(is_retryable(Failure::kHttpStatus, 503));
  EXPECT_TRUE(is_retryable(Failure::kHttpStatus, 429));
  EXPECT_TRUE(is_retryable(Failure::kHttpStatus, 500));
  EXPECT_FALSE(is_retryable(Failure::kHttpStatus, 400));
  EXPECT_FALSE(is_retryable(Failure::kHttpStatus, 404));
  EXPECT_FALSE(is_retryable(Failure::kHttpStatus, 413));
  EXPECT_TRUE(is_retryable(Failure::kRefused, 0));
  EXPECT_TRUE(is_retryable(Failure::kTimeout, 0));
  EXPECT_TRUE(is_retryable(Failure::kReset, 0));
  EXPECT_FALSE(is_retryable(Failure::kQueryError, 200));
  EXPECT_FALSE(is_retryable(Failure::kCancelled, 0));
  Random rnd(42);
  for (uint32_t a = 2; a < 20; ++a) {
    for (int i = 0; i < 100; ++i) {
      int64_t d = retry_delay_ns(a, 100, 5000, -1, &rnd);
      EXPECT_GE(d, 0);
      EXPECT_LE(d, std::min<int64_t>(5000, 100LL << std::min<uint32_t>(a - 2, 20)));
    }
  }
  EXPECT_EQ(retry_delay_ns(2, 100, 5000, 3, &rnd), 3'000'000'000);
  EXPECT_EQ(retry_delay_ns(2, 100, 5000, 1'000'000, &rnd), kMaxRetryAfterNs);
}

}  // namespace
}  // namespace stressql::engine
