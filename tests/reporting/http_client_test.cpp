// The blocking client's reading of answers: it must return as soon as an answer is whole,
// by Content-Length, chunked encoding or a 204, even when the server keeps the connection
// open (a FaultServer stands in: real servers close after "Connection: close", so only a
// test server shows whether the client waits for a close it does not need). The server
// never closes, so a client that waited for the close would end at its limit with a
// time-out error and no answer: a whole answer and no error is the proof, not a clock.
#include "reporting/http_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/support/fault_server.h"

namespace stressql::reporting {
namespace {

using stressql::testing::FaultReply;
using stressql::testing::FaultRequest;
using stressql::testing::FaultServer;

// Asks `answer` of a server that never closes; the client's limit is 20 s.
HttpReply ask(const std::string& answer) {
  FaultServer server([&](const FaultRequest&) { return FaultReply{FaultReply::Mode::kNormal, answer}; });
  std::string error;
  EXPECT_TRUE(server.start(0, &error)) << error;
  return http_request(server.address(), "POST", "/write", "x", "", std::chrono::seconds(20));
}

TEST(HttpClient, ContentLengthAnswerEndsWithoutAClose) {
  HttpReply r = ask(FaultServer::response(200, R"({"results":[]})"));
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, R"({"results":[]})");
  EXPECT_EQ(r.error, "");
}

TEST(HttpClient, NoContentEndsWithoutAClose) {
  HttpReply r = ask(FaultServer::response(204));
  EXPECT_EQ(r.status, 204) << r.error;
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.error, "");
}

TEST(HttpClient, ChunkedAnswerIsDecodedAndEndsAtItsLastChunk) {
  const std::string body(100000, 'y');
  HttpReply r = ask(FaultServer::chunked(200, body, 777));
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, body);
  EXPECT_EQ(r.error, "");
}

TEST(HttpClient, AnswerWithoutLengthWaitsForTheCloseWithinTheLimit) {
  // Neither length nor chunks: only a close ends it; this server never closes, so the
  // request ends at its limit with a clear error, not a hang.
  FaultServer server([](const FaultRequest&) {
    return FaultReply{FaultReply::Mode::kNormal, "HTTP/1.1 200 OK\r\n\r\npartial"};
  });
  std::string error;
  ASSERT_TRUE(server.start(0, &error)) << error;
  HttpReply r = http_request(server.address(), "GET", "/", "", "", std::chrono::milliseconds(300));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "timed out waiting for the answer");
}

}  // namespace
}  // namespace stressql::reporting
