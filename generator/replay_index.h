#pragma once
// ReplayIndex: one pass over a line-protocol file before anything is sent (SPEC §7.3), so
// the statement knows its points and requests, every request's byte range, the largest
// body, and the file's clock, and a truncated last line or a corrupt gzip stream fails the
// statement, naming the line, before the first request. Memory is bounded whatever the
// file's size: a read buffer, at most kMaxEntries batch offsets (past that, every
// `stride`-th batch's, and a reader scans forward from the nearest), and, when asked, the
// table of lines within its budget (ReplayIndexOptions::line_table_budget).

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/status.h"
#include "generator/lp_lines.h"
#include "generator/lp_stream.h"

namespace stressql::generator {

// The table of a file's point lines: chunks of 64 Ki records, so that it grows without
// copying and never holds more than it has (plus one chunk, 1.5 MiB).
class LineTable {
 public:
  static constexpr size_t kChunk = size_t{1} << 16;
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const LineRecord& operator[](size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  void push_back(const LineRecord& r) {
    if (size_ % kChunk == 0) chunks_.emplace_back(new LineRecord[kChunk]);
    chunks_.back()[size_ % kChunk] = r;
    ++size_;
  }
  void clear() {
    std::vector<std::unique_ptr<LineRecord[]>>().swap(chunks_);
    size_ = 0;
  }

 private:
  std::vector<std::unique_ptr<LineRecord[]>> chunks_;
  size_t size_ = 0;
};

struct ReplayIndexOptions {
  uint64_t batch_size = 5000;  // points per request, ≥ 1
  bool timestamps = false;     // parse every trailing timestamp: first, min, max, step
  bool batch_times = false;    // also keep each indexed batch's first timestamp (ReplaySpeed)
  // > 0: keep a LineRecord of every point line (with its timestamp when `timestamps`) while
  // they fit this many bytes; a file with more lines gets none (lines() is then empty).
  size_t line_table_budget = 0;
};

class ReplayIndex {
 public:
  static constexpr size_t kMaxEntries = size_t{1} << 20;  // 8–16 MiB at most
  static constexpr size_t kMaxLineBytes = size_t{16} << 20;

  // Reads `stream` from its start to its end. Fails with "line N: …" on a read error, a
  // corrupt gzip stream, a line longer than kMaxLineBytes, or a last line without '\n';
  // with "interrupted" soon after *stop (when given) turns true.
  static base::Status build(LpStream* stream, const ReplayIndexOptions& options,
                            std::unique_ptr<ReplayIndex>* out,
                            const std::atomic<bool>* stop = nullptr);

  uint64_t batch_size() const { return batch_size_; }
  uint64_t points() const { return points_; }    // point lines in one pass
  uint64_t batches() const { return batches_; }  // requests in one pass
  // Points in batch b of a pass. REQUIRES: b < batches().
  uint64_t batch_points(uint64_t b) const {
    return b + 1 < batches_ ? batch_size_ : points_ - (batches_ - 1) * batch_size_;
  }
  // The largest byte range a batch spans (its points and the skipped lines among them).
  uint64_t max_batch_bytes() const { return max_batch_bytes_; }
  uint64_t stream_bytes() const { return stream_bytes_; }  // uncompressed
  // Batches per index entry (1 unless the file has more than kMaxEntries batches).
  uint64_t stride() const { return stride_; }
  // The offset of batch g·stride()'s first point. REQUIRES: g·stride() < batches().
  uint64_t entry_offset(uint64_t g) const { return offsets_[g]; }
  // One past the last point's '\n' (skipped lines after it are not part of any batch).
  uint64_t end_offset() const { return end_offset_; }
  // The byte range of batch b when stride() == 1.
  uint64_t batch_begin(uint64_t b) const { return offsets_[b]; }
  uint64_t batch_end(uint64_t b) const { return b + 1 < batches_ ? offsets_[b + 1] : end_offset_; }

  // With options.timestamps: whether any point has a timestamp, the first one in file
  // order, the smallest and largest, and the smallest step up between consecutive points
  // (1 when there is none). The span a loop pass is shifted by: max − min + step, so pass
  // k+1 starts a step after pass k's latest point and no point overwrites another.
  bool timed() const { return timed_; }
  int64_t first_time() const { return first_time_; }
  int64_t min_time() const { return min_time_; }
  int64_t max_time() const { return max_time_; }
  int64_t step() const { return step_; }
  uint64_t untimed_points() const { return untimed_; }  // points without a timestamp
  // With options.batch_times: the first timestamp of batch g·stride() (of the batch's first
  // timed point; the previous entry's when it has none).
  int64_t entry_time(uint64_t g) const { return times_[g]; }
  // With options.line_table_budget: every point line in file order, or none.
  const LineTable& lines() const { return lines_; }

 private:
  ReplayIndex() = default;
  void start_batch(uint64_t offset, int64_t time, bool keep_time);

  uint64_t batch_size_ = 1;
  uint64_t points_ = 0;
  uint64_t batches_ = 0;
  uint64_t max_batch_bytes_ = 0;
  uint64_t stream_bytes_ = 0;
  uint64_t stride_ = 1;
  uint64_t end_offset_ = 0;
  uint64_t last_batch_begin_ = 0;
  std::vector<uint64_t> offsets_;
  std::vector<int64_t> times_;
  LineTable lines_;
  bool timed_ = false;
  int64_t first_time_ = 0;
  int64_t min_time_ = 0;
  int64_t max_time_ = 0;
  int64_t step_ = 0;
  uint64_t untimed_ = 0;
};

}  // namespace stressql::generator
