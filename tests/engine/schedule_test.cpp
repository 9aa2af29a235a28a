#include "engine/schedule.h"

#include <gtest/gtest.h>

namespace stressql::engine {
namespace {

TEST(RequestSchedule, ConstantRateSpacesRequestsEvenlyFromTheStart) {
  RequestSchedule s;
  s.to_per_s = 2000;  // req/s
  ASSERT_TRUE(s.open_loop());
  EXPECT_EQ(s.due_offset_ns(0), 0);
  EXPECT_EQ(s.due_offset_ns(1), 500'000);
  EXPECT_EQ(s.due_offset_ns(2000), 1'000'000'000);
}

TEST(RequestSchedule, PointsPerSecondCountThePointsBeforeTheRequest) {
  RequestSchedule s;
  s.to_per_s = 100'000;           // pts/s
  s.units_per_request = 5000;     // BatchSize; only the last request can be shorter, and
  EXPECT_EQ(s.due_offset_ns(1), 50'000'000);  // nothing is due after it
  EXPECT_EQ(s.due_offset_ns(20), 1'000'000'000);
}

TEST(RequestSchedule, RampFollowsTheIntegralOfTheLineThenHolds) {
  RequestSchedule s;
  s.from_per_s = 0;
  s.to_per_s = 100;
  s.ramp_ns = 10'000'000'000;  // 0 → 100 req/s over 10 s: 5·t² released by t
  EXPECT_EQ(s.due_offset_ns(0), 0);
  EXPECT_EQ(s.due_offset_ns(5), 1'000'000'000);
  EXPECT_EQ(s.due_offset_ns(125), 5'000'000'000);
  EXPECT_EQ(s.due_offset_ns(500), 10'000'000'000);  // the ramp's end
  EXPECT_EQ(s.due_offset_ns(600), 11'000'000'000);  // then 100 req/s
}

TEST(RequestSchedule, RampDownAndFlatRamp) {
  RequestSchedule down;
  down.from_per_s = 100;
  down.to_per_s = 50;
  down.ramp_ns = 2'000'000'000;  // 150 released in 2 s
  EXPECT_EQ(down.due_offset_ns(150), 2'000'000'000);
  EXPECT_EQ(down.due_offset_ns(200), 3'000'000'000);
  RequestSchedule flat;
  flat.from_per_s = flat.to_per_s = 10;
  flat.ramp_ns = 5'000'000'000;
  EXPECT_EQ(flat.due_offset_ns(10), 1'000'000'000);
  EXPECT_EQ(flat.due_offset_ns(60), 6'000'000'000);
}

TEST(RequestSchedule, DueTimesNeverGoBackwards) {
  RequestSchedule s;
  s.from_per_s = 3;
  s.to_per_s = 12345.5;
  s.ramp_ns = 3'000'000'000;
  s.units_per_request = 7;
  int64_t last = -1;
  for (uint64_t i = 0; i < 100000; ++i) {
    const int64_t due = s.due_offset_ns(i);
    ASSERT_GE(due, last) << i;
    last = due;
  }
}

TEST(RequestSchedule, ZeroIsTheClosedLoop) {
  RequestSchedule s;
  EXPECT_FALSE(s.open_loop());
}

}  // namespace
}  // namespace stressql::engine
