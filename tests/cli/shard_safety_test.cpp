// Shard safety (docs/shards-and-kubernetes.md#shard-safety): shards of one test that do not
// run the same N or the same script fail at once, on every shard, naming both; a test ID
// that already has rows is refused naming the earlier run; a barrier never holds the
// control thread past --barrier-timeout, even when the results server stalls.
#include <signal.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/cli/fault_test_util.h"
#include "tests/cli/run_test_util.h"

namespace stressql::testing {
namespace {

using std::chrono::seconds;

class ShardSafetyTest : public InfluxTest {
 protected:
  std::string script(const std::string& name, int points) {
    return dir_.write(name, "INSERT cpu\ncpu,host=h-[int inc(0) 3]\nvalue=[int inc(0) 0]\n" +
                                std::to_string(points) + " 1s\n");
  }
  // Starts one shard with a --barrier-timeout far longer than the test waits: a shard that
  // waited it out instead of failing at once would fail the test's wait.
  std::unique_ptr<Child> shard(const std::string& id, const std::string& which, const std::string& file) {
    auto c = std::make_unique<Child>();
    std::string error;
    EXPECT_TRUE(c->start({STRESSQL_BINARY, "run", "--test-id", id, "--shard", which, "--barrier-timeout",
                          "10m", "--addresses", server_->address(), "--results",
                          "http://" + server_->address(), file},
                         &error))
        << error;
    return c;
  }
};

TEST_F(ShardSafetyTest, ShardsOfADifferentNFailAtOnceNamingBoth) {
  ASSERT_EQ(server_->query("CREATE DATABASE stress").status, 200);
  const std::string s = script("n.iql", 20);
  std::unique_ptr<Child> a = shard("n-mismatch", "0/2", s);
  std::unique_ptr<Child> b = shard("n-mismatch", "1/3", s);
  for (Child* c : {a.get(), b.get()}) {
    ASSERT_TRUE(c->wait(seconds(60))) << "waited out --barrier-timeout instead of failing";
    EXPECT_EQ(c->exit_code(), 1) << c->out() << c->err();
    EXPECT_NE(c->err().find("(--shard 0/2, script "), std::string::npos) << c->err();
    EXPECT_NE(c->err().find("(--shard 1/3, script "), std::string::npos) << c->err();
    EXPECT_NE(c->err().find("do not run the same test: every shard needs the same N and the same script"),
              std::string::npos)
        << c->err();
    EXPECT_EQ(c->err().find("did not arrive"), std::string::npos) << c->err();
  }
  EXPECT_EQ(server_->count_points("stress", "cpu", "value"), 0);  // neither started
}

TEST_F(ShardSafetyTest, ShardsOfDifferentScriptsFailAtOnceNamingBothHashes) {
  const std::string s1 = script("one.iql", 20), s2 = script("two.iql", 21);
  std::unique_ptr<Child> a = shard("script-mismatch", "0/2", s1);
  std::unique_ptr<Child> b = shard("script-mismatch", "1/2", s2);
  for (Child* c : {a.get(), b.get()}) {
    ASSERT_TRUE(c->wait(seconds(60))) << "waited out --barrier-timeout instead of failing";
    EXPECT_EQ(c->exit_code(), 1) << c->out() << c->err();
    EXPECT_NE(c->err().find("do not run the same test"), std::string::npos) << c->err();
  }
  // Both hashes are named (their first 12 hex digits), on each shard.
  const std::string e = a->err();
  const size_t first = e.find("script "), second = e.find("script ", first + 1);
  ASSERT_NE(second, std::string::npos) << e;
  EXPECT_NE(e.substr(first + 7, 12), e.substr(second + 7, 12)) << e;
}

TEST_F(ShardSafetyTest, ATestIdThatHasRowsIsRefusedNamingTheEarlierRun) {
  ASSERT_EQ(server_->query("CREATE DATABASE stress").status, 200);
  const std::string s = script("u.iql", 10);
  const std::string results = "http://" + server_->address();
  ProcessResult first = stressql({"run", "--test-id", "used-1", "--addresses", server_->address(),
                                  "--results", results, s});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  ProcessResult again = stressql({"run", "--test-id", "used-1", "--addresses", server_->address(),
                                  "--results", results, s});
  EXPECT_EQ(again.exit_code, 2) << again.out << again.err;
  EXPECT_NE(again.err.find("test ID used-1 already has results in _stressTest on " + results +
                           ": a run that started "),
            std::string::npos)
      << again.err;
  EXPECT_NE(again.err.find("(stressql report used-1 shows it); every run needs a new --test-id"),
            std::string::npos)
      << again.err;
  EXPECT_EQ(server_->count_points("stress", "cpu", "value"), 10);  // the second sent nothing
}

// A results server that takes rows but never answers a query: the old barrier held the
// control thread for a whole exchange (5 s) past a 1 s --barrier-timeout. The bound below
// is the contract (the deadline plus process start and exit), not a speed goal.
TEST(ShardStallTest, AStalledResultsServerDoesNotHoldTheBarrierPastItsDeadline) {
  FaultServer results([](const FaultRequest& q) {
    if (q.target.rfind("/query?db=", 0) == 0) return FaultReply{FaultReply::Mode::kStall, ""};
    return answer_queries_or(q, reply(204));
  });
  std::string error;
  ASSERT_TRUE(results.start(0, &error)) << error;
  ScriptDir dir;
  const std::string s = dir.write("s.iql", "INSERT cpu\ncpu,host=h\nvalue=1i\n1 1s\n");
  const auto t0 = std::chrono::steady_clock::now();
  ProcessResult r = stressql({"run", "--test-id", "stalled", "--shard", "1/2", "--barrier-timeout", "1s",
                              "--addresses", "127.0.0.1:1", "--results", "http://" + results.address(), s});
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("did not arrive at the start within 1s"), std::string::npos) << r.err;
  EXPECT_LT(took, seconds(4)) << r.err;
}

}  // namespace
}  // namespace stressql::testing
