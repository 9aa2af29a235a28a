#pragma once
// ReplaySource: the engine::RequestSource of `INSERT <name> FROM '<file>'` (SPEC §7.3).
// Request g is batch g mod B of pass g / B (B = the index's batches per pass): the bytes of
// that batch's points, read from the file when the request is rendered (never the whole
// file in memory), each timestamp moved by the pass's shift.
//
// Threads: render() runs on any reactor, concurrently. Plain files are read with pread()
// at the batch's offset from the index: every reactor reads its own batches, nothing is
// shared but the descriptor, and a retry reads its batch again. A gzip stream cannot be
// entered in the middle, so gzip files share one GzipCursor (a mutex per request; see
// generator/gzip_cursor.h). Immutable after create() but for the failure note.
//
// Scatter (engine::RequestSource::render_scatter, docs/replay.md): a plain file is also
// mapped read-only, once, and a request sent over plain HTTP is a list of iovecs into the
// mapping (runs of whole lines; with moved timestamps, each line up to its timestamp) and
// into the engine's area (the new digits), so its bytes leave from the page cache with no
// copy in user space. When the table of the file's point lines (offset, length, timestamp
// position and value: 24 bytes a line) fits ReplayOptions::line_table_budget (16 MiB, about
// 700 000 lines, a 280 MB TSBS file), the indexing pass keeps it, and a render only looks
// its lines up; otherwise a render scans its lines in the mapping. A file larger than resident_budget
// (32 MiB) gives each request's pages back after its send (madvise), so memory stays
// bounded.
//
// Kept bodies: a small file replayed in loops sends batch b again every pass with nothing
// changed but its timestamps' digits. So the copy of a batch's moved lines made for one
// pass is kept (up to ReplayOptions::kept_budget, files of at most a quarter of it) and the
// next pass of that batch rewrites those digits in place instead of copying every line
// again. A kept body is busy from render_scatter() to scatter_done(), and one whose send
// the kernel may still be reading (EINPROGRESS) is never rewritten. A digit count that
// changes between passes, or a line long enough to be sent in pieces, renders it anew.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/engine.h"
#include "generator/gzip_cursor.h"
#include "generator/lp_stream.h"
#include "generator/replay_index.h"

namespace stressql::generator {

struct ReplayOptions {
  std::string path;          // resolved (replay_files.h)
  std::string target;        // `/write?db=x&precision=ns`, already escaped
  uint64_t batch_size = 5000;
  uint64_t loops = 1;        // ≥ 1
  bool shift = false;        // ReplayTime shift: the first timestamp becomes start_units
  int64_t start_units = 0;   // StartDate in the Precision unit
  bool batch_times = false;  // index each batch's first timestamp (ReplaySpeed)
  int gzip_level = 0;        // 1–12: gzip every body (as WriteSource)
  // Whether requests may leave as scatter (plain HTTP, see below): false for --dry-run,
  // --dump and HTTPS, which render() serves, so that neither the mapping nor the table of
  // lines is made for nothing (gzip, on the wire or of the file, rules it out too).
  bool scatter = true;
  // Scatter (see below): the most the table of point lines may take, and the file size
  // past which a request's mapped pages are given back after its send. Tests lower them.
  size_t line_table_budget = size_t{16} << 20;
  size_t resident_budget = size_t{32} << 20;
  // Shifted bodies kept across passes (see below): the most bytes they may take; a file
  // is looped this way when four copies of it fit. Tests lower it; 0 turns it off.
  size_t kept_budget = size_t{32} << 20;
};

class ReplaySource : public engine::RequestSource {
 public:
  ~ReplaySource() override;
  ReplaySource(const ReplaySource&) = delete;
  ReplaySource& operator=(const ReplaySource&) = delete;

  // Opens and indexes the file (one pass over it, on the calling thread). Fails, naming
  // the line, on a read error, a corrupt gzip stream or a truncated last line, and when a
  // shift would move a timestamp out of int64; with "interrupted" once *stop (when given)
  // turns true. Any thread (the index is built on a thread of the statement's own).
  static base::Status create(const ReplayOptions& options, std::shared_ptr<const ReplaySource>* out,
                             const std::atomic<bool>* stop = nullptr);

  const ReplayIndex& index() const { return *index_; }
  uint64_t loops() const { return loops_; }
  uint64_t requests() const { return index_->batches() * loops_; }
  uint64_t points() const { return index_->points() * loops_; }
  // Points in request g. REQUIRES: g < requests().
  uint64_t request_points(uint64_t g) const { return index_->batch_points(g % index_->batches()); }
  // What pass k's timestamps move by: the shift to StartDate (0 when kept) + k × span.
  int64_t pass_delta(uint64_t k) const { return base_delta_ + static_cast<int64_t>(k) * span_; }
  int64_t span() const { return span_; }
  // Nanoseconds, by the file's own clock, from its first timestamp to request g's first
  // one, sped up `speed` times (ReplaySpeed). REQUIRES: created with batch_times.
  int64_t clock_offset_ns(uint64_t g, int64_t unit_ns, double speed) const;

  size_t max_target_bytes() const override { return target_.size(); }
  size_t max_body_bytes() const override { return max_body_bytes_; }
  // REQUIRES: index < requests().
  Rendered render(uint64_t index, char* target, char* body) const override;
  std::unique_ptr<engine::BodyEncoder> make_encoder() const override;
  // Plain files with a mapping and one index entry per batch; {0, 0} otherwise.
  ScatterRoom scatter_room() const override { return scatter_room_; }
  Scattered render_scatter(uint64_t index, char* target, iovec* iov, char* area) const override;
  void scatter_done(uint64_t index, int error) const override;
  // Whether the index kept the table of point lines (tests).
  bool has_line_table() const { return !index_->lines().empty(); }

  // Whether a render found the file different from when it was indexed (it was changed
  // while replaying): that request went out empty. Control thread, after the job ended.
  bool failed(std::string* why) const;

 private:
  ReplaySource() = default;
  // What render() and render_scatter() start with: request `index`'s target into `target`
  // (returns its length), its batch, and its pass's delta.
  uint32_t start_request(uint64_t index, char* target, uint64_t* batch, int64_t* delta) const;
  base::Status read_raw(uint64_t begin, uint64_t end, char* out) const;
  base::Status locate(uint64_t b, char* scratch, uint64_t* begin, uint64_t* end) const;
  void note_failure(const std::string& why) const;
  // Maps the file (create(), plain files only).
  void map_file(const ReplayOptions& options);
  // Whether the file still holds every indexed byte (fstat), so the mapping can be read.
  bool mapping_intact() const;

  class ScatterWriter;
  struct KeptBody;
  // render_scatter() of request `index` (batch b, its pass moving timestamps by delta) from
  // a kept body. False when every kept body is busy and the budget is spent: the caller
  // renders into the engine's area.
  bool kept_render(uint64_t index, uint64_t b, int64_t delta, iovec* iov, Scattered* r) const;
  bool read_batch(ScatterWriter& w, uint64_t b, bool rewrites) const;
  // Calls on_point(LineRecord) for each point line of map_[begin, end), which starts at a
  // point; with `timestamps`, finds each one's timestamp. Returns the points seen.
  template <class F>
  uint64_t scan_points(uint64_t begin, uint64_t end, bool timestamps, F&& on_point) const;

  std::unique_ptr<LpStream> stream_;   // plain files: pread on its descriptor
  std::unique_ptr<GzipCursor> cursor_;  // gzip files
  std::unique_ptr<ReplayIndex> index_;
  std::string target_;
  uint64_t loops_ = 1;
  bool shift_ = false;
  int64_t base_delta_ = 0;
  int64_t span_ = 0;
  size_t max_body_bytes_ = 0;
  int gzip_level_ = 0;
  const char* map_ = nullptr;  // the whole file, PROT_READ, MAP_SHARED; null: no scatter
  size_t map_bytes_ = 0;
  bool drop_pages_ = false;    // map_bytes_ > ReplayOptions::resident_budget
  ScatterRoom scatter_room_;
  size_t kept_budget_ = 0;    // 0: no kept bodies
  mutable std::mutex kept_mu_;  // guards kept_ and its bodies' bookkeeping
  mutable std::vector<std::unique_ptr<KeptBody>> kept_;
  mutable std::atomic<int> failure_state_{0};  // 0 none, 1 being written, 2 written
  mutable std::string failure_;
};

// ReplaySpeed (SPEC §7.3): request i is due when the file's own clock, from its first
// timestamp and sped up `speed` times, reaches the request's first point. Under --shard the
// engine's index i is this shard's; the clock maps it to the statement's.
class ReplayClock : public engine::DueClock {
 public:
  // REQUIRES: `source` was created with batch_times; unit_ns ≥ 1; speed > 0.
  ReplayClock(std::shared_ptr<const ReplaySource> source, uint32_t shard_index, uint32_t shard_count,
              int64_t unit_ns, double speed)
      : source_(std::move(source)), shard_index_(shard_index), shard_count_(shard_count),
        unit_ns_(unit_ns), speed_(speed) {}
  int64_t due_offset_ns(uint64_t index) const override {
    return source_->clock_offset_ns(index * shard_count_ + shard_index_, unit_ns_, speed_);
  }

 private:
  std::shared_ptr<const ReplaySource> source_;
  uint32_t shard_index_, shard_count_;
  int64_t unit_ns_;
  double speed_;
};

}  // namespace stressql::generator
