#pragma once
// Seeded randomness: splitmix64 (Steele, Lea, Flood 2014) as a finalizer and as a small
// generator, and one way to draw a fresh seed. Same seed, same numbers, on any machine.

#include <cstdint>

namespace stressql::base {

// splitmix64's finalizer: a bijective 64-bit mix.
inline uint64_t mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
// A keyed hash of i: mix64(key ^ mix64(i)).
inline uint64_t hash2(uint64_t key, uint64_t i) { return mix64(key ^ mix64(i)); }

// splitmix64 as a generator: the n-th number is mix64(seed + n·γ). Small and fast; one per
// thread (not thread-safe).
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = state_;
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(z);
  }
  // Uniform in [0, bound]; 0 when bound ≤ 0.
  int64_t uniform(int64_t bound) {
    if (bound <= 0) return 0;
    return static_cast<int64_t>(next() % (static_cast<uint64_t>(bound) + 1));
  }

 private:
  uint64_t state_;
};

// A fresh, non-zero seed from the operating system's entropy (std::random_device).
uint64_t random_seed();

}  // namespace stressql::base
