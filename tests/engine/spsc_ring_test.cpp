#include "engine/spsc_ring.h"

#include <gtest/gtest.h>

#include <thread>

#include "engine/user_data.h"

namespace stressql::engine {
namespace {

struct Item {
  uint64_t seq;
  uint64_t check;
};

TEST(SpscRing, FillsAndDrainsInOrder) {
  SpscRing<int> ring(8);
  EXPECT_EQ(ring.capacity(), 8u);
  EXPECT_TRUE(ring.empty());
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(ring.try_push(i));
  EXPECT_FALSE(ring.try_push(99));
  int v;
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(ring.try_pop(&v));
    EXPECT_EQ(v, i);
  }
  EXPECT_FALSE(ring.try_pop(&v));
  for (int round = 0; round < 100; ++round) {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(ring.try_push(round * 10 + i));
    int out[8];
    ASSERT_EQ(ring.pop_n(out, 8), 5u);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(out[i], round * 10 + i);
  }
}

// Millions of items through a small ring between two threads (meant for TSan, too).
TEST(SpscRing, ProducerConsumerMillions) {
  constexpr uint64_t kItems = 4'000'000;
  SpscRing<Item> ring(1024);
  std::thread producer([&] {
    for (uint64_t i = 0; i < kItems; ++i) {
      Item it{i, i * 0x9e3779b97f4a7c15ull};
      while (!ring.try_push(it)) std::this_thread::yield();
    }
  });
  uint64_t expected = 0;
  Item batch[64];
  while (expected < kItems) {
    size_t n = (expected & 1) ? ring.pop_n(batch, 64) : (ring.try_pop(batch) ? 1 : 0);
    if (n == 0) {
      std::this_thread::yield();
      continue;
    }
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(batch[i].seq, expected);
      ASSERT_EQ(batch[i].check, expected * 0x9e3779b97f4a7c15ull);
      ++expected;
    }
  }
  producer.join();
  EXPECT_TRUE(ring.empty());
}

TEST(UserData, RoundTrips) {
  for (Op op : {Op::kConnect, Op::kSend, Op::kSendZc, Op::kRecv, Op::kWake}) {
    for (uint32_t slot : {0u, 1u, 4095u, kMaxSlots - 1}) {
      for (uint32_t gen : {0u, 7u, 0xffffffffu}) {
        UserData d = decode_user_data(encode_user_data(op, slot, gen));
        EXPECT_EQ(d.op, op);
        EXPECT_EQ(d.slot, slot);
        EXPECT_EQ(d.generation, gen);
      }
    }
  }
}

}  // namespace
}  // namespace stressql::engine
