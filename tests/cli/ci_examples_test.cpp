// examples/ci/ is documentation that cannot run here (it needs GitHub or GitLab), so this
// checks what can go stale: every stressql command in the workflows uses flags the binary
// has (read from its own --help, command_flags_util.h), the files they name exist, and the
// suite's script parses.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/cli/command_flags_util.h"
#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

using std::chrono::seconds;

TEST(CiExamplesTest, TheCheckerCatchesAFlagThatDoesNotExist) {
  const auto used = stressql_flags("run: |\n  stressql compare a.json b.json \\\n    --markdown --no-such-flag\n");
  ASSERT_EQ(used.at("compare").size(), 2u);
  EXPECT_EQ(unknown_flags(used), std::vector<std::string>{"compare --no-such-flag"});
}

TEST(CiExamplesTest, WorkflowsUseOnlyRealFlagsAndFiles) {
  for (const char* name : {"github-actions.yml", "gitlab-ci.yml"}) {
    SCOPED_TRACE(name);
    const std::string text = read_file(kSource + "/examples/ci/" + name);
    ASSERT_FALSE(text.empty());
    const auto used = stressql_flags(text);
    ASSERT_EQ(used.count("run"), 1u);
    ASSERT_EQ(used.count("compare"), 1u);
    for (const char* flag : {"--repeat", "--json", "--threshold", "--addresses", "--results"}) {
      EXPECT_EQ(used.at("run").count(flag), 1u) << flag;
    }
    for (const char* flag : {"--markdown", "--junit", "--max-regression", "--metrics"}) {
      EXPECT_EQ(used.at("compare").count(flag), 1u) << flag;
    }
    EXPECT_EQ(unknown_flags(used), std::vector<std::string>{});
    for (const char* file : {"scripts/influxd-throwaway", "scripts/setup", "examples/ci/regression.iql"}) {
      EXPECT_NE(text.find(file), std::string::npos) << file;
      EXPECT_FALSE(read_file(kSource + "/" + file).empty()) << file;
    }
  }
  ProcessResult check = stressql({"check", kSource + "/examples/ci/regression.iql"}, seconds(30));
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

}  // namespace
}  // namespace stressql::testing
