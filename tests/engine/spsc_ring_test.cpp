#include "engine/spsc_ring.h"

#include <gtest/gtest.h>

#include <atomic>
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

// Millions of items through a small ring between two threads (meant for TSan, too). The
// consumer drains until the producer is done and the ring is empty, so a lost item ends
// the loop instead of hanging it; mismatches are counted and checked after the join (an
// ASSERT here would leave the producer running, and its joinable thread would terminate
// the process).
TEST(SpscRing, ProducerConsumerMillions) {
  constexpr uint64_t kItems = 4'000'000;
  SpscRing<Item> ring(1024);
  std::atomic<bool> produced{false};
  std::thread producer([&] {
    for (uint64_t i = 0; i < kItems; ++i) {
      Item it{i, i * 0x9e3779b97f4a7c15ull};
      while (!ring.try_push(it)) std::this_thread::yield();
    }
    produced.store(true, std::memory_order_release);
  });
  uint64_t received = 0, out_of_order = 0, corrupt = 0, first_bad = kItems;
  Item batch[64];
  for (;;) {
    // Read the flag before popping: once it is set, everything pushed is visible.
    const bool done = produced.load(std::memory_order_acquire);
    size_t n = (received & 1) ? ring.pop_n(batch, 64) : (ring.try_pop(batch) ? 1 : 0);
    if (n == 0) {
      if (done) break;
      std::this_thread::yield();
      continue;
    }
    for (size_t i = 0; i < n; ++i) {
      const bool in_order = batch[i].seq == received;
      const bool intact = batch[i].check == batch[i].seq * 0x9e3779b97f4a7c15ull;
      out_of_order += !in_order;
      corrupt += !intact;
      if ((!in_order || !intact) && first_bad == kItems) first_bad = received;
      ++received;
    }
  }
  producer.join();
  EXPECT_EQ(received, kItems);
  EXPECT_EQ(out_of_order, 0u) << "first at item " << first_bad;
  EXPECT_EQ(corrupt, 0u) << "first at item " << first_bad;
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
