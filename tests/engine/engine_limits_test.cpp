// Descriptor limits inside the engine: a job whose connections do not fit under the limit is
// refused at submit; a connection that cannot get a socket all the same (EMFILE: the
// process used its headroom for other things) fails its request once, with the errno and a
// hint, and retires; the job goes on with the connections it has and every request still
// ends exactly once. The limit is this process's own (setrlimit, restored after the test);
// the server is the real nginx sink.
#include <dirent.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "engine/descriptor_limit.h"
#include "engine/engine.h"
#include "tests/engine/engine_test_util.h"
#include "tests/support/nginx_sink.h"

namespace stressql::engine {
namespace {

using stressql::engine::testing::CollectSink;
using stressql::engine::testing::finals_exactly_once;
using stressql::engine::testing::make_engine;
using stressql::engine::testing::wait_job;
using stressql::engine::testing::write_job;

size_t open_descriptors() {
  size_t n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d) != nullptr) ++n;
    closedir(d);
  }
  return n;
}

// Lowers RLIMIT_NOFILE's soft limit for the test's life.
class SoftLimit {
 public:
  explicit SoftLimit(rlim_t soft) {
    getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit r = saved_;
    r.rlim_cur = soft;
    ok_ = setrlimit(RLIMIT_NOFILE, &r) == 0;
  }
  ~SoftLimit() { setrlimit(RLIMIT_NOFILE, &saved_); }
  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  bool ok_ = false;
};

// Descriptors held for the test's life (/dev/null), as a results spool or a file would.
class Descriptors {
 public:
  ~Descriptors() {
    for (int fd : fds_) close(fd);
  }
  bool take() {
    const int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    fds_.push_back(fd);
    return true;
  }

 private:
  std::vector<int> fds_;
};

TEST(EngineLimits, OutOfDescriptorsFailsOnceWithErrnoAndTheOtherConnectionsCarryOn) {
  std::string error;
  auto sink_server = stressql::testing::NginxSink::start({}, &error);
  ASSERT_TRUE(sink_server) << error;
  auto engine = make_engine();
  CollectSink sink;
  // One job before the descriptors run out, through the same engine and sink: UBSan's vptr
  // check tests memory with a pipe() the first time it meets a type, and with no
  // descriptor left that pipe fails and it reports a bad vptr where there is none.
  ASSERT_TRUE(engine->submit(0, write_job(sink_server->address(), 2, 1)).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 0));
  sink.samples.clear();
  // The 40 connections fit the budget (the limit less its headroom), but the process has
  // used the headroom and more for other things: 8 descriptors are left, so 8 or so of the
  // 40 connections open.
  SoftLimit limit(static_cast<rlim_t>(open_descriptors() + 40 + kDescriptorHeadroom));
  ASSERT_TRUE(limit.ok());
  Descriptors taken;
  while (open_descriptors() + 8 < static_cast<size_t>(descriptor_limit().soft)) ASSERT_TRUE(taken.take());
  JobSpec spec = write_job(sink_server->address(), 200, 40);
  spec.schedule.to_per_s = 400;  // 200 requests over 0.5 s
  ASSERT_TRUE(engine->submit(1, spec).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  auto finals = finals_exactly_once(sink.samples, 200);
  size_t emfile = 0, ok = 0;
  for (const auto& [i, s] : finals) {
    if (s.failure == Failure::kNone) {
      ++ok;
      continue;
    }
    EXPECT_EQ(s.failure, Failure::kConnect) << i << ": " << failure_name(s.failure);
    EXPECT_EQ(s.error, EMFILE) << i;
    EXPECT_EQ(s.attempt, 1) << i << ": a local limit is not retried";
    EXPECT_NE(std::string(s.message).find("ulimit -n"), std::string::npos) << s.message;
    ++emfile;
  }
  // Each connection that got no descriptor failed one request and retired; the ones that
  // did carried every other request.
  EXPECT_GT(emfile, 0u);
  EXPECT_LT(emfile, 40u);
  EXPECT_EQ(ok + emfile, 200u);
  EXPECT_EQ(sink.samples.size(), 200u) << "no attempt was retried";
}

TEST(EngineLimits, AJobBeyondTheDescriptorLimitIsRefusedAtSubmit) {
  std::string error;
  auto sink_server = stressql::testing::NginxSink::start({}, &error);
  ASSERT_TRUE(sink_server) << error;
  auto engine = make_engine();
  SoftLimit limit(static_cast<rlim_t>(open_descriptors() + 30 + kDescriptorHeadroom));
  ASSERT_TRUE(limit.ok());
  CollectSink sink;
  ASSERT_TRUE(engine->submit(1, write_job(sink_server->address(), 20, 20)).is_ok());
  const base::Status s = engine->submit(2, write_job(sink_server->address(), 20, 50));
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("50 connections beside the 20 of running jobs"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("ulimit -n"), std::string::npos) << s.message();
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  finals_exactly_once(sink.samples, 20);
}

TEST(EngineLimits, TheBudgetKeepsHeadroomAndNamesTheFix) {
  DescriptorLimit l{1000, 4096};
  EXPECT_EQ(connection_budget(l), 1000 - kDescriptorHeadroom);
  EXPECT_EQ(check_connection_budget(connection_budget(l), l), "");
  const std::string e = check_connection_budget(connection_budget(l) + 1, l);
  EXPECT_NE(e.find("1001 file descriptors"), std::string::npos) << e;
  EXPECT_NE(e.find("the limit is 1000"), std::string::npos) << e;
  EXPECT_NE(e.find("ulimit -n 1001"), std::string::npos) << e;
  EXPECT_EQ(check_connection_budget(10, DescriptorLimit{10, 10}).find("which need 74"), 0u);
}

}  // namespace
}  // namespace stressql::engine
