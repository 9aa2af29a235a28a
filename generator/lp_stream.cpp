#include "generator/lp_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace stressql::generator {

struct LpStream::Inflate {
  z_stream z{};
  std::vector<unsigned char> in = std::vector<unsigned char>(256 * 1024);
  bool input_end = false;   // the file has no more bytes
  bool member_end = false;  // the last inflate() ended a gzip member
  ~Inflate() { inflateEnd(&z); }
};

namespace {

base::Status errno_status(const char* what) {
  return base::Status::error(std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

LpStream::~LpStream() {
  if (fd_ >= 0) ::close(fd_);
}

base::Status LpStream::open(const std::string& path, std::unique_ptr<LpStream>* out) {
  std::unique_ptr<LpStream> s(new LpStream());
  s->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (s->fd_ < 0) return errno_status("cannot open");
  struct stat st {};
  if (fstat(s->fd_, &st) != 0) return errno_status("cannot stat");
  if (S_ISDIR(st.st_mode)) return base::Status::error("is a directory, not a file");
  s->file_bytes_ = static_cast<uint64_t>(st.st_size);
  unsigned char magic[2] = {0, 0};
  const ssize_t n = ::pread(s->fd_, magic, 2, 0);
  if (n < 0) return errno_status("cannot read");
  s->gzip_ = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  if (s->gzip_) {
    s->inflate_ = std::make_unique<Inflate>();
    // 16 + MAX_WBITS: a gzip wrapper (header and CRC-32 checked by zlib).
    if (inflateInit2(&s->inflate_->z, 16 + MAX_WBITS) != Z_OK) {
      return base::Status::error("cannot start zlib's inflate");
    }
  }
  *out = std::move(s);
  return base::Status::ok();
}

base::Status LpStream::fill_input() {
  Inflate& f = *inflate_;
  ssize_t n;
  do {
    n = ::read(fd_, f.in.data(), f.in.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) return errno_status("cannot read");
  f.z.next_in = f.in.data();
  f.z.avail_in = static_cast<uInt>(n);
  f.input_end = n == 0;
  return base::Status::ok();
}

base::Status LpStream::read(char* out, size_t n, size_t* got) {
  *got = 0;
  if (n == 0) return base::Status::ok();
  if (!gzip_) {
    ssize_t r;
    do {
      r = ::pread(fd_, out, n, static_cast<off_t>(position_));
    } while (r < 0 && errno == EINTR);
    if (r < 0) return errno_status("cannot read");
    *got = static_cast<size_t>(r);
    position_ += *got;
    return base::Status::ok();
  }
  Inflate& f = *inflate_;
  f.z.next_out = reinterpret_cast<unsigned char*>(out);
  f.z.avail_out = static_cast<uInt>(n > (1u << 30) ? (1u << 30) : n);
  const uInt want = f.z.avail_out;
  while (f.z.avail_out == want) {
    if (f.z.avail_in == 0) {
      if (base::Status st = fill_input(); !st) return st;
      if (f.input_end) {
        if (f.member_end) break;  // the end of the last member: the end of the data
        return base::Status::error("the gzip stream is truncated");
      }
    }
    if (f.member_end) {
      // Another member follows (concatenated .gz files): gunzip reads them all.
      if (inflateReset(&f.z) != Z_OK) return base::Status::error("cannot restart zlib's inflate");
      f.member_end = false;
    }
    const int rc = inflate(&f.z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      f.member_end = true;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return base::Status::error(std::string("the gzip stream is corrupt (") +
                                 (f.z.msg ? f.z.msg : "zlib error " + std::to_string(rc)) + ")");
    }
  }
  *got = want - f.z.avail_out;
  position_ += *got;
  return base::Status::ok();
}

base::Status LpStream::rewind() {
  position_ = 0;
  if (!gzip_) return base::Status::ok();
  if (::lseek(fd_, 0, SEEK_SET) != 0) return errno_status("cannot seek");
  Inflate& f = *inflate_;
  f.z.avail_in = 0;
  f.input_end = false;
  f.member_end = false;
  if (inflateReset(&f.z) != Z_OK) return base::Status::error("cannot restart zlib's inflate");
  return base::Status::ok();
}

}  // namespace stressql::generator
