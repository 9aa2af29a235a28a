#include "generator/gzip_encoder.h"

#include <libdeflate.h>

#include <cstdlib>

namespace stressql::generator {

GzipEncoder::GzipEncoder(int level) : compressor_(libdeflate_alloc_compressor(level)) {
  if (compressor_ == nullptr) std::abort();  // out of memory, or a level the parser refuses
}

GzipEncoder::~GzipEncoder() { libdeflate_free_compressor(compressor_); }

size_t GzipEncoder::max_encoded_bytes(size_t body_bytes) const {
  return libdeflate_gzip_compress_bound(compressor_, body_bytes);
}

size_t GzipEncoder::encode(const char* in, size_t n, char* out) {
  // The bound guarantees room, so 0 (no room) cannot happen.
  return libdeflate_gzip_compress(compressor_, in, n, out, max_encoded_bytes(n));
}

}  // namespace stressql::generator
