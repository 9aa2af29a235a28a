// Secrets stay in (docs/guarantees.md#secrets): an EXEC child does not inherit the tokens
// and passwords stressql read from its environment, and once the flags are parsed `ps`
// (/proc/PID/cmdline) shows *** where --token, --password and a URL's password were.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/cli/fault_test_util.h"
#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

TEST(SecretsTest, ExecChildrenDoNotInheritTheSecrets) {
  ScriptDir dir;
  const std::string script = dir.write("e.iql", "EXEC env > child-env.txt\n");
  SpawnOptions spawn;
  spawn.env = {"STRESSQL_TOKEN=tok-secret-1", "STRESSQL_PASSWORD=pw-secret-2",
               "STRESSQL_RESULTS_PASSWORD=rpw-secret-3", "STRESSQL_RESULTS_TOKEN=rtok-secret-4",
               "STRESSQL_HARMLESS=kept-5"};
  ProcessResult r = run_process({STRESSQL_BINARY, "run", "--results", "none", script},
                                std::chrono::seconds(60), "", spawn);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string env = read_file(dir.path() + "/child-env.txt");
  EXPECT_NE(env.find("STRESSQL_HARMLESS=kept-5"), std::string::npos) << env;
  for (const char* secret : {"tok-secret-1", "pw-secret-2", "rpw-secret-3", "rtok-secret-4"}) {
    EXPECT_EQ(env.find(secret), std::string::npos) << secret;
  }
}

std::string cmdline(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  std::string text = s.str();
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  return text;
}

// The target stalls (a real server answers), so stressql is still running while its
// command line is read.
TEST(SecretsTest, PsShowsStarsForTheSecretsOfTheCommandLine) {
  FaultServer target([](const FaultRequest&) { return FaultReply{FaultReply::Mode::kStall, ""}; });
  FaultServer results([](const FaultRequest& q) { return answer_queries_or(q, reply(204)); });
  std::string error;
  ASSERT_TRUE(target.start(0, &error)) << error;
  ASSERT_TRUE(results.start(0, &error)) << error;
  ScriptDir dir;
  const std::string script = dir.write("s.iql", "INSERT cpu\ncpu,host=h\nvalue=1i\n1 1s\n");
  Child c;
  ASSERT_TRUE(c.start({STRESSQL_BINARY, "run", "--addresses", target.address(), "--token", "tok-secret-6",
                       "--password=pw-secret-7", "--username", "bob", "--results",
                       "http://alice:rpw-secret-8@" + results.address(), "--timeout", "20s", script},
                      &error))
      << error;
  // Awaits the overwrite (it follows the parse at once), bounded.
  std::string line;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < until && c.running()) {
    line = cmdline(c.pid());
    if (line.find("***") != std::string::npos && line.find("rpw-secret-8") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(c.running()) << c.out() << c.err();
  c.signal(SIGKILL);
  for (const char* secret : {"tok-secret-6", "pw-secret-7", "rpw-secret-8"}) {
    EXPECT_EQ(line.find(secret), std::string::npos) << line;
  }
  EXPECT_NE(line.find("--token *** "), std::string::npos) << line;
  EXPECT_NE(line.find("--password=*** "), std::string::npos) << line;
  EXPECT_NE(line.find("http://alice:***@" + results.address()), std::string::npos) << line;
}

}  // namespace
}  // namespace stressql::testing
