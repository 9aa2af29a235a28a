#pragma once
// A provided-buffer ring (IORING_REGISTER_PBUF_RING) for multishot recv, set up by hand:
// liburing 2.3 lacks io_uring_setup_buf_ring. Owned by one reactor; reactor thread only.

#include <cstddef>
#include <cstdint>

#include "base/status.h"
#include "engine/uring_compat.h"

namespace stressql::engine {

class BufferRing {
 public:
  BufferRing() = default;
  ~BufferRing();
  BufferRing(const BufferRing&) = delete;
  BufferRing& operator=(const BufferRing&) = delete;

  // Registers `entries` buffers of `buffer_size` bytes as group `group` with `ring`.
  // REQUIRES: entries is a power of two ≤ 32768; called once.
  base::Status init(io_uring* ring, uint16_t group, unsigned entries, unsigned buffer_size);
  // Unregisters and frees; also done by the destructor. REQUIRES: ring still alive.
  void destroy();

  uint16_t group() const { return group_; }
  unsigned buffer_size() const { return buffer_size_; }
  char* buffer(uint16_t bid) const { return data_ + static_cast<size_t>(bid) * buffer_size_; }
  // Hands buffer `bid` back; visible to the kernel after the next flush().
  void recycle(uint16_t bid) {
    io_uring_buf_ring_add(br_, data_ + static_cast<size_t>(bid) * buffer_size_, buffer_size_, bid,
                          mask_, pending_++);
  }
  // Publishes every recycled buffer with one release store.
  void flush() {
    if (pending_ == 0) return;
    io_uring_buf_ring_advance(br_, pending_);
    pending_ = 0;
  }

 private:
  io_uring* ring_ = nullptr;
  io_uring_buf_ring* br_ = nullptr;
  size_t br_bytes_ = 0;
  char* data_ = nullptr;
  size_t data_bytes_ = 0;
  unsigned entries_ = 0;
  unsigned buffer_size_ = 0;
  int mask_ = 0;
  int pending_ = 0;
  uint16_t group_ = 0;
};

}  // namespace stressql::engine
