#pragma once
// GzipCursor: byte ranges of a gzip file's uncompressed stream, for any reactor, in about
// the order they are asked for. A gzip stream can only be inflated front to back, so one
// stream is shared under a mutex (per request, never per point: a request is a whole
// batch): the reactor that needs a range further on inflates up to it, and the bytes it
// passes stay in a window, where the ranges that other reactors claimed a moment earlier
// (request indices are claimed in order but rendered in any order) are found. A range
// before the window means starting over from the file's first byte: a new loop pass, or a
// retry of a request long gone. Before it starts over at a pass's end the cursor keeps the
// pass's last window too, for the stragglers of that pass.
//
// Invariants (under mu_): current_ holds stream bytes [lo, hi) with hi == the stream's
// position; tail_ holds the last bytes of the stream when a pass ended, or nothing.

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "base/status.h"
#include "generator/lp_stream.h"

namespace stressql::generator {

class GzipCursor {
 public:
  // `window_bytes`: how much of the stream stays readable behind the newest byte.
  // `stream_bytes`: the uncompressed length (from the index).
  GzipCursor(std::unique_ptr<LpStream> stream, size_t window_bytes, uint64_t stream_bytes);
  GzipCursor(const GzipCursor&) = delete;
  GzipCursor& operator=(const GzipCursor&) = delete;

  // Copies stream bytes [begin, end) to `out`. Any thread. REQUIRES: begin ≤ end ≤ the
  // stream's length, end − begin ≤ window_bytes. Fails when the stream does (the file
  // changed since it was indexed).
  base::Status read(uint64_t begin, uint64_t end, char* out);

  // Times the stream was started over (for tests and the report).
  uint64_t rewinds() const;

 private:
  struct Window {
    std::vector<char> ring;
    uint64_t lo = 0, hi = 0;
    bool holds(uint64_t b, uint64_t e) const { return b >= lo && e <= hi; }
    void copy(uint64_t b, uint64_t e, char* out) const;
  };
  base::Status advance(uint64_t to);

  mutable std::mutex mu_;
  std::unique_ptr<LpStream> stream_;
  uint64_t stream_bytes_;
  Window current_, tail_;
  uint64_t rewinds_ = 0;
};

}  // namespace stressql::generator
