#pragma once
// Gzip of a rendered write batch (SET Gzip; SPEC §6.4): one-shot compression of a whole
// buffer, which is what a batch is. Level 1, the default, is ISA-L's igzip level 1: on
// TSBS's data it deflates twice as fast as libdeflate's level 1 for a 5–12 % lower ratio
// (bench/gzip_levels.sh, docs/servers-and-apis.md). Levels 2–12 are libdeflate's, much
// faster than zlib's streaming deflate at the same level (bench/gzip_bench).

#include <cstddef>
#include <memory>
#include <vector>

#include "engine/engine.h"

struct libdeflate_compressor;

namespace stressql::generator {

class GzipEncoder final : public engine::BodyEncoder {
 public:
  // REQUIRES: 1 ≤ level ≤ 12. Allocates the compressor's state (a few hundred KiB) once.
  explicit GzipEncoder(int level);
  ~GzipEncoder() override;
  GzipEncoder(const GzipEncoder&) = delete;
  GzipEncoder& operator=(const GzipEncoder&) = delete;

  size_t max_encoded_bytes(size_t body_bytes) const override;
  size_t encode(const char* in, size_t n, char* out) override;

 private:
  // libdeflate at `level`, or at level 1 for the rare body igzip refuses (see encode).
  libdeflate_compressor* compressor_;
  bool igzip_;                        // level 1
  std::vector<unsigned char> level_buf_;  // igzip's hash tables for level 1
};

}  // namespace stressql::generator
