#pragma once
// Gzip of a rendered write batch (SET Gzip; SPEC §6.4), with libdeflate: one-shot
// compression of a whole buffer, which is what a batch is, and much faster than zlib's
// streaming deflate at the same level (bench/gzip_bench).

#include <cstddef>
#include <memory>

#include "engine/engine.h"

struct libdeflate_compressor;

namespace stressql::generator {

class GzipEncoder final : public engine::BodyEncoder {
 public:
  // REQUIRES: 1 ≤ level ≤ 12. Allocates libdeflate's state (a few hundred KiB) once.
  explicit GzipEncoder(int level);
  ~GzipEncoder() override;
  GzipEncoder(const GzipEncoder&) = delete;
  GzipEncoder& operator=(const GzipEncoder&) = delete;

  size_t max_encoded_bytes(size_t body_bytes) const override;
  size_t encode(const char* in, size_t n, char* out) override;

 private:
  libdeflate_compressor* compressor_;
};

}  // namespace stressql::generator
