#include "generator/shard.h"

#include <algorithm>
#include <charconv>

#include "base/random.h"

namespace stressql::generator {
namespace {

bool parse_u32(std::string_view s, uint32_t* out) {
  if (s.empty() || s.size() > 9) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

uint64_t Shard::points(uint64_t points, uint64_t batch) const {
  const uint64_t total = points / batch + (points % batch != 0);
  const uint64_t mine = requests(total);
  if (mine == 0) return 0;
  // Every request is full but perhaps the statement's last, which is this shard's last
  // when (total - 1) mod N is this shard.
  const uint64_t short_by = total * batch - points;
  return mine * batch - ((total - 1) % count == index ? short_by : 0);
}

uint32_t Shard::concurrency(uint32_t total) const {
  return std::max<uint32_t>(1, total / count + (index < total % count ? 1 : 0));
}

parser::Rate Shard::rate(const parser::Rate& rate) const {
  parser::Rate r = rate;
  r.from /= count;
  r.to /= count;
  return r;
}

bool parse_shard(std::string_view text, const char* job_index, Shard* out, std::string* error) {
  const size_t slash = text.find('/');
  uint32_t count = 0;
  if (slash == std::string_view::npos || !parse_u32(text.substr(slash + 1), &count) || count == 0 ||
      count > kMaxShards) {
    *error = "expected I/N or auto/N with 1 <= N <= " + std::to_string(kMaxShards) + ", got '" +
             std::string(text) + "'";
    return false;
  }
  const std::string_view first = text.substr(0, slash);
  std::string_view index_text = first;
  if (first == "auto") {
    if (job_index == nullptr || *job_index == '\0') {
      *error = "auto/" + std::to_string(count) +
               " takes the shard index from JOB_COMPLETION_INDEX (set by a Kubernetes Indexed "
               "Job), which is not set";
      return false;
    }
    index_text = job_index;
  }
  uint32_t index = 0;
  if (!parse_u32(index_text, &index) || index >= count) {
    *error = "the shard index must be a whole number from 0 to " + std::to_string(count - 1) +
             ", got '" + std::string(index_text) + "'" +
             (first == "auto" ? " (from JOB_COMPLETION_INDEX)" : "");
    return false;
  }
  out->index = index;
  out->count = count;
  return true;
}

uint64_t seed_from_test_id(std::string_view test_id) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then mixed: any text gives a spread seed
  for (char c : test_id) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return base::mix64(h);
}

}  // namespace stressql::generator
