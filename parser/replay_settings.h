#pragma once
// The SET names of replay (SPEC §7.3): ReplayTime, ReplayLoops, ReplaySpeed. Their values
// and parsing live here so settings.cpp only dispatches.

#include <cstdint>
#include <string>
#include <string_view>

namespace stressql::parser {

// keep: the file's timestamps as written; shift: all moved by one amount so the file's
// first timestamp becomes StartDate.
enum class ReplayTime { kKeep, kShift };

struct ReplaySettings {
  ReplayTime time = ReplayTime::kKeep;
  int64_t loops = 1;  // passes over the file, ≥ 1; pass k is shifted by k × the file's span
  double speed = 0;   // 0: as fast as the rate allows; f > 0: the file's own clock, f× faster
};

constexpr int64_t kMaxReplayLoops = 1'000'000;

// "keep" or "shift".
std::string_view replay_time_name(ReplayTime t);

// `keep` or `shift` (any case).
bool parse_replay_time(std::string_view value, ReplayTime* out, std::string* error);
// A whole number 1 … kMaxReplayLoops.
bool parse_replay_loops(std::string_view value, int64_t* out, std::string* error);
// `0` (off) or `<f>x` with 0 < f ≤ 1e6, e.g. `1x`, `10x`, `0.5x`.
bool parse_replay_speed(std::string_view value, double* out, std::string* error);

}  // namespace stressql::parser
