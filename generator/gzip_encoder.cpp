#include "generator/gzip_encoder.h"

#include <isa-l/igzip_lib.h>
#include <libdeflate.h>

#include <algorithm>
#include <cstdlib>

namespace stressql::generator {

GzipEncoder::GzipEncoder(int level)
    : compressor_(libdeflate_alloc_compressor(level)), igzip_(level == 1) {
  if (compressor_ == nullptr) std::abort();  // out of memory, or a level the parser refuses
  if (igzip_) level_buf_.resize(ISAL_DEF_LVL1_DEFAULT);
}

GzipEncoder::~GzipEncoder() { libdeflate_free_compressor(compressor_); }

size_t GzipEncoder::max_encoded_bytes(size_t body_bytes) const {
  // igzip's worst case is the input in stored blocks (5 bytes each 64 KiB) in a gzip
  // header and trailer; libdeflate's bound covers its own.
  const size_t stored = body_bytes + 5 * (body_bytes / 65535 + 1) + 64;
  return std::max(stored, libdeflate_gzip_compress_bound(compressor_, body_bytes));
}

size_t GzipEncoder::encode(const char* in, size_t n, char* out) {
  const size_t room = max_encoded_bytes(n);
  if (igzip_ && n <= UINT32_MAX) {
    isal_zstream s;
    isal_deflate_stateless_init(&s);
    s.level = 1;
    s.level_buf = level_buf_.data();
    s.level_buf_size = static_cast<uint32_t>(level_buf_.size());
    s.gzip_flag = IGZIP_GZIP;
    s.flush = NO_FLUSH;
    s.end_of_stream = 1;
    s.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(in));
    s.avail_in = static_cast<uint32_t>(n);
    s.next_out = reinterpret_cast<uint8_t*>(out);
    s.avail_out = static_cast<uint32_t>(std::min<size_t>(room, UINT32_MAX));
    if (isal_deflate_stateless(&s) == COMP_OK) return s.total_out;
    // Cannot happen within the stored-block bound; libdeflate then, rather than no body.
  }
  // The bound guarantees room, so 0 (no room) cannot happen.
  return libdeflate_gzip_compress(compressor_, in, n, out, room);
}

}  // namespace stressql::generator
