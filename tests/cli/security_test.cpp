// Security (issue 8 part 5), end to end on a real influxd: the password, whichever way it is
// given, never shows in stdout, stderr, the JSON report, the results rows or a rebuilt
// report; and every user-provided string written to the results database is stored
// verbatim (escaped on the way in) so that `stressql report` reproduces it.
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/cli/run_test_util.h"
#include "tests/support/fault_server.h"

namespace stressql::testing {
namespace {

std::string base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s : {18, 12, 6, 0}) out += k[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += std::string{k[(v >> 18) & 63], k[(v >> 12) & 63]} + "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += std::string{k[(v >> 18) & 63], k[(v >> 12) & 63], k[(v >> 6) & 63]} + "=";
  }
  return out;
}

class SecurityTest : public InfluxTest {
 protected:
  // Everything stored in _stressTest: every tag value and every row of every measurement.
  std::string stored_results() {
    std::string all;
    for (const char* q : {"SHOW TAG VALUES WITH KEY =~ /.*/", "SHOW MEASUREMENTS",
                          "SELECT * FROM \"write\"", "SELECT * FROM \"query\"",
                          "SELECT * FROM \"statement\"", "SELECT * FROM \"run\""}) {
      HttpReply r = server_->query(q, "_stressTest");
      EXPECT_EQ(r.status, 200) << q << ": " << r.body;
      all += r.body;
    }
    return all;
  }
};

enum class Way { kFlag, kEnvironment, kFile };

class PasswordTest : public SecurityTest, public ::testing::WithParamInterface<Way> {};

TEST_P(PasswordTest, NeverAppearsInOutputJsonOrResultsRows) {
  const std::string password = "pw-" + std::to_string(static_cast<int>(GetParam())) + "-Zq8#x,y z";
  const std::string script_password = "scriptpw-Kk2&";
  std::string script = dir_.write("secret.iql", R"(CREATE DATABASE sec

SET Database [sec]

GO INSERT secret
cpu,host=h-[int inc(0) 5]
value=[int inc(0) 0]
500 1s

GO QUERY secret
SELECT count(value) FROM %m WHERE %t
DO 3

WAIT

SET Password [)" + script_password + R"(]

SHOW DATABASES
)");
  std::string json_path = dir_.path() + "/report.json";
  std::vector<std::string> args = {STRESSQL_BINARY, "run", "--addresses", server_->address(),
                                   "--results", "http://" + server_->address(), "--json", json_path,
                                   "--username", "bob", "--progress"};
  SpawnOptions spawn;
  switch (GetParam()) {
    case Way::kFlag:
      args.insert(args.end(), {"--password", password});
      break;
    case Way::kEnvironment:
      spawn.env.push_back("STRESSQL_PASSWORD=" + password);
      break;
    case Way::kFile:
      args.insert(args.end(), {"--password-file", dir_.write("pw.txt", password + "\n")});
      break;
  }
  args.push_back(script);
  ProcessResult r = run_process(args, std::chrono::seconds(120), "", spawn);
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->count_points("sec", "cpu"), 500);
  EXPECT_NE(r.out.find("SET Password = '***'"), std::string::npos) << r.out;

  const std::string json = read_file(json_path);
  ASSERT_FALSE(json.empty());
  const std::string test_id = report_value(r.out, "Test ID:");
  ProcessResult rebuilt =
      stressql({"report", test_id, "--results", "http://" + server_->address()});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  const std::string stored = stored_results();
  ASSERT_NE(stored.find(test_id), std::string::npos) << "the rows were not stored: " << stored;
  for (const std::string& secret : {password, script_password, base64("bob:" + password)}) {
    EXPECT_EQ(r.out.find(secret), std::string::npos) << "stdout shows " << secret << "\n" << r.out;
    EXPECT_EQ(r.err.find(secret), std::string::npos) << "stderr shows " << secret << "\n" << r.err;
    EXPECT_EQ(json.find(secret), std::string::npos) << "the JSON report shows " << secret;
    EXPECT_EQ(stored.find(secret), std::string::npos) << "the results rows hold " << secret;
    EXPECT_EQ(rebuilt.out.find(secret), std::string::npos) << "stressql report shows " << secret;
  }
}

// The password is really used (so the checks above are not vacuous): the target gets it as
// HTTP Basic auth. influxd does not show the header it received; a FaultServer does.
TEST_P(PasswordTest, IsSentAsBasicAuth) {
  const std::string password = "pw-basic-" + std::to_string(static_cast<int>(GetParam()));
  std::mutex mu;
  std::set<std::string> auth;
  FaultServer target([&](const FaultRequest& req) {
    std::lock_guard<std::mutex> lock(mu);
    size_t at = req.headers.find("Authorization: ");
    auth.insert(at == std::string::npos ? "" : req.headers.substr(at, req.headers.find("\r\n", at) - at));
    return FaultReply{FaultReply::Mode::kNormal, FaultServer::response(204)};
  });
  std::string error;
  ASSERT_TRUE(target.start(0, &error)) << error;
  std::string script = dir_.write("basic.iql", "INSERT basic\ncpu value=[int inc(0) 0]\n10 1s\n");
  std::vector<std::string> args = {STRESSQL_BINARY, "run", "--addresses", target.address(),
                                   "--results", "none", "--username", "bob"};
  SpawnOptions spawn;
  if (GetParam() == Way::kFlag) args.insert(args.end(), {"--password", password});
  if (GetParam() == Way::kEnvironment) spawn.env.push_back("STRESSQL_PASSWORD=" + password);
  if (GetParam() == Way::kFile) {
    args.insert(args.end(), {"--password-file", dir_.write("pw.txt", password + "\r\n")});
  }
  args.push_back(script);
  ProcessResult r = run_process(args, std::chrono::seconds(60), "", spawn);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(auth, std::set<std::string>{"Authorization: Basic " + base64("bob:" + password)});
}

INSTANTIATE_TEST_SUITE_P(Ways, PasswordTest,
                         ::testing::Values(Way::kFlag, Way::kEnvironment, Way::kFile),
                         [](const auto& info) {
                           switch (info.param) {
                             case Way::kFlag: return std::string("Flag");
                             case Way::kEnvironment: return std::string("Environment");
                             case Way::kFile: return std::string("File");
                           }
                           return std::string("?");
                         });

TEST_F(SecurityTest, UserStringsAreStoredVerbatimAndReportedBack) {
  // Statement names that line protocol must escape: spaces, commas, '=', quotes,
  // backslashes (InfluxQL text and EXEC commands are statement names), plus UTF-8.
  const std::string create = R"(CREATE DATABASE "we ird,db")";
  const std::string select =
      R"(SELECT "va lue" FROM "we ird,m" WHERE "k=1" = 'a\'b, c=d\\e' AND x = "\\")";
  const std::string exec = R"(echo 'a, b=c "q" \back\' > /dev/null)";
  const std::string insert = R"("quoted=name":é@x.y-1)";
  // Not representable in an InfluxDB 1.x tag (a backslash before an escaped separator, and
  // at the end): the tag may differ, but the row must not be lost or corrupt its batch.
  const std::string odd = R"(echo 'odd\, run' > /dev/null #\)";
  std::string script = dir_.write("escape.iql", create + "\n\nSET Database [we ird,db]\n\nINSERT " +
                                                    insert + "\ncpu,host=[a|b]\nvalue=[int inc(0) 0]\n10 1s\n\n" +
                                                    select + "\n\nEXEC " + exec + "\n\nEXEC " + odd + "\n");
  std::string results = "http://" + server_->address();
  ProcessResult r = stressql({"run", "--addresses", server_->address(), "--results", results, script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->count_points("we ird,db", "cpu"), 10);
  const std::string test_id = report_value(r.out, "Test ID:");

  // Stored verbatim: the statement_name tags and the statement rows' name fields.
  std::set<std::string> tag_names, field_names;
  auto values = [&](const std::string& q, std::set<std::string>* into, size_t column) {
    HttpReply reply = server_->query(q, "_stressTest");
    ASSERT_EQ(reply.status, 200) << reply.body;
    auto j = nlohmann::json::parse(reply.body);
    for (const auto& series : j["results"][0]["series"]) {
      for (const auto& row : series["values"]) into->insert(row[column].get<std::string>());
    }
  };
  values("SHOW TAG VALUES WITH KEY = \"statement_name\" WHERE test_id = '" + test_id + "'", &tag_names, 1);
  values("SELECT \"name\" FROM \"statement\" WHERE test_id = '" + test_id + "'", &field_names, 1);
  for (const std::string& name : {create, select, insert}) {
    EXPECT_TRUE(tag_names.count(name)) << "statement_name tag lost: " << name << "\nstored: "
                                       << nlohmann::json(tag_names).dump();
    EXPECT_TRUE(field_names.count(name)) << "statement name field lost: " << name;
  }
  EXPECT_TRUE(field_names.count(exec)) << exec;
  EXPECT_TRUE(field_names.count(odd)) << odd;
  const std::string note = report_value(r.out, "Results:");
  EXPECT_NE(note.find(" rows in _stressTest"), std::string::npos) << "rows were lost: " << note;
  EXPECT_EQ(note.find("failed"), std::string::npos) << "rows were lost: " << note;
  EXPECT_TRUE(field_names.count("Database")) << "SET rows keep their name";

  // `stressql report` rebuilds the same report from the stored rows.
  ProcessResult rebuilt = stressql({"report", test_id, "--results", results});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  auto without_results_line = [](std::string s) {
    size_t at = s.find("Results:");
    return at == std::string::npos ? s : s.erase(at, s.find('\n', at) + 1 - at);
  };
  EXPECT_EQ(without_results_line(rebuilt.out), without_results_line(r.out));  // server blocks included
  for (const std::string& name : {create, select, exec, odd, insert}) {
    EXPECT_NE(rebuilt.out.find(name), std::string::npos) << name << "\n" << rebuilt.out;
  }
}

}  // namespace
}  // namespace stressql::testing
