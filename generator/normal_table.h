#pragma once
// Standard normal draws from a 64-bit hash: a 4096-entry table of the normal quantiles at
// (i + 0.5) / 4096, indexed by the hash's top 12 bits. Deterministic on every machine (the
// table is computed once, with the same arithmetic), |z| <= 3.66, and one load per draw.

#include <cstdint>

namespace stressql::generator {

// The 4096 quantiles, computed on first use (thread-safe).
const float* normal_table();

inline float std_normal(const float* table, uint64_t hash) { return table[hash >> 52]; }

}  // namespace stressql::generator
