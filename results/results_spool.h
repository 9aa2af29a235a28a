#pragma once
// ResultsSpool: the local line-protocol file of results rows. Rows are appended in batches;
// consecutive batches make up chunks of at most `rows_per_chunk` rows, the unit of a post to
// the reporting server. After a partial upload the file is rewritten to hold only the chunks
// not posted, so posting it again later neither misses nor repeats a row.
//
// A batch is written whole or not at all: a failed append truncates the file back, so no
// half line is left behind. The first failure sticks: later appends fail with it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace stressql::results {

class ResultsSpool {
 public:
  struct Chunk {
    uint64_t offset = 0;
    uint64_t bytes = 0;
    uint64_t rows = 0;
  };

  // Nothing is created until the first append(), which truncates any file at `path`.
  ResultsSpool(std::string path, uint64_t rows_per_chunk);
  ~ResultsSpool();  // close(false)
  ResultsSpool(const ResultsSpool&) = delete;
  ResultsSpool& operator=(const ResultsSpool&) = delete;

  // Appends `text` (whole rows, `rows` of them) at the end of the file and of the chunk
  // index. One thread at a time, and not while read() runs.
  base::Status append(std::string_view text, uint64_t rows);
  // Reads a chunk back into *out. Safe on several threads at once (between appends).
  base::Status read(const Chunk& chunk, std::string* out) const;
  // REQUIRES: posted.size() == chunks().size(). Rewrites the file with only the chunks
  // whose `posted` entry is 0, in order; the chunk index then describes the new file.
  // On failure the file and the index stay as they were.
  base::Status keep_only_unposted(const std::vector<char>& posted);
  // Closes the file; deletes it too when `remove`. Idempotent.
  void close(bool remove);

  const std::vector<Chunk>& chunks() const { return chunks_; }
  const std::string& path() const { return path_; }
  uint64_t bytes() const { return bytes_; }
  bool created() const { return created_; }
  // The first failure to write, or "".
  const std::string& error() const { return error_; }

 private:
  const std::string path_;
  const uint64_t rows_per_chunk_;
  int fd_ = -1;
  bool created_ = false;
  uint64_t bytes_ = 0;
  std::string error_;
  std::vector<Chunk> chunks_;
};

}  // namespace stressql::results
