// The blocking client's reading of answers: it must return as soon as an answer is whole,
// by Content-Length, chunked encoding or a 204, even when the server keeps the connection
// open; a body framed by nothing ends at the close; a reset or a close in the middle of an
// answer, and an abort, end the request with an error. A FaultServer stands in: real servers
// close after "Connection: close" and do not reset on demand, so only a test server shows
// whether the client waits for a close it does not need or takes a cut answer for a whole one.
#include "net/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "tests/support/fault_server.h"

namespace stressql::net {
namespace {

using stressql::testing::FaultReply;
using stressql::testing::FaultRequest;
using stressql::testing::FaultServer;

// Asks `answer` of a server that never closes (kNormal) or closes after it (kCloseAfter).
// The client's limit is 20 s: a client waiting for a close that never comes ends with
// "timed out" and no status, so a status alone shows it did not wait.
HttpReply ask(const std::string& answer, FaultReply::Mode mode = FaultReply::Mode::kNormal) {
  FaultServer server([&](const FaultRequest&) { return FaultReply{mode, answer}; });
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

TEST(HttpClient, AnswerWithoutLengthEndsAtTheClose) {
  HttpReply r = ask("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nthe whole body", FaultReply::Mode::kCloseAfter);
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "the whole body");
}

TEST(HttpClient, ChunkedAnswerInOneByteSendsIsDecoded) {
  const std::string body = "0123456789abcdefghij";
  HttpReply r = ask(FaultServer::chunked(200, body, 3), FaultReply::Mode::kTrickle);
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, body);
}

TEST(HttpClient, CloseBeforeTheWholeContentLengthIsAnError) {
  HttpReply r = ask("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part", FaultReply::Mode::kCloseAfter);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "the server closed in the middle of the answer");
  EXPECT_EQ(r.body, "");
}

TEST(HttpClient, CloseBeforeTheLastChunkIsAnError) {
  std::string answer = FaultServer::chunked(200, std::string(1000, 'z'), 100);
  answer.resize(answer.size() - 5);  // without "0\r\n\r\n"
  HttpReply r = ask(answer, FaultReply::Mode::kCloseAfter);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "the server closed in the middle of the answer");
}

TEST(HttpClient, CloseWithoutAnAnswerIsAnError) {
  HttpReply r = ask("", FaultReply::Mode::kCloseAfter);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "the server closed without answering");
}

TEST(HttpClient, ResetInTheMiddleOfTheAnswerIsAnError) {
  HttpReply r = ask(FaultServer::response(200, std::string(20000, 'r')), FaultReply::Mode::kResetMidway);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "recv: Connection reset by peer");
}

TEST(HttpClient, MalformedAnswerIsAnError) {
  HttpReply r = ask("SMTP ready\r\n\r\n", FaultReply::Mode::kCloseAfter);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.rfind("malformed answer (", 0), 0u) << r.error;
}

TEST(HttpClient, AbortEndsAWaitForAStalledServer) {
  FaultServer server([](const FaultRequest&) { return FaultReply{FaultReply::Mode::kStall, ""}; });
  std::string error;
  ASSERT_TRUE(server.start(0, &error)) << error;
  std::atomic<bool> abort{false};
  std::thread aborter([&] {
    // Once the request is in, so that the abort ends the wait for the answer.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (server.requests() == 0 && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    abort.store(true);
  });
  HttpReply r = http_request(server.address(), "POST", "/write", "x", "", std::chrono::seconds(60), &abort);
  aborter.join();
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "stopped waiting for the answer");
}

// Streamed answers: what `stressql report` reads its rows with. A FaultServer, to send a body
// in many small chunks and to answer an error with a body.
HttpReply ask_streamed(const std::string& answer, std::string* got, size_t* pieces, size_t stop_after = SIZE_MAX) {
  FaultServer server([&](const FaultRequest&) { return FaultReply{FaultReply::Mode::kNormal, answer}; });
  std::string error;
  EXPECT_TRUE(server.start(0, &error)) << error;
  return http_request_streamed(
      server.address(), "GET", "/query",
      [&](std::string_view piece) {
        got->append(piece);
        return ++*pieces < stop_after;
      },
      std::chrono::seconds(20));
}

TEST(HttpClient, StreamedBodyGoesToTheSinkAsItComes) {
  const std::string body(300000, 's');
  std::string got;
  size_t pieces = 0;
  HttpReply r = ask_streamed(FaultServer::chunked(200, body, 1000), &got, &pieces);
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(got, body);
  EXPECT_EQ(r.body, "");  // nothing kept
  EXPECT_GT(pieces, 1u);
}

TEST(HttpClient, StreamedErrorAnswerKeepsItsBody) {
  std::string got;
  size_t pieces = 0;
  HttpReply r = ask_streamed(FaultServer::response(400, R"({"error":"bad query"})"), &got, &pieces);
  EXPECT_EQ(r.status, 400) << r.error;
  EXPECT_EQ(r.body, R"({"error":"bad query"})");
  EXPECT_EQ(pieces, 0u);
}

TEST(HttpClient, SinkCanStopAStreamedAnswer) {
  std::string got;
  size_t pieces = 0;
  HttpReply r = ask_streamed(FaultServer::chunked(200, std::string(300000, 's'), 1000), &got, &pieces, 1);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "stopped by the reader");
  EXPECT_EQ(pieces, 1u);
}

}  // namespace
}  // namespace stressql::net
