// The capacity search on synthetic servers: a function from rate to step outcome stands in
// for a real step, so every path of the search is checked exactly and in microseconds.
#include "statements/capacity_search.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <vector>

namespace stressql::statements {
namespace {

using Server = std::function<StepOutcome(double rate)>;

struct Search {
  SearchDecision result;
  std::vector<StepOutcome> steps;
};

// Runs the search to its end against `server` (at most 100 steps: a search that does not
// end is a failure of the test, not a hang).
Search run_search(const SearchConfig& c, const Server& server) {
  Search s;
  for (int i = 0; i < 100; ++i) {
    s.result = next_step(c, s.steps);
    if (s.result.phase == SearchPhase::kDone) return s;
    s.steps.push_back(server(s.result.next_rate));
  }
  ADD_FAILURE() << "the search did not end in 100 steps";
  return s;
}

Server knee_at(double capacity) {
  return [capacity](double rate) { return StepOutcome{rate, rate <= capacity, false}; };
}

TEST(CapacitySearchTest, FindsAKneeWithinTheResolution) {
  SearchConfig c{.start = 1000, .max = 10'000'000, .resolution = 0.05};
  for (double capacity : {1000.0, 1500.0, 37'000.0, 480'000.0, 999'999.0}) {
    Search s = run_search(c, knee_at(capacity));
    ASSERT_TRUE(s.result.found) << capacity;
    EXPECT_LE(s.result.rate, capacity);
    EXPECT_GE(s.result.rate, capacity / 1.05) << capacity;
    EXPECT_FALSE(s.result.max_reached);
    EXPECT_FALSE(s.result.client_limit);
    // The last step confirms the answer at the answer's rate.
    EXPECT_EQ(s.steps.back().rate, s.result.rate);
    EXPECT_TRUE(s.steps.back().pass);
  }
}

TEST(CapacitySearchTest, DoublesFromStartThenBisects) {
  SearchConfig c{.start = 1000, .max = 1'000'000, .resolution = 0.05};
  Search s = run_search(c, knee_at(5000));
  std::vector<double> rates;
  for (const auto& st : s.steps) rates.push_back(st.rate);
  // 1000 2000 4000 pass, 8000 fails; bisect 6000 F, 5000 P, 5500 F, 5250 F: within 5 % of
  // 5000 (250 <= 250), so confirm 5000.
  ASSERT_GE(rates.size(), 6u);
  EXPECT_EQ(std::vector<double>(rates.begin(), rates.begin() + 6),
            (std::vector<double>{1000, 2000, 4000, 8000, 6000, 5000}));
  EXPECT_TRUE(s.result.found);
  EXPECT_EQ(s.result.rate, 5000);
  EXPECT_EQ(s.steps.size(), 9u) << "1000 2000 4000 8000 6000 5000 5500 5250 confirm-5000";
}

TEST(CapacitySearchTest, AServerThatFailsEverythingEndsAfterOneStep) {
  SearchConfig c{.start = 1000, .max = 1'000'000, .resolution = 0.05};
  Search s = run_search(c, [](double r) { return StepOutcome{r, false, false}; });
  EXPECT_FALSE(s.result.found);
  EXPECT_TRUE(s.result.first_failed);
  EXPECT_EQ(s.steps.size(), 1u);
}

TEST(CapacitySearchTest, StopsAtMaxAndSaysSo) {
  SearchConfig c{.start = 1000, .max = 5000, .resolution = 0.05};
  Search s = run_search(c, knee_at(1e9));
  std::vector<double> rates;
  for (const auto& st : s.steps) rates.push_back(st.rate);
  EXPECT_EQ(rates, (std::vector<double>{1000, 2000, 4000, 5000, 5000}));
  EXPECT_TRUE(s.result.found);
  EXPECT_TRUE(s.result.max_reached);
  EXPECT_EQ(s.result.rate, 5000);
}

TEST(CapacitySearchTest, AClientLimitIsNotTheServersCapacity) {
  // The server would take anything; stressql cannot send more than 30 000/s.
  SearchConfig c{.start = 1000, .max = 1e9, .resolution = 0.05};
  Search s = run_search(c, [](double r) { return StepOutcome{r, r <= 30'000, r > 30'000}; });
  EXPECT_TRUE(s.result.found);
  EXPECT_TRUE(s.result.client_limit);
  EXPECT_GE(s.result.rate, 30'000 / 1.05);
  // A server limit below the client's: the lowest failing step is the server's.
  s = run_search(c, [](double r) { return StepOutcome{r, r <= 20'000, r > 50'000}; });
  EXPECT_TRUE(s.result.found);
  EXPECT_FALSE(s.result.client_limit);
}

TEST(CapacitySearchTest, NoisyLatenciesStillEndNearTheKnee) {
  // Each step's latency is the knee's shape times ±10 % noise: rates near the knee pass or
  // fail at random. The search must end, and the answer must be a rate that passed twice.
  std::mt19937_64 rng(42);
  for (int trial = 0; trial < 200; ++trial) {
    std::uniform_real_distribution<double> noise(0.9, 1.1);
    const double capacity = 50'000;
    SearchConfig c{.start = 1000, .max = 1e7, .resolution = 0.05};
    Search s = run_search(c, [&](double r) { return StepOutcome{r, r * noise(rng) <= capacity, false}; });
    ASSERT_EQ(s.result.phase, SearchPhase::kDone);
    if (!s.result.found) {
      EXPECT_TRUE(s.result.unconfirmed);
      continue;
    }
    EXPECT_LE(s.result.rate, capacity / 0.9);
    EXPECT_GE(s.result.rate, capacity / 1.1 / 1.05 * 0.95 * 0.95 * 0.95);
    EXPECT_LE(s.steps.size(), 25u);
  }
}

TEST(CapacitySearchTest, AFailedConfirmationStepsDown) {
  // 4000 passes while doubling and fails its confirmation; 3800 (5 % lower) holds.
  SearchConfig c{.start = 1000, .max = 1e6, .resolution = 0.05};
  int seen_4000 = 0;
  Search s = run_search(c, [&](double r) {
    if (r == 4000) return StepOutcome{r, ++seen_4000 == 1, false};
    return StepOutcome{r, r <= 4000, false};
  });
  ASSERT_TRUE(s.result.found);
  EXPECT_EQ(s.result.rate, 3800);
  EXPECT_EQ(s.steps.back().rate, 3800);
}

TEST(CapacitySearchTest, EndlessFailedConfirmationsEndUnconfirmed) {
  SearchConfig c{.start = 1000, .max = 1e6, .resolution = 0.05};
  std::vector<StepOutcome> steps{{1000, true, false}, {2000, false, false}};
  // 2000 − 1000 > 5 %: bisect 1500, 1250, 1125, 1062/1063 … all failing, then confirmations.
  SearchDecision d = next_step(c, steps);
  while (d.phase != SearchPhase::kDone && steps.size() < 100) {
    steps.push_back({d.next_rate, false, false});
    d = next_step(c, steps);
  }
  EXPECT_FALSE(d.found);
  EXPECT_TRUE(d.unconfirmed);
  int confirmations = 0;
  for (const auto& st : steps) confirmations += st.rate <= 1000 ? 1 : 0;
  EXPECT_EQ(confirmations, 1 + 1 + kMaxStepDowns);  // the first step, then 1 + 3 tries
}

TEST(CapacitySearchTest, StepsAfterTheEndChangeNothing) {
  SearchConfig c;
  std::vector<StepOutcome> steps{{1000, false, false}, {5, true, false}};
  SearchDecision d = next_step(c, steps);
  EXPECT_EQ(d.phase, SearchPhase::kDone);
  EXPECT_TRUE(d.first_failed);
}

}  // namespace
}  // namespace stressql::statements

namespace stressql::statements {
namespace {

// A resolution finer than any step can measure would bisect until doubles run out, then
// repeat the same rate for ever on a deterministic server: the search takes the finest
// resolution instead, and ends within its step cap, within 1 % of the knee.
TEST(CapacitySearchTest, ATooFineResolutionStillEndsWithinOnePercent) {
  for (double resolution : {1e-300, 1e-9, 0.001}) {
    SearchConfig c{.start = 1000, .max = 1e7, .resolution = resolution};
    Search s = run_search(c, knee_at(37'123.456));
    ASSERT_TRUE(s.result.found) << resolution;
    EXPECT_LE(s.result.rate, 37'123.456);
    EXPECT_GE(s.result.rate, 37'123.456 / (1 + kMinResolution)) << resolution;
    EXPECT_LE(s.steps.size(), static_cast<size_t>(kDefaultMaxSteps));
    EXPECT_FALSE(s.result.step_limit);
  }
}

// Whatever the server does, the search ends after max_steps steps and says so, with the
// best rate that passed. The model: a server that takes every rate up to 1e9, searched from
// a start so low that doubling alone would take more steps than the cap.
TEST(CapacitySearchTest, TheStepCapEndsTheSearchAndSaysWhy) {
  SearchConfig c{.start = 1e-6, .max = 1e9, .resolution = 0.05, .max_steps = 12};
  Search s = run_search(c, knee_at(1e9));
  EXPECT_EQ(s.steps.size(), 12u);
  EXPECT_TRUE(s.result.step_limit);
  EXPECT_FALSE(s.result.found);
  EXPECT_EQ(s.result.phase, SearchPhase::kDone);
  EXPECT_DOUBLE_EQ(s.result.best, s.steps.back().rate);  // the last doubling passed
  // With the default cap, a run that never stops doubling still ends.
  SearchConfig d{.start = 1e-9, .max = 1e9, .resolution = 0.05};
  Search t = run_search(d, knee_at(1e9));
  EXPECT_EQ(t.steps.size(), static_cast<size_t>(kDefaultMaxSteps));
  EXPECT_TRUE(t.result.step_limit);
  // Steps after the end change nothing.
  std::vector<StepOutcome> more = s.steps;
  more.push_back(StepOutcome{5, true, false});
  EXPECT_TRUE(next_step(c, more).step_limit);
}

}  // namespace
}  // namespace stressql::statements
