#include "engine/timer_heap.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace stressql::engine {
namespace {

TEST(TimerHeap, PopsInTimeOrderAndMovesArmedTimers) {
  TimerHeap h;
  h.reset(8);
  h.set(3, 30);
  h.set(1, 10);
  h.set(2, 20);
  h.set(3, 5);   // moved earlier
  h.set(1, 40);  // moved later
  EXPECT_EQ(h.size(), 3u);
  EXPECT_EQ(h.top_time(), 5);
  EXPECT_EQ(h.pop(), 3u);
  EXPECT_EQ(h.pop(), 2u);
  EXPECT_EQ(h.pop(), 1u);
  EXPECT_TRUE(h.empty());
}

TEST(TimerHeap, ClearDisarmsAndIsIdempotent) {
  TimerHeap h;
  h.reset(4);
  h.set(0, 1);
  h.set(1, 2);
  h.clear(0);
  h.clear(0);
  h.clear(2);  // never armed
  EXPECT_FALSE(h.armed(0));
  EXPECT_TRUE(h.armed(1));
  EXPECT_EQ(h.pop(), 1u);
  EXPECT_TRUE(h.empty());
}

// Random operations against an ordered reference: the earliest time always agrees.
TEST(TimerHeap, AgreesWithAReferenceUnderRandomOperations) {
  constexpr uint32_t kIds = 64;
  TimerHeap h;
  h.reset(kIds);
  std::map<uint32_t, int64_t> ref;  // id -> time
  std::mt19937_64 rng(7);
  for (int step = 0; step < 20000; ++step) {
    const uint32_t id = static_cast<uint32_t>(rng() % kIds);
    switch (rng() % 3) {
      case 0: {
        const int64_t at = static_cast<int64_t>(rng() % 1000);
        h.set(id, at);
        ref[id] = at;
        break;
      }
      case 1:
        h.clear(id);
        ref.erase(id);
        break;
      default:
        if (!ref.empty()) {
          int64_t earliest = INT64_MAX;
          for (const auto& [i, at] : ref) earliest = std::min(earliest, at);
          ASSERT_EQ(h.top_time(), earliest);
          const uint32_t popped = h.pop();
          ASSERT_EQ(ref.at(popped), earliest);
          ref.erase(popped);
        }
    }
    ASSERT_EQ(h.size(), ref.size());
    for (uint32_t i = 0; i < kIds; ++i) ASSERT_EQ(h.armed(i), ref.count(i) == 1);
  }
}

}  // namespace
}  // namespace stressql::engine
