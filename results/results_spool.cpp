#include "results/results_spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace stressql::results {

using base::Status;

ResultsSpool::ResultsSpool(std::string path, uint64_t rows_per_chunk)
    : path_(std::move(path)), rows_per_chunk_(rows_per_chunk) {}

ResultsSpool::~ResultsSpool() { close(false); }

Status ResultsSpool::append(std::string_view text, uint64_t rows) {
  if (!error_.empty()) return Status::error(error_);
  if (fd_ < 0 && !created_) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      error_ = std::strerror(errno);
      return Status::error(error_);
    }
    created_ = true;
  }
  if (fd_ < 0) return Status::error(error_ = "the file is closed");
  // Room in the index first: nothing after the write may throw, or the file would hold rows
  // the index (and so a rewrite after a partial upload) does not know.
  if (chunks_.size() == chunks_.capacity()) chunks_.reserve(std::max<size_t>(16, 2 * chunks_.capacity()));
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::pwrite(fd_, text.data() + done, text.size() - done, static_cast<off_t>(bytes_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? std::strerror(errno) : "short write";
      // No half line stays behind to corrupt what is posted or read later.
      if (::ftruncate(fd_, static_cast<off_t>(bytes_)) != 0) error_ += ", and cannot truncate";
      return Status::error(error_);
    }
    done += static_cast<size_t>(n);
  }
  if (chunks_.empty() || chunks_.back().rows + rows > rows_per_chunk_) {
    chunks_.push_back(Chunk{bytes_, 0, 0});
  }
  chunks_.back().bytes += text.size();
  chunks_.back().rows += rows;
  bytes_ += done;
  return Status::ok();
}

Status ResultsSpool::read(const Chunk& chunk, std::string* out) const {
  out->resize(chunk.bytes);
  size_t got = 0;
  while (got < chunk.bytes) {
    ssize_t n = ::pread(fd_, out->data() + got, chunk.bytes - got, static_cast<off_t>(chunk.offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::error("cannot read back " + path_);
    got += static_cast<size_t>(n);
  }
  return Status::ok();
}

Status ResultsSpool::keep_only_unposted(const std::vector<char>& posted) {
  const std::string tmp = path_ + ".tmp";
  std::string why;
  int out = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) why = std::strerror(errno);
  std::vector<Chunk> kept;
  uint64_t kept_bytes = 0;
  for (size_t i = 0; why.empty() && i < chunks_.size(); ++i) {
    if (posted[i]) continue;
    loff_t at = static_cast<loff_t>(chunks_[i].offset);
    const uint64_t end = chunks_[i].offset + chunks_[i].bytes;
    while (why.empty() && static_cast<uint64_t>(at) < end) {
      ssize_t n = ::copy_file_range(fd_, &at, out, nullptr, end - static_cast<uint64_t>(at), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) why = n < 0 ? std::strerror(errno) : "short copy";
    }
    kept.push_back(Chunk{kept_bytes, chunks_[i].bytes, chunks_[i].rows});
    kept_bytes += chunks_[i].bytes;
  }
  if (why.empty() && ::rename(tmp.c_str(), path_.c_str()) != 0) why = std::strerror(errno);
  if (why.empty()) {
    ::close(fd_);
    fd_ = out;  // the new file, under the old name
    bytes_ = kept_bytes;
    chunks_ = std::move(kept);
    return Status::ok();
  }
  if (out >= 0) ::close(out);
  ::unlink(tmp.c_str());
  return Status::error("cannot rewrite " + path_ + " (" + why + ")");
}

void ResultsSpool::close(bool remove) {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  if (remove) ::unlink(path_.c_str());
}

}  // namespace stressql::results
