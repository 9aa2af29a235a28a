// The one InfluxQL-answer walker (results/influxql_answer.h) and the chunked row reader
// (results/row_reader.h). The reader reads a real influxd: its chunked answers (one JSON
// object per chunk) are what the walker must take apart; malformed answers are strings here,
// since a real server does not produce them.
#include "results/influxql_answer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "results/results_uploader.h"
#include "results/row_reader.h"
#include "tests/support/influx_server.h"

namespace stressql::results {
namespace {

using stressql::testing::InfluxServer;

// Walks `answer` as a chunked one fed in `piece`-byte pieces; the rows' "v" or the error.
std::string walk(const std::string& answer, size_t piece = 7) {
  std::string got;
  ChunkedAnswer reader([&](const QueryRow& row) {
    got += std::to_string(row.integer("v")) + row.text("t") + ",";
    return base::Status::ok();
  });
  for (size_t i = 0; i < answer.size(); i += piece) {
    if (!reader.feed(std::string_view(answer).substr(i, piece))) break;
  }
  base::Status st = reader.finish();
  return st ? got : "error: " + st.message();
}

TEST(InfluxqlAnswer, WalksEveryRowOfEveryChunkInOrder) {
  const std::string answer =
      R"({"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v","t"],"values":[[1,10,"a"],[2,20,null]],"partial":true}],"partial":true}]})"
      "\n"
      R"({"results":[{"statement_id":0,"series":[{"name":"m","tags":{"t":"x"},"columns":["time","v"],"values":[[3,30]]}]}]})"
      "\n";
  EXPECT_EQ(walk(answer), "10a,20,30x,");
  EXPECT_EQ(walk(answer, 1), "10a,20,30x,");
  EXPECT_EQ(walk(answer, answer.size()), "10a,20,30x,");
}

TEST(InfluxqlAnswer, AnswerWithoutRowsIsNoRows) {
  EXPECT_EQ(walk(R"({"results":[{"statement_id":0}]})"), "");
}

TEST(InfluxqlAnswer, MalformedChunkIsAnErrorNamingTheRowsBeforeIt) {
  const std::string first = R"({"results":[{"statement_id":0,"series":[{"columns":["time","v"],"values":[[1,1],[2,2]]}]}]})";
  EXPECT_EQ(walk(first + "\n{\"results\":[{\"ser\n"),
            "error: chunk 2: the answer is not InfluxDB query JSON (not JSON after row 2)");
  EXPECT_EQ(walk("<html>"), "error: chunk 1: the answer is not InfluxDB query JSON (not JSON at its start)");
}

TEST(InfluxqlAnswer, MissingKeysAreErrors) {
  EXPECT_EQ(walk(R"({"results":[{"series":[{"name":"m","values":[[1,2]]}]}]})"),
            "error: chunk 1: a series at its start has no \"columns\"");
  EXPECT_EQ(walk(R"({"results":[{"series":[{"name":"m","columns":["time","v"]}]}]})"),
            "error: chunk 1: a series at its start has no \"values\"");
  EXPECT_EQ(walk(R"({"results":[{"series":[{"columns":["time","v"],"values":[[1,2],[3]]}]}]})"),
            "error: chunk 1: row 2 of the answer does not have the 2 values of its columns: [3]");
  EXPECT_EQ(walk(R"({"nothing":1})"),
            "error: chunk 1: the answer is not InfluxDB query JSON (no \"results\" at its start)");
}

TEST(InfluxqlAnswer, QueryErrorsAreErrors) {
  EXPECT_EQ(walk(R"({"results":[{"statement_id":0,"error":"database not found: x"}]})"),
            "error: chunk 1: database not found: x");
  EXPECT_EQ(walk(R"({"error":"error parsing query: found EOF"})"), "error: chunk 1: error parsing query: found EOF");
  EXPECT_EQ(walk(""), "error: the answer is empty");
}

TEST(InfluxqlAnswer, VisitorErrorStopsTheWalk) {
  int seen = 0;
  ChunkedAnswer reader([&](const QueryRow& row) {
    ++seen;
    return row.integer("v") == 2 ? base::Status::error("bad row " + std::to_string(row.number()))
                                 : base::Status::ok();
  });
  EXPECT_FALSE(reader.feed(R"({"results":[{"series":[{"columns":["v"],"values":[[1],[2],[3]]}]}]})" "\n"));
  EXPECT_EQ(reader.finish().message(), "chunk 1: bad row 2");
  EXPECT_EQ(seen, 2);
}

TEST(RowReader, ReadsAChunkedAnswerOfARealServerRowByRow) {
  std::string error;
  auto server = InfluxServer::start(&error);
  ASSERT_NE(server, nullptr) << error;
  server->query(std::string("CREATE DATABASE ") + kResultsDatabase);
  std::string lines;
  for (int i = 0; i < 25; ++i) lines += "m,test_id=a v=" + std::to_string(i) + "i " + std::to_string(1000 + i) + "\n";
  lines += "m,test_id=b v=99i 5000\n";
  auto w = net::http_request(server->address(), "POST", std::string("/write?db=") + kResultsDatabase + "&precision=ns", lines);
  ASSERT_EQ(w.status, 204) << w.body << w.error;

  net::ResultsEndpoint endpoint;
  endpoint.host_port = server->address();
  RowReader reader(endpoint, /*chunk_rows=*/4);  // 7 chunks
  std::vector<int64_t> values;
  base::Status st = reader.select("SELECT v FROM m WHERE test_id = " + influxql_string("a"), [&](const QueryRow& row) {
    values.push_back(row.integer("v"));
    EXPECT_EQ(row.integer("time"), 1000 + row.integer("v"));
    return base::Status::ok();
  });
  ASSERT_TRUE(st) << st.message();
  ASSERT_EQ(values.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(values[static_cast<size_t>(i)], i);

  st = reader.select("SELECT v FROM", [](const QueryRow&) { return base::Status::ok(); });
  EXPECT_FALSE(st);
  EXPECT_NE(st.message().find("error parsing query"), std::string::npos) << st.message();

  net::ResultsEndpoint nowhere;
  nowhere.host_port = "127.0.0.1:1";
  RowReader nobody(nowhere);
  st = nobody.select("SELECT v FROM m", [](const QueryRow&) { return base::Status::ok(); });
  EXPECT_NE(st.message().find("Connection refused"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace stressql::results
