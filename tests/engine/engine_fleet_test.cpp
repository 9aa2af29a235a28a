// Fleets of connections (issue #29): a job's connections belong to it, whatever its size
// against the reactors, open as soon as the job starts and stay open until its last request
// is answered, however rare their requests; they reconnect only when the server closes them,
// and the reconnects are counted. The server is the real nginx sink (keepalive_requests
// makes it close connections on its own).
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "engine/engine.h"
#include "tests/engine/engine_test_util.h"
#include "tests/support/nginx_sink.h"

namespace stressql::engine {
namespace {

using stressql::engine::testing::CollectSink;
using stressql::engine::testing::finals_exactly_once;
using stressql::engine::testing::poll_until;
using stressql::engine::testing::wait_job;
using stressql::engine::testing::write_job;

// Sockets this process holds open.
size_t open_sockets() {
  size_t n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(d)) {
      struct stat st{};
      if (fstatat(dirfd(d), e->d_name, &st, 0) == 0 && S_ISSOCK(st.st_mode)) ++n;
    }
    closedir(d);
  }
  return n;
}

std::unique_ptr<Engine> default_engine() {
  EngineOptions o;
  o.reactors = 2;  // what the default is on the 2-core machines here; no per-reactor cap
  std::unique_ptr<Engine> e;
  const base::Status s = Engine::start(o, &e);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return e;
}

TEST(EngineFleet, ConnectionsOpenAtTheStartAndStayOpenBetweenRareRequests) {
  std::string error;
  stressql::testing::NginxSink::Options o;
  o.connections = 1500;
  auto nginx = stressql::testing::NginxSink::start(o, &error);
  ASSERT_TRUE(nginx) << error;
  auto engine = default_engine();
  const size_t before = open_sockets();
  CollectSink sink;
  // 1 500 connections, beyond the 1 024 a reactor used to hold, at 600 req/s for 5 s:
  // each connection sends one request every 2.5 s.
  JobSpec spec = write_job(nginx->address(), 3000, 1500);
  spec.schedule.to_per_s = 600;
  ASSERT_TRUE(engine->submit(1, spec).is_ok());
  // Every connection opens at the start, not when its first request is due: all of them
  // are open while the first round of requests is still under way.
  size_t open = 0;
  ASSERT_TRUE(poll_until(engine.get(), &sink, [&] {
    open = open_sockets() - before;
    return open >= 1500 || sink.samples.size() >= 750;
  }, std::chrono::seconds(60)));
  EXPECT_GE(open, 1500u) << "after " << sink.samples.size() << " answers";
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1, std::chrono::seconds(60)));
  for (const auto& [i, s] : finals_exactly_once(sink.samples, 3000)) {
    EXPECT_EQ(s.failure, Failure::kNone) << i << ": " << failure_name(s.failure);
  }
  EXPECT_EQ(sink.samples.size(), 3000u) << "no retries";
  // Each connection's second request went over the connection its first one opened.
  EXPECT_EQ(engine->counters().reconnects, 0u);
  EXPECT_EQ(open_sockets(), before) << "every connection is closed with its job";
}

TEST(EngineFleet, ReconnectsOnlyWhenTheServerClosesAndCountsThem) {
  std::string error;
  stressql::testing::NginxSink::Options o;
  o.keepalive_requests = 3;  // nginx closes each connection after its third answer
  auto nginx = stressql::testing::NginxSink::start(o, &error);
  ASSERT_TRUE(nginx) << error;
  auto engine = default_engine();
  CollectSink sink;
  ASSERT_TRUE(engine->submit(1, write_job(nginx->address(), 120, 4)).is_ok());
  ASSERT_TRUE(wait_job(engine.get(), &sink, 1));
  for (const auto& [i, s] : finals_exactly_once(sink.samples, 120)) {
    EXPECT_EQ(s.failure, Failure::kNone) << i << ": " << failure_name(s.failure);
  }
  // 120 requests, at most 3 a connection: at least 40 connections, the first 4 of them
  // connects, the others reconnects; and not one a request (nginx keeps the rest open).
  EXPECT_GE(engine->counters().reconnects, 36u);
  EXPECT_LT(engine->counters().reconnects, 60u);
}

}  // namespace
}  // namespace stressql::engine
