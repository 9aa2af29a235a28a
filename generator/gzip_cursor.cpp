#include "generator/gzip_cursor.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace stressql::generator {

GzipCursor::GzipCursor(std::unique_ptr<LpStream> stream, size_t window_bytes, uint64_t stream_bytes)
    : stream_(std::move(stream)), stream_bytes_(stream_bytes) {
  current_.ring.resize(std::max<size_t>(window_bytes, 1));
  tail_.ring.resize(std::max<size_t>(window_bytes, 1));
  current_.lo = current_.hi = stream_->position();
}

void GzipCursor::Window::copy(uint64_t b, uint64_t e, char* out) const {
  const size_t size = ring.size();
  while (b < e) {
    const size_t at = static_cast<size_t>(b % size);
    const size_t n = static_cast<size_t>(std::min<uint64_t>(e - b, size - at));
    std::memcpy(out, ring.data() + at, n);
    out += n;
    b += n;
  }
}

base::Status GzipCursor::advance(uint64_t to) {
  const size_t size = current_.ring.size();
  while (current_.hi < to) {
    const size_t at = static_cast<size_t>(current_.hi % size);
    const size_t room = static_cast<size_t>(std::min<uint64_t>(size - at, to - current_.hi));
    size_t got = 0;
    if (base::Status st = stream_->read(current_.ring.data() + at, room, &got); !st) return st;
    if (got == 0) return base::Status::error("the file is shorter than when it was indexed");
    current_.hi += got;
    current_.lo = std::max(current_.lo, current_.hi > size ? current_.hi - size : 0);
  }
  return base::Status::ok();
}

base::Status GzipCursor::read(uint64_t begin, uint64_t end, char* out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (current_.holds(begin, end)) {
    current_.copy(begin, end, out);
    return base::Status::ok();
  }
  if (tail_.holds(begin, end)) {
    tail_.copy(begin, end, out);
    return base::Status::ok();
  }
  if (begin < current_.lo) {
    // Behind the window: start over. Near a pass's end, finish the pass first and keep its
    // last window, where the pass's last requests (claimed, not yet rendered) will look.
    const size_t size = current_.ring.size();
    if (stream_bytes_ - current_.hi <= size / 2) {
      if (base::Status st = advance(stream_bytes_); !st) return st;
    }
    if (current_.hi == stream_bytes_) std::swap(current_, tail_);
    if (base::Status st = stream_->rewind(); !st) return st;
    ++rewinds_;
    current_.lo = current_.hi = 0;
  }
  if (base::Status st = advance(end); !st) return st;
  current_.copy(begin, end, out);
  return base::Status::ok();
}

uint64_t GzipCursor::rewinds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rewinds_;
}

}  // namespace stressql::generator
