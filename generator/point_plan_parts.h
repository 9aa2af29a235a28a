#pragma once
// Internals of PointPlan shared by point_plan.cpp (rendering) and
// point_plan_create.cpp (building). Not part of the engine's interface.

#include <cstring>
#include <string>
#include <vector>

#include "generator/point_plan.h"

namespace stressql::generator {

// Keys and field runs are mostly 16–64 bytes: two or four overlapping fixed-size copies
// (plain vector moves) beat a call into memcpy. Never touches bytes outside [dst, dst+n).
// REQUIRES: the ranges do not overlap.
inline char* put_bytes(char* dst, const char* src, size_t n) {
  if (n >= 16 && n <= 32) {
    std::memcpy(dst, src, 16);
    std::memcpy(dst + n - 16, src + n - 16, 16);
  } else if (n > 32 && n <= 64) {
    std::memcpy(dst, src, 32);
    std::memcpy(dst + n - 32, src + n - 32, 32);
  } else {
    std::memcpy(dst, src, n);
  }
  return dst + n;
}
inline char* put_str(char* dst, const std::string& s) { return put_bytes(dst, s.data(), s.size()); }

// `count` values, each wrapped in a decoration (`,key=` before, `i` after, …).
// Pre-rendered back to back when tabled; else generated on use.
struct PointPlan::Values {
  uint64_t count = 0;
  bool tabled = false;
  ValueGen gen;                  // when not tabled
  std::string pre, post;         // decoration; baked into the table when tabled
  std::string bytes;             // tabled: every value with its decoration
  std::vector<uint32_t> off;     // tabled: count + 1 offsets into bytes
  std::vector<std::string> raw;  // lists: the items as written (for tag_value)
  size_t max_bytes = 0;          // one value with its decoration

  char* write(uint64_t i, char* dst) const {
    if (tabled) return put_bytes(dst, bytes.data() + off[i], off[i + 1] - off[i]);
    dst = put_str(dst, pre);
    dst = gen.write(i, dst);
    return put_str(dst, post);
  }
};

struct PointPlan::KeyPart {
  std::string lit;  // literal key text before dimension i (or the key's tail)
};

// Text, then the per-timestamp value of unbounded_[gen] when gen >= 0.
struct PointPlan::RunPiece {
  std::string text;
  int gen = -1;
};

struct PointPlan::FieldOp {
  bool cycle = false;  // cycles_[index] per point; else runs_[index] per timestamp
  uint32_t index = 0;
};

// Raw literal text, then the raw value of dims_[dim] when dim >= 0.
struct PointPlan::TagPiece {
  std::string raw_lit;
  int dim = -1;
};

// Per-render state: lives on the reactor's stack, never shared.
struct PointPlan::Cursor {
  uint64_t s_lo = 0;  // index into the pre-rendered key suffixes
  bool need_prefix = true;
  const char* prefix = nullptr;  // the current key prefix, inside an earlier line of dst
  size_t prefix_len = 0;
  uint64_t digits[kMaxTagTemplates];     // on-the-fly dims, like an odometer
  uint64_t cycle_idx[kMaxFieldTemplates];
  const char* run_ptr[kMaxFieldTemplates + 1];  // this timestamp's runs, inside dst
  uint32_t run_len[kMaxFieldTemplates + 1];
};

}  // namespace stressql::generator
