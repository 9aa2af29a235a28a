#pragma once
// Shards (SPEC §6.5): shard I of N sends request indices I, I+N, I+2N, … of every INSERT and
// QUERY, so the N shards together send exactly the requests one process would, each once.
// Striding (rather than N contiguous blocks) keeps the shards writing the same timestamps
// at the same time, as one process does. Under a rate each shard schedules its requests by
// their statement-wide index, so request i is due exactly when one process would send it.
// Pure: no I/O, no globals.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/engine.h"
#include "parser/rate.h"

namespace stressql::generator {

struct Shard {
  uint32_t index = 0;  // 0 ≤ index < count
  uint32_t count = 1;  // 1: not sharded

  bool sharded() const { return count > 1; }
  // How many of `total` request indices belong to this shard.
  uint64_t requests(uint64_t total) const {
    return total > index ? (total - index - 1) / count + 1 : 0;
  }
  // The statement-wide index of this shard's `local`-th request.
  uint64_t global_index(uint64_t local) const { return local * count + index; }
  // Points in this shard's requests when `points` go out `batch` per request (the last
  // request of the statement may be shorter). REQUIRES: batch ≥ 1.
  uint64_t points(uint64_t points, uint64_t batch) const;
  // This shard's part of `total` connections: ⌊total/N⌋, one more for the first total mod N
  // shards, at least 1 (a shard with requests needs a connection).
  uint32_t concurrency(uint32_t total) const;
  // `rate` divided by N (ramp durations unchanged): this shard's share, as reported; the
  // closed loop stays closed.
  parser::Rate rate(const parser::Rate& rate) const;
  // The schedule of this shard's requests under `whole`, the statement's schedule: its
  // request j is due when the statement's request global_index(j) is.
  engine::RequestSchedule schedule(const engine::RequestSchedule& whole) const {
    engine::RequestSchedule s = whole;
    s.index_stride = whole.index_stride * count;
    s.index_offset = whole.index_offset + whole.index_stride * index;
    return s;
  }
  // "2/8".
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

constexpr uint32_t kMaxShards = 10000;

// Parses "I/N" or "auto/N" (I from `job_index`: the value of JOB_COMPLETION_INDEX that a
// Kubernetes Indexed Job sets, null when unset). False and *error, naming what was
// expected, on anything else; 1 ≤ N ≤ kMaxShards and 0 ≤ I < N.
bool parse_shard(std::string_view text, const char* job_index, Shard* out, std::string* error);

// The seed of a run without --seed: a hash of its test ID, so every shard of a test renders
// the same values.
uint64_t seed_from_test_id(std::string_view test_id);

// The requests of `inner` that belong to `shard`: request j here is inner's request
// shard.global_index(j). render() is as thread-safe as inner's.
class ShardSource : public engine::RequestSource {
 public:
  ShardSource(std::shared_ptr<const engine::RequestSource> inner, Shard shard)
      : inner_(std::move(inner)), shard_(shard) {}
  size_t max_target_bytes() const override { return inner_->max_target_bytes(); }
  size_t max_body_bytes() const override { return inner_->max_body_bytes(); }
  Rendered render(uint64_t index, char* target, char* body) const override {
    return inner_->render(shard_.global_index(index), target, body);
  }
  bool fixed_request() const override { return inner_->fixed_request(); }

 private:
  std::shared_ptr<const engine::RequestSource> inner_;
  Shard shard_;
};

}  // namespace stressql::generator
