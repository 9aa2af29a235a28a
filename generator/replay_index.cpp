#include "generator/replay_index.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "generator/lp_lines.h"

namespace stressql::generator {
namespace {

base::Status line_error(uint64_t line, const std::string& what) {
  return base::Status::error("line " + std::to_string(line) + ": " + what);
}

}  // namespace

void ReplayIndex::start_batch(uint64_t offset, int64_t time, bool keep_time) {
  if (batches_ > 0) max_batch_bytes_ = std::max(max_batch_bytes_, offset - last_batch_begin_);
  last_batch_begin_ = offset;
  if (batches_ % stride_ == 0) {
    if (offsets_.size() == kMaxEntries) {
      // Full: keep every other entry, so an entry stands for twice as many batches.
      for (size_t i = 0; i < offsets_.size() / 2; ++i) {
        offsets_[i] = offsets_[2 * i];
        if (keep_time) times_[i] = times_[2 * i];
      }
      offsets_.resize(offsets_.size() / 2);
      if (keep_time) times_.resize(times_.size() / 2);
      stride_ *= 2;
    }
    if (batches_ % stride_ == 0) {
      offsets_.push_back(offset);
      if (keep_time) times_.push_back(time);
    }
  }
  ++batches_;
}

base::Status ReplayIndex::build(LpStream* stream, const ReplayIndexOptions& options,
                                std::unique_ptr<ReplayIndex>* out, const std::atomic<bool>* stop) {
  std::unique_ptr<ReplayIndex> ix(new ReplayIndex());
  ix->batch_size_ = std::max<uint64_t>(options.batch_size, 1);
  if (base::Status st = stream->rewind(); !st) return st;
  const bool timed = options.timestamps || options.batch_times;
  std::vector<char> buf(size_t{1} << 20);
  size_t lo = 0, hi = 0;  // unparsed bytes buf[lo, hi)
  uint64_t base = 0;      // stream offset of buf[0]
  uint64_t line_no = 0;   // lines finished so far
  LineFilter filter;
  bool time_pending = false;  // the newest entry waits for its batch's first timestamp
  int64_t last_time = 0;
  bool at_end = false;
  const size_t max_lines = options.line_table_budget / sizeof(LineRecord);
  bool table = max_lines > 0;
  while (true) {
    const char* nl =
        lo < hi ? static_cast<const char*>(std::memchr(buf.data() + lo, '\n', hi - lo)) : nullptr;
    if (nl == nullptr) {
      if (at_end) {
        if (lo < hi) {
          return line_error(line_no + 1,
                            "the file ends in the middle of this line (no line break after it): "
                            "it looks truncated");
        }
        break;
      }
      // Move the partial line to the front; grow when one line fills the buffer.
      if (lo > 0) {
        std::memmove(buf.data(), buf.data() + lo, hi - lo);
        base += lo;
        hi -= lo;
        lo = 0;
      }
      if (hi == buf.size()) {
        if (buf.size() >= kMaxLineBytes) {
          return line_error(line_no + 1, "longer than " + std::to_string(kMaxLineBytes >> 20) +
                                             " MiB: not line protocol, or a line this tool cannot "
                                             "hold in its bounded memory");
        }
        buf.resize(buf.size() * 2);
      }
      if (stop != nullptr && stop->load(std::memory_order_relaxed)) {
        return base::Status::error("interrupted");
      }
      size_t got = 0;
      if (base::Status st = stream->read(buf.data() + hi, buf.size() - hi, &got); !st) {
        return line_error(line_no + 1, st.message());
      }
      hi += got;
      at_end = got == 0;
      continue;
    }
    const size_t len = static_cast<size_t>(nl - (buf.data() + lo));
    const std::string_view line(buf.data() + lo, len);
    const uint64_t offset = base + lo;
    ++line_no;
    lo += len + 1;
    if (!filter.is_point(line)) continue;
    int64_t ts = 0;
    size_t b = 0, e = 0;
    const bool has_time = timed && find_timestamp(line, &b, &e, &ts);
    if (ix->points_ % ix->batch_size_ == 0) {
      ix->start_batch(offset, last_time, options.batch_times);
      // Offsets only grow: the newest entry is this batch's when one was added for it.
      time_pending = options.batch_times && ix->offsets_.back() == offset;
    }
    ++ix->points_;
    ix->end_offset_ = base + lo;
    if (table) {
      if (ix->lines_.size() == max_lines) {
        table = false;  // over the budget: no table at all
        ix->lines_.clear();
      } else {
        ix->lines_.push_back(line_record(line, offset, has_time, b, e, ts));
      }
    }
    if (!timed) continue;
    if (!has_time) {
      ++ix->untimed_;
      continue;
    }
    if (!ix->timed_) {
      ix->timed_ = true;
      ix->first_time_ = ix->min_time_ = ix->max_time_ = ts;
      // Entries before the first timestamp take it too.
      std::fill(ix->times_.begin(), ix->times_.end(), ts);
    } else if (ts > last_time && (ix->step_ == 0 || ts - last_time < ix->step_)) {
      ix->step_ = ts - last_time;
    }
    if (time_pending) {
      ix->times_.back() = ts;
      time_pending = false;
    }
    ix->min_time_ = std::min(ix->min_time_, ts);
    ix->max_time_ = std::max(ix->max_time_, ts);
    last_time = ts;
  }
  if (ix->batches_ > 0) {
    ix->max_batch_bytes_ = std::max(ix->max_batch_bytes_, ix->end_offset_ - ix->last_batch_begin_);
  }
  if (ix->step_ == 0) ix->step_ = 1;
  ix->stream_bytes_ = base + hi;
  *out = std::move(ix);
  return base::Status::ok();
}

}  // namespace stressql::generator
