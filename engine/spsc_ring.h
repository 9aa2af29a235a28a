#pragma once
// A bounded single-producer single-consumer ring for trivially copyable items.
//
// Invariants:
//  - Exactly one producer thread calls try_push/over_half; exactly one consumer thread calls
//    try_pop/pop_n/empty. Any thread may construct and destroy it while neither side runs.
//  - write_ is written only by the producer (release), read by the consumer (acquire);
//    read_ symmetrically. Each side caches the other's index and reloads it only when the
//    ring looks full (producer) or empty (consumer), so the lines ping-pong rarely.
//  - Indices grow without wrapping (64-bit); slot = index & (capacity - 1).
//  - write_, read_, and each side's cache sit on their own 128-byte line (adjacent-line
//    prefetch pairs 64-byte lines on x86, hence 128, as folly does).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

namespace stressql::engine {

inline constexpr std::size_t kFalseSharing = 128;

template <typename T>
class SpscRing {
  static_assert(std::is_trivially_copyable_v<T>, "SpscRing items must be trivially copyable");

 public:
  // REQUIRES: capacity is a power of two ≥ 2.
  explicit SpscRing(std::size_t capacity)
      : mask_(capacity - 1), slots_(std::make_unique<T[]>(capacity)) {}
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  std::size_t capacity() const { return mask_ + 1; }

  // Producer only. False when full (the item is not stored).
  bool try_push(const T& item) {
    const uint64_t w = write_.load(std::memory_order_relaxed);
    if (w - producer_.cached_read > mask_) {
      producer_.cached_read = read_.load(std::memory_order_acquire);
      if (w - producer_.cached_read > mask_) return false;
    }
    slots_[w & mask_] = item;
    write_.store(w + 1, std::memory_order_release);
    return true;
  }

  // Consumer only. False when empty.
  bool try_pop(T* out) {
    const uint64_t r = read_.load(std::memory_order_relaxed);
    if (r == consumer_.cached_write) {
      consumer_.cached_write = write_.load(std::memory_order_acquire);
      if (r == consumer_.cached_write) return false;
    }
    *out = slots_[r & mask_];
    read_.store(r + 1, std::memory_order_release);
    return true;
  }

  // Producer only: true when more than half of the ring holds items not yet popped.
  bool over_half() {
    const uint64_t w = write_.load(std::memory_order_relaxed);
    if (w - producer_.cached_read <= (mask_ + 1) / 2) return false;
    producer_.cached_read = read_.load(std::memory_order_acquire);
    return w - producer_.cached_read > (mask_ + 1) / 2;
  }

  // Consumer only: pops up to `max` items into `out`, publishing read_ once.
  std::size_t pop_n(T* out, std::size_t max) {
    const uint64_t r = read_.load(std::memory_order_relaxed);
    if (consumer_.cached_write - r < max) consumer_.cached_write = write_.load(std::memory_order_acquire);
    std::size_t n = static_cast<std::size_t>(consumer_.cached_write - r);
    if (n > max) n = max;
    for (std::size_t i = 0; i < n; ++i) out[i] = slots_[(r + i) & mask_];
    if (n > 0) read_.store(r + n, std::memory_order_release);
    return n;
  }

  // Consumer only: true when nothing is visible to pop.
  bool empty() {
    const uint64_t r = read_.load(std::memory_order_relaxed);
    if (r != consumer_.cached_write) return false;
    consumer_.cached_write = write_.load(std::memory_order_acquire);
    return r == consumer_.cached_write;
  }

 private:
  struct alignas(kFalseSharing) ProducerCache {
    uint64_t cached_read = 0;
  };
  struct alignas(kFalseSharing) ConsumerCache {
    uint64_t cached_write = 0;
  };

  alignas(kFalseSharing) std::atomic<uint64_t> write_{0};
  alignas(kFalseSharing) std::atomic<uint64_t> read_{0};
  ProducerCache producer_;
  ConsumerCache consumer_;
  alignas(kFalseSharing) const uint64_t mask_;
  std::unique_ptr<T[]> slots_;
};

}  // namespace stressql::engine
