// find-max's verdict on one step, on synthetic samples: which SLO broke, a rate not reached,
// and a client limit told apart from a slow server (Little's law on the latency from send).
#include <gtest/gtest.h>

#include <string>

#include "statements/find_max.h"

namespace stressql::statements {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000'000'000;

struct Synthetic {
  double target = 1000;           // req/s
  int requests = 2000;
  int64_t from_send_ns = 1'000'000;
  int64_t lag_step_ns = 0;        // request i is sent i × this late (a schedule falling behind)
  uint16_t status = 204;
};

StepResult step_of(const Synthetic& p) {
  StepResult step;
  step.target = p.target;
  stats::StatementReport& r = step.counted;
  r.kind = stats::StatementKind::kInsert;
  r.name = "cpu";
  r.ran = true;
  r.rate.unit = "req/s";
  r.rate.units_per_request = 1;
  r.duration_ns = static_cast<int64_t>(p.requests / p.target * 1e9);
  for (int i = 0; i < p.requests; ++i) {
    engine::Sample s;
    s.status = p.status;
    s.failure = p.status / 100 == 2 ? engine::Failure::kNone : engine::Failure::kHttpStatus;
    s.points = 10;
    s.due_unix_ns = kT0 + static_cast<int64_t>(i / p.target * 1e9);
    s.lag_ns = i * p.lag_step_ns;
    s.latency_ns = s.lag_ns + p.from_send_ns;
    r.stats.add(s);
  }
  return step;
}

std::vector<judge::Threshold> slos(std::initializer_list<const char*> texts) {
  std::vector<judge::Threshold> out;
  for (const char* t : texts) {
    judge::Threshold th;
    EXPECT_TRUE(judge::parse_threshold(t, false, &th)) << t;
    out.push_back(th);
  }
  return out;
}

TEST(StepJudgeTest, AFastServerOnScheduleMeetsItsSlos) {
  StepResult step = step_of({});
  judge_step(slos({"p99<=10ms", "error_rate<=1%"}), 16, 0, &step);
  EXPECT_TRUE(step.pass) << step.why;
  EXPECT_EQ(step.why, "");
  EXPECT_NEAR(step.achieved, 1000, 1);
  ASSERT_EQ(step.slo_results.size(), 2u);
  EXPECT_TRUE(step.slo_results[0].pass);
  EXPECT_NEAR(*step.slo_results[0].measured, 1e6, 1e4);
}

TEST(StepJudgeTest, SaysWhichSloBroke) {
  StepResult step = step_of({.from_send_ns = 50'000'000});
  judge_step(slos({"p99<=10ms", "error_rate<=1%"}), 16, 0, &step);
  EXPECT_FALSE(step.pass);
  EXPECT_FALSE(step.client_limited);
  EXPECT_EQ(step.why, "p99 50ms breaks p99<=10ms");
  EXPECT_FALSE(step.slo_results[0].pass);
  EXPECT_TRUE(step.slo_results[1].pass);
}

TEST(StepJudgeTest, AShortfallJustBelowTheRuleDoesNotReadAsMeetingIt) {
  StepResult step = step_of({});
  step.target = 1000 / 0.898;  // achieved 89.8 % of it
  judge_step(slos({"p99<=10ms"}), 16, 0, &step);
  EXPECT_FALSE(step.pass);
  EXPECT_EQ(step.why, "achieved 89% of the target");
}

TEST(StepJudgeTest, LateSendsWithIdleConnectionsAreAClientLimit) {
  // 10 000 req/s answered in 100 µs keep one connection busy of 16, yet the sends fell
  // behind to half the rate: stressql could not send faster.
  Synthetic p{.target = 10'000, .requests = 20'000, .from_send_ns = 100'000, .lag_step_ns = 100'000};
  StepResult step = step_of(p);
  judge_step(slos({"p99<=10ms"}), 16, 0, &step);
  EXPECT_FALSE(step.pass);
  EXPECT_TRUE(step.client_limited) << step.why;
  EXPECT_LT(step.achieved, 0.9 * p.target);
  EXPECT_NE(step.why.find("achieved 50% of the target"), std::string::npos) << step.why;
  EXPECT_NE(step.why.find("client limit"), std::string::npos) << step.why;
}

TEST(StepJudgeTest, LateSendsBehindASlowServerAreTheServers) {
  // 1000 req/s answered in 20 ms need 20 connections; there are 16: every one is busy and
  // the sends wait for them. The server is the limit.
  StepResult step = step_of({.from_send_ns = 20'000'000, .lag_step_ns = 500'000});
  judge_step(slos({"p99<=1s"}), 16, 0, &step);
  EXPECT_FALSE(step.pass);
  EXPECT_FALSE(step.client_limited) << step.why;
  EXPECT_NE(step.why.find("of the target"), std::string::npos) << step.why;
}

TEST(StepJudgeTest, ARateMetOnTimeIsNoClientLimitEvenWithSomeLateSends) {
  StepResult step = step_of({.from_send_ns = 100'000, .lag_step_ns = 1'000});  // up to 2 ms late
  judge_step(slos({"p99<=1ms"}), 16, 0, &step);
  EXPECT_FALSE(step.pass);  // p99 includes the lag
  EXPECT_FALSE(step.client_limited) << step.why;
}

TEST(StepJudgeTest, AServerThatFailsEverythingSaysHow) {
  StepResult step = step_of({.status = 503});
  judge_step(slos({"error_rate<=1%"}), 16, 0, &step);
  EXPECT_FALSE(step.pass);
  EXPECT_FALSE(step.client_limited);
  EXPECT_EQ(step.why.rfind("no request succeeded (http 503)", 0), 0u) << step.why;
  EXPECT_NE(step.why.find("error_rate 100% breaks error_rate<=1%"), std::string::npos) << step.why;
}

TEST(StepJudgeTest, NoAnswerAtAllFails) {
  StepResult step = step_of({.requests = 0});
  judge_step(slos({"p99<=1s"}), 16, 0, &step);
  EXPECT_FALSE(step.pass);
  EXPECT_EQ(step.why.rfind("no request was answered after the warm-up", 0), 0u) << step.why;
}

// The bench's case: 800 requests in a 10 s step put 8 beyond the p99; 20 need 2000, 25 s.
TEST(ThinTailNoteTest, SaysHowFewRequestsAPercentileRestsOnAndWhichStepWouldDo) {
  const std::string note = thin_tail_note(slos({"error_rate<=1%", "p99<=500ms"}), 800, 10'000'000'000);
  EXPECT_NE(note.find("counted 800 requests, so its p99 rests on the 8 slowest"), std::string::npos) << note;
  EXPECT_NE(note.find("use --step 25s or longer (20 requests beyond the p99)"), std::string::npos) << note;
}

TEST(ThinTailNoteTest, TheHighestPercentileDecides) {
  // 5000 requests: p99 has 50 beyond it (enough), p999 only 5: 20 000 requests take 40 s.
  EXPECT_EQ(thin_tail_note(slos({"p99<=1s"}), 5000, 10'000'000'000), "");
  const std::string note = thin_tail_note(slos({"p99<=1s", "p999<=2s"}), 5000, 10'000'000'000);
  EXPECT_NE(note.find("its p999 rests on the 5 slowest"), std::string::npos) << note;
  EXPECT_NE(note.find("--step 40s"), std::string::npos) << note;
  EXPECT_NE(thin_tail_note(slos({"p999<=2s"}), 500, 10'000'000'000).find("its p999 is its slowest request"),
            std::string::npos);
}

TEST(ThinTailNoteTest, NoNoteWithoutAPercentileSloOrRequests) {
  EXPECT_EQ(thin_tail_note(slos({"max<=1s", "avg<=10ms", "error_rate<=1%"}), 10, 10'000'000'000), "");
  EXPECT_EQ(thin_tail_note(slos({"p99<=1s"}), 0, 10'000'000'000), "");
  EXPECT_EQ(thin_tail_note(slos({"p50<=1s"}), 40, 10'000'000'000), "");
}

}  // namespace
}  // namespace stressql::statements
