// `stressql check`: in process through run_check(), and through the real binary.
#include "cli/check_command.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "tests/parser/corpus_files.h"
#include "tests/support/stressql_binary.h"

extern char** environ;

namespace stressql::cli {
namespace {

struct BinaryRun {
  int code = -1;
  std::string out, err;
};

BinaryRun run_binary(const std::vector<std::string>& args) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("stressql-check-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string out_path = (dir / "out").string(), err_path = (dir / "err").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  std::vector<std::string> argv_strings = {STRESSQL_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  BinaryRun run;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  posix_spawn_file_actions_destroy(&actions);
  run.out = parser::testing::slurp(out_path);
  run.err = parser::testing::slurp(err_path);
  std::filesystem::remove_all(dir);
  return run;
}

std::string source_file(const std::string& relative) {
  return std::string(STRESSQL_SOURCE_DIR) + "/" + relative;
}

TEST(CheckCommand, GoodScriptInProcess) {
  std::ostringstream out, err;
  EXPECT_EQ(run_check(source_file("tests/parser/corpus/sample.iql"), out, err), 0) << err.str();
  EXPECT_EQ(err.str(), "");
  EXPECT_NE(out.str().find("GO INSERT mockCpu: 2000 series, 100000 points, 100 write requests at "
                           "BatchSize 1000"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("GO QUERY mockCpu: DO 250 (variables %t)"), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("SET Password = '***'"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("hunter2"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("statements: 4 SET, 2 INSERT, 2 QUERY, 1 WAIT, 0 EXEC, 2 InfluxQL"),
            std::string::npos)
      << out.str();
}

// A misspelt --define changes nothing, so check says so (and still checks the script).
TEST(CheckCommand, ADefineTheScriptNeverUsesIsAWarning) {
  const std::string script = source_file("examples/tsbs/devops.iql");
  std::ostringstream out, err;
  EXPECT_EQ(run_check(script, out, err, {"scale=2", "hours=3"}), 0) << err.str();
  EXPECT_EQ(err.str(), "stressql: warning: --define hours: " + script + " never uses ${hours}\n");
  std::ostringstream out2, err2;
  EXPECT_EQ(run_check(script, out2, err2, {"scale=2", "duration=1h"}), 0) << err2.str();
  EXPECT_EQ(err2.str(), "");
}

TEST(CheckCommand, UnreadableFile) {
  std::ostringstream out, err;
  EXPECT_EQ(run_check("/nonexistent/x.iql", out, err), 2);
  EXPECT_EQ(err.str(), "stressql: cannot read /nonexistent/x.iql: No such file or directory\n");
  std::ostringstream out2, err2;
  EXPECT_EQ(run_check(STRESSQL_SOURCE_DIR, out2, err2), 2);
  EXPECT_NE(err2.str().find("Is a directory"), std::string::npos) << err2.str();
}

TEST(CheckCommand, ManyErrorsAreCapped) {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("stressql-many-" + std::to_string(getpid()) + ".iql");
  {
    std::ofstream f(path);
    for (int i = 0; i < 500; ++i) f << "nonsense\n\n";
  }
  std::ostringstream out, err;
  EXPECT_EQ(run_check(path.string(), out, err), 2);
  EXPECT_NE(err.str().find(":201:1: error: too many errors (more than 100); stopped checking here"),
            std::string::npos)
      << err.str();
  EXPECT_NE(err.str().find(": 101 errors; nothing was run"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(CheckCommand, BinaryOnGoodScript) {
  BinaryRun r = run_binary({"check", source_file("tests/parser/corpus/sample.iql")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(": ok, 11 statements"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(CheckCommand, BinaryOnBrokenScript) {
  std::string path = source_file("tests/parser/broken/multi_error.iql");
  BinaryRun r = run_binary({"check", path});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(path + ":5:5: error: unknown SET name 'Batchsize2'"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("SET Batchsize2 [4]\n    ^\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(path + ":12:1: error: GO must be followed by INSERT, QUERY or EXEC"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("errors; nothing was run"), std::string::npos) << r.err;
}

TEST(CheckCommand, BinaryOnMissingFile) {
  BinaryRun r = run_binary({"check", "/nonexistent/x.iql"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cannot read /nonexistent/x.iql"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace stressql::cli
