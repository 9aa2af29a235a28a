// Bytes from a server are bytes (issue 25): an error answer that is not UTF-8 travels
// through every writer (the text report, --json, --html, the results rows) with each
// ill-formed part replaced by U+FFFD, and the run ends as documented instead of aborting.
//
// The FaultServer stands in for the target: no real InfluxDB answers a write with a
// Latin-1 error body on demand (influxd's errors are Go strings, always valid UTF-8), but a
// proxy, an old server or a plugin in between can.
#include <mutex>

#include "base/utf8.h"
#include "tests/cli/fault_test_util.h"
#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

using std::chrono::seconds;

const std::string kFffd = "\xEF\xBF\xBD";

TEST(ServerBytesTest, ALatin1ErrorAnswerIsReplacedInEveryWriterNotACrash) {
  std::mutex mu;
  std::string results_rows;  // the results writes' bodies, as they arrived
  FaultServer server([&](const FaultRequest& req) {
    if (req.target.rfind("/write", 0) == 0 && req.target.find("db=_stressTest") != std::string::npos) {
      std::lock_guard<std::mutex> lock(mu);
      results_rows += req.body;
      return reply(204);
    }
    // "é" in Latin-1 is the one byte 0xE9, which UTF-8 never has alone.
    return answer_queries_or(req, reply(400, "{\"error\":\"unable to parse 'caf\xE9 cr\xE8me'\"}"));
  });
  std::string error;
  ASSERT_TRUE(server.start(0, &error)) << error;
  ScriptDir dir;
  const std::string script = dir.write("latin.iql", insert_script("latin", 20, 10, 1));
  const std::string json = dir.path() + "/r.json", html = dir.path() + "/r.html";
  ProcessResult r = run_process({STRESSQL_BINARY, "run", "--addresses", server.address(), "--results",
                                 "http://" + server.address(), "--json", json, "--html", html, script},
                                seconds(60), "", SpawnOptions{dir.path(), {}});
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 1) << "a statement failed: exit 1, as --help says\n" << r.out << r.err;

  const std::string shown = "unable to parse 'caf" + kFffd + " cr" + kFffd + "me'";
  EXPECT_TRUE(base::utf8_valid(r.out)) << r.out;
  EXPECT_NE(r.out.find(shown), std::string::npos) << "the text report names the error\n" << r.out;

  const std::string json_text = read_file(json);
  EXPECT_TRUE(base::utf8_valid(json_text));
  nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(doc.is_discarded()) << json_text;
  bool named = false;
  for (const auto& st : doc["statements"]) named |= st.value("server_message", "") == shown;
  EXPECT_TRUE(named) << json_text;

  const std::string page = read_file(html);
  EXPECT_TRUE(base::utf8_valid(page));
  EXPECT_NE(page.find("</html>"), std::string::npos) << "the page is written whole";

  std::lock_guard<std::mutex> lock(mu);
  EXPECT_TRUE(base::utf8_valid(results_rows));
  EXPECT_NE(results_rows.find("message=\"" + shown + "\""), std::string::npos) << results_rows;
}

// A reporting server whose InfluxQL answer has a number where the error text belongs (no
// real InfluxDB answers so; the FaultServer does) once escaped `stressql report` as an
// exception and aborted it (exit 134). Now the one InfluxQL walker (results/) refuses it with
// a message that names the server, and nothing escapes to main's last-resort catch (exit 2).
TEST(ServerBytesTest, AMalformedResultsAnswerEndsWithAMessageNeverAnAbort) {
  FaultServer server([](const FaultRequest&) { return reply(200, R"({"results":[{"error":5}]})"); });
  std::string error;
  ASSERT_TRUE(server.start(0, &error)) << error;
  ProcessResult r = run_process({STRESSQL_BINARY, "report", "some-test", "--results", "http://" + server.address()},
                                seconds(60));
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("stressql: cannot read results from " + server.address() + ": chunk 1"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("terminate called"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace stressql::testing
