#pragma once
// LpStream: the bytes of a line-protocol file, read front to back in chunks, plain or
// gzip-compressed. Gzip is recognised by its magic bytes (not the name) and inflated as a
// stream with zlib (libdeflate has no streaming API), members one after another as gunzip
// does, so memory stays a few hundred KiB whatever the file's size. Not thread-safe: one
// owner at a time.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"

namespace stressql::generator {

class LpStream {
 public:
  // Opens `path` and reads its first bytes to tell gzip from plain text. Fails, saying
  // why, when it cannot be opened or read (a directory, no permission, missing).
  static base::Status open(const std::string& path, std::unique_ptr<LpStream>* out);
  ~LpStream();
  LpStream(const LpStream&) = delete;
  LpStream& operator=(const LpStream&) = delete;

  bool gzip() const { return gzip_; }
  // The descriptor, for pread() on plain files by any thread (pread keeps no position).
  int fd() const { return fd_; }
  // The size of the file on disk (compressed, for gzip).
  uint64_t file_bytes() const { return file_bytes_; }
  // Offset in the uncompressed bytes of the next byte read() returns.
  uint64_t position() const { return position_; }

  // Reads up to `n` bytes into `out`; *got is 0 only at the end. Fails on a read error or a
  // corrupt or truncated gzip stream (the message says which).
  base::Status read(char* out, size_t n, size_t* got);
  // Back to the first byte.
  base::Status rewind();

 private:
  LpStream() = default;
  base::Status fill_input();

  int fd_ = -1;
  bool gzip_ = false;
  uint64_t file_bytes_ = 0;
  uint64_t position_ = 0;
  struct Inflate;                    // zlib state and its input buffer (gzip only)
  std::unique_ptr<Inflate> inflate_;
};

}  // namespace stressql::generator
