#include "generator/gzip_encoder.h"

#include <libdeflate.h>

#include <cstdlib>
#include <string>

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

bool gunzip(const char* in, size_t n, std::string* out) {
  libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  if (d == nullptr) return false;
  // The gzip trailer holds the size modulo 2^32: enough for any batch.
  uint32_t size = 0;
  if (n >= 18) {
    for (int i = 3; i >= 0; --i) size = (size << 8) | static_cast<unsigned char>(in[n - 4 + static_cast<size_t>(i)]);
  }
  out->assign(size, '\0');
  size_t got = 0;
  const libdeflate_result r = libdeflate_gzip_decompress(d, in, n, out->data(), out->size(), &got);
  libdeflate_free_decompressor(d);
  out->resize(got);
  return n >= 18 && r == LIBDEFLATE_SUCCESS;
}

}  // namespace stressql::generator
