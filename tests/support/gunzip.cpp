#include "tests/support/gunzip.h"

#include <zlib.h>

namespace stressql::testing {

bool gunzip(const char* in, size_t n, std::string* out) {
  out->clear();
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return false;  // 16: a gzip wrapper
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in));
  z.avail_in = static_cast<uInt>(n);
  char chunk[16384];
  bool ok = n > 0;
  while (ok) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    const int r = inflate(&z, Z_NO_FLUSH);
    out->append(chunk, sizeof chunk - z.avail_out);
    if (r == Z_STREAM_END) {
      if (z.avail_in == 0) break;
      ok = inflateReset(&z) == Z_OK;  // another member follows
    } else if (r != Z_OK || (z.avail_in == 0 && z.avail_out != 0)) {
      ok = false;  // an error, or the input ended inside a member
    }
  }
  inflateEnd(&z);
  return ok;
}

}  // namespace stressql::testing
