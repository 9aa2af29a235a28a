#include "engine/buffer_ring.h"

#include <sys/mman.h>

#include <cstring>
#include <string>

namespace stressql::engine {

BufferRing::~BufferRing() { destroy(); }

base::Status BufferRing::init(io_uring* ring, uint16_t group, unsigned entries, unsigned buffer_size) {
  if (entries == 0 || (entries & (entries - 1)) != 0 || entries > 32768) {
    return base::Status::error("buffer ring: entries must be a power of two <= 32768");
  }
  ring_ = ring;
  group_ = group;
  entries_ = entries;
  buffer_size_ = buffer_size;
  mask_ = io_uring_buf_ring_mask(entries);
  // The ring itself must be page aligned; mmap gives that (what liburing 2.4's br_setup does).
  br_bytes_ = entries * sizeof(io_uring_buf);
  void* mem = mmap(nullptr, br_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (mem == MAP_FAILED) return base::Status::error(std::string("buffer ring mmap: ") + strerror(errno));
  br_ = static_cast<io_uring_buf_ring*>(mem);
  io_uring_buf_ring_init(br_);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(br_);
  reg.ring_entries = entries;
  reg.bgid = group;
  int rc = io_uring_register_buf_ring(ring, &reg, 0);
  if (rc < 0) {
    munmap(br_, br_bytes_);
    br_ = nullptr;
    return base::Status::error(std::string("io_uring_register_buf_ring: ") + strerror(-rc));
  }
  data_bytes_ = static_cast<size_t>(entries) * buffer_size;
  mem = mmap(nullptr, data_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (mem == MAP_FAILED) {
    destroy();
    return base::Status::error(std::string("buffer mmap: ") + strerror(errno));
  }
  data_ = static_cast<char*>(mem);
  for (unsigned i = 0; i < entries; ++i) recycle(static_cast<uint16_t>(i));
  flush();
  return base::Status::ok();
}

void BufferRing::destroy() {
  if (br_ != nullptr) {
    io_uring_unregister_buf_ring(ring_, group_);
    munmap(br_, br_bytes_);
    br_ = nullptr;
  }
  if (data_ != nullptr) {
    munmap(data_, data_bytes_);
    data_ = nullptr;
  }
}

}  // namespace stressql::engine
