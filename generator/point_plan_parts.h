#pragma once
// Internals of PointPlan shared by point_plan.cpp (rendering) and
// point_plan_create.cpp (building). Not part of the engine's interface.

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "generator/point_plan.h"

namespace stressql::generator {

// FNV-1a, continued from h: hashes the raw value of a `per` tag's source.
constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
inline uint64_t fnv1a(std::string_view s, uint64_t h) {
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}
// Longest generated value a `per` tag's source may hold (hashed through a stack buffer).
constexpr size_t kMaxPerSourceChars = 256;

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

// Copies n bytes in whole 32-byte chunks, inline (a devops series key is ~250 bytes: a call
// into memcpy and its size dispatch cost more than the copy). REQUIRES: 31 bytes readable
// past src + n and 31 writable past dst + n (the overhang is garbage, overwritten later).
inline char* put_chunks(char* dst, const char* src, size_t n) {
  for (size_t i = 0; i < n; i += 32) std::memcpy(dst + i, src + i, 32);
  return dst + n;
}

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

  int derived = -1;              // a `per` tag dim: index into derived_ (count is then 1)
  bool generated = false;        // made by `gen` (so any index can be written)

  char* write(uint64_t i, char* dst) const {
    if (tabled) return put_bytes(dst, bytes.data() + off[i], off[i + 1] - off[i]);
    dst = put_str(dst, pre);
    dst = gen.write(i, dst);
    return put_str(dst, post);
  }
  // Raw value i, hashed (FNV-1a continued from h): what a `per` tag draws from.
  uint64_t hash_raw(uint64_t i, uint64_t h) const {
    if (!raw.empty()) return fnv1a(raw[i % raw.size()], h);
    char buf[kMaxPerSourceChars + 64];
    char* end = gen.write(i, buf);
    return fnv1a(std::string_view(buf, static_cast<size_t>(end - buf)), h);
  }
  // Like write(), also for i >= count when generated (Churn continues dimension 0).
  char* write_any(uint64_t i, char* dst) const {
    if (tabled && i < count) return put_bytes(dst, bytes.data() + off[i], off[i + 1] - off[i]);
    dst = put_str(dst, pre);
    dst = gen.write(i, dst);
    return put_str(dst, post);
  }
};

// `[<template> per <tagkey>]` (SPEC §7.2): drawn from `values` by a hash of the seed, the
// tag's key and tag `source_tag`'s raw value.
struct PointPlan::Derived {
  size_t dim = 0;         // its place in dims_ (radix 1 there)
  size_t source_tag = 0;  // index into tag_pieces_
  size_t min_dim = 0;     // the lowest dim its value depends on (itself when none)
  uint64_t key = 0;
  Values values;
};

// One field of a shaped line. Its text starts with the separator (' ' or ','), which the
// renderer rewrites: the first field written gets ' ', the others ','.
struct PointPlan::ShapedField {
  enum class Kind { kText, kCycle, kUnbounded, kSeries };
  Kind kind = Kind::kText;
  std::string pre;    // separator, key, '=', opening quote (kText: the whole field; kSeries:
                      // none, SeriesFields writes the whole field)
  std::string post;   // 'i' or closing quote
  uint32_t index = 0; // cycles_, unbounded_ or series_fields_
  bool integer = false;  // kSeries with an integer value (SeriesFields::integer())
};

// SPEC §7.2 settings turned into integer decisions.
struct PointPlan::Shape {
  uint64_t skip_below = 0;   // point skipped iff its hash < this (0: never)
  uint64_t omit_below = 0;   // field omitted iff its hash < this
  uint64_t hold_below = 0;   // Disorder: point held iff its hash < this
  uint64_t block = 1;        // Disorder: timestamps per block (1: none)
  double churn_per_epoch = 0;  // Churn: dimension-0 values replaced per epoch (p · count)
  uint64_t epoch = 0;          // Churn: timestamps per epoch (0: none)
  uint64_t series_per_value = 1;  // series per dimension-0 value
  uint64_t key_skip = 0, key_omit = 0, key_hold = 0, key_block = 0, key_id = 0;
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
