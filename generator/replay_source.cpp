#include "generator/replay_source.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <charconv>
#include <limits>

#include "base/sigbus_guard.h"
#include "generator/gzip_encoder.h"
#include "generator/lp_lines.h"

namespace stressql::generator {
namespace {

// How much of a gzip stream stays readable behind its newest byte: a few batches (the
// requests claimed but not yet rendered), at least 8 MiB, at most 32 MiB unless a batch
// itself is bigger.
size_t window_for(uint64_t max_batch) {
  const uint64_t w = std::clamp<uint64_t>(4 * max_batch, uint64_t{8} << 20, uint64_t{32} << 20);
  return static_cast<size_t>(std::max(w, max_batch));
}

}  // namespace

base::Status ReplaySource::create(const ReplayOptions& o, std::shared_ptr<const ReplaySource>* out,
                                  const std::atomic<bool>* stop) {
  if (o.batch_size == 0) return base::Status::error("BatchSize must be >= 1");
  std::shared_ptr<ReplaySource> s(new ReplaySource());
  if (base::Status st = LpStream::open(o.path, &s->stream_); !st) {
    return base::Status::error(o.path + ": " + st.message());
  }
  s->loops_ = std::max<uint64_t>(o.loops, 1);
  s->shift_ = o.shift;
  s->target_ = o.target;
  s->gzip_level_ = o.gzip_level;
  ReplayIndexOptions io;
  io.batch_size = o.batch_size;
  io.timestamps = o.shift || s->loops_ > 1 || o.batch_times;
  io.batch_times = o.batch_times;
  // The table of lines serves sends from the mapping, which a gzip file has not.
  const bool scatter = o.scatter && !s->stream_->gzip() && o.gzip_level == 0;
  io.line_table_budget = scatter ? o.line_table_budget : 0;
  if (base::Status st = ReplayIndex::build(s->stream_.get(), io, &s->index_, stop); !st) {
    if (st.message() == "interrupted") return st;
    return base::Status::error(o.path + ": " + st.message());
  }
  const ReplayIndex& ix = *s->index_;
  if (ix.timed()) {
    s->span_ = ix.max_time() - ix.min_time() + ix.step();  // overflow: checked below
    if (o.shift) s->base_delta_ = o.start_units - ix.first_time();
    const __int128 lo = static_cast<__int128>(ix.min_time()) + s->base_delta_;
    const __int128 hi = static_cast<__int128>(ix.max_time()) + s->base_delta_ +
                        static_cast<__int128>(s->loops_ - 1) *
                            (static_cast<__int128>(ix.max_time()) - ix.min_time() + ix.step());
    if (lo < std::numeric_limits<int64_t>::min() || hi > std::numeric_limits<int64_t>::max()) {
      return base::Status::error(o.path + ": shifted over " + std::to_string(s->loops_) +
                                 " passes, its timestamps would leave the 64-bit range");
    }
  }
  const bool rewrites = ix.timed() && (s->base_delta_ != 0 || s->loops_ > 1);
  const uint64_t per_batch = std::min<uint64_t>(o.batch_size, std::max<uint64_t>(ix.points(), 1));
  const uint64_t body =
      ix.max_batch_bytes() + (rewrites ? per_batch * kMaxTimestampGrowth : 0);
  if (body > std::numeric_limits<uint32_t>::max()) {
    return base::Status::error("BatchSize " + std::to_string(o.batch_size) + " makes a request body of " +
                               o.path + " larger than 4 GiB");
  }
  s->max_body_bytes_ = std::max<size_t>(static_cast<size_t>(body), 1);
  if (s->stream_->gzip()) {
    std::unique_ptr<LpStream> stream;
    if (base::Status st = LpStream::open(o.path, &stream); !st) {
      return base::Status::error(o.path + ": " + st.message());
    }
    s->cursor_ = std::make_unique<GzipCursor>(std::move(stream), window_for(ix.max_batch_bytes()),
                                              ix.stream_bytes());
    s->stream_.reset();  // its inflate state is a few hundred KiB; the cursor has its own
  } else if (scatter) {
    s->map_file(o);
  }
  *out = std::move(s);
  return base::Status::ok();
}

base::Status ReplaySource::read_raw(uint64_t begin, uint64_t end, char* out) const {
  if (cursor_) return cursor_->read(begin, end, out);
  while (begin < end) {
    const ssize_t n = ::pread(stream_->fd(), out, end - begin, static_cast<off_t>(begin));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return base::Status::error(std::string("cannot read: ") + std::strerror(errno));
    if (n == 0) return base::Status::error("the file is shorter than when it was indexed");
    out += n;
    begin += static_cast<uint64_t>(n);
  }
  return base::Status::ok();
}

// Index entries stand for several batches (a file of more than kMaxEntries batches): scan
// from the entry's first point, through `scratch` (max_body_bytes, which holds any line a
// batch spans), to batch b's first point and past its last.
base::Status ReplaySource::locate(uint64_t b, char* scratch, uint64_t* begin, uint64_t* end) const {
  const ReplayIndex& ix = *index_;
  const uint64_t g = b / ix.stride();
  const uint64_t skip = (b - g * ix.stride()) * ix.batch_size();
  const uint64_t want = ix.batch_points(b);
  const uint64_t chunk_max = cursor_ ? std::min<uint64_t>(max_body_bytes_, window_for(ix.max_batch_bytes()))
                                     : max_body_bytes_;
  LineFilter filter;
  uint64_t pos = ix.entry_offset(g);
  uint64_t seen = 0;
  while (pos < ix.end_offset()) {
    const uint64_t n = std::min(chunk_max, ix.end_offset() - pos);
    if (base::Status st = read_raw(pos, pos + n, scratch); !st) return st;
    size_t at = 0;
    while (at < n) {
      const char* nl = static_cast<const char*>(std::memchr(scratch + at, '\n', n - at));
      if (nl == nullptr) break;  // a partial line: read again from its start
      const size_t len = static_cast<size_t>(nl - (scratch + at));
      if (filter.is_point(std::string_view(scratch + at, len))) {
        if (seen == skip) *begin = pos + at;
        ++seen;
        if (seen == skip + want) {
          *end = pos + at + len + 1;
          return base::Status::ok();
        }
      }
      at += len + 1;
    }
    if (at == 0) return base::Status::error("a line is longer than the index recorded");
    pos += at;
  }
  return base::Status::error("the file has fewer points than when it was indexed");
}

ReplaySource::~ReplaySource() {
  if (map_ != nullptr) ::munmap(const_cast<char*>(map_), map_bytes_);
}

template <class F>
uint64_t ReplaySource::scan_points(uint64_t begin, uint64_t end, bool timestamps, F&& on_point) const {
  LineFilter filter;
  uint64_t points = 0;
  const char* p = map_ + begin;
  const char* stop = map_ + end;
  while (p < stop) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(stop - p)));
    if (nl == nullptr) break;  // the index ends every range after a '\n'
    const std::string_view line(p, static_cast<size_t>(nl - p));
    if (filter.is_point(line)) {
      size_t tb = 0, te = 0;
      int64_t value = 0;
      const bool has_time = timestamps && find_timestamp(line, &tb, &te, &value);
      on_point(line_record(line, static_cast<uint64_t>(p - map_), has_time, tb, te, value));
      ++points;
    }
    p = nl + 1;
  }
  return points;
}

void ReplaySource::map_file(const ReplayOptions& options) {
  const ReplayIndex& ix = *index_;
  // One entry per batch: a render finds its lines without scanning from an earlier one.
  if (ix.stride() != 1 || ix.end_offset() == 0 || gzip_level_ > 0) return;
  void* m = ::mmap(nullptr, ix.end_offset(), PROT_READ, MAP_SHARED, stream_->fd(), 0);
  if (m == MAP_FAILED) return;  // the copying render() serves every request
  map_ = static_cast<const char*>(m);
  map_bytes_ = ix.end_offset();
  drop_pages_ = map_bytes_ > options.resident_budget;
  const bool rewrites = ix.timed() && (base_delta_ != 0 || loops_ > 1);
  const uint64_t per_batch = std::min<uint64_t>(ix.batch_size(), ix.points());
  // A line is at most four pieces (up to the timestamp, the digits, '\r's after them, the
  // '\n'); kept, two (a CRLF line's '\n' is not the file's). The area: the copied lines
  // (at most the body) and digits for the others (20 and a '\n' each).
  scatter_room_.iovecs = per_batch * (rewrites ? 4 : 2);
  scatter_room_.bytes = rewrites ? max_body_bytes_ + per_batch * 21 : 1;
  // Only a later pass can reuse a body, and only the table says where its digits are.
  if (rewrites && loops_ > 1 && !ix.lines().empty() && map_bytes_ <= options.kept_budget / 4) {
    kept_budget_ = options.kept_budget;
  }
}

bool ReplaySource::mapping_intact() const {
  struct stat st;
  return ::fstat(stream_->fd(), &st) == 0 && static_cast<uint64_t>(st.st_size) >= map_bytes_;
}

// Appends a request's lines as iovecs, pieces that touch merged: a batch of kept lines is
// one run of the mapping. A line whose timestamp moves is copied into `area` with its new
// digits when it is shorter than kPieceLineBytes, else sent as pieces (up to its timestamp
// from the mapping, then the digits, written to `area` once per distinct value: TSBS writes
// every host's points at one time together). Copied lines follow one another in `area`, so
// they too merge into one run. Why copy: the kernel's copy costs about 30 ns per iovec
// besides the bytes (measured on the devops sample: two pieces a line took the send from
// 0.49 to 0.87-0.92 CPU-s for 6.48 M lines, more than copying the lines costs).
class ReplaySource::ScatterWriter {
 public:
  static constexpr size_t kPieceLineBytes = 1024;

  ScatterWriter(const char* map, iovec* iov, char* area, int64_t delta)
      : map_(map), iov_(iov), area_(area), delta_(delta) {}

  void line(const LineRecord& r) {
    const char* p = map_ + r.begin;
    const size_t len = r.len & 0x7fffffffu;
    const bool cr = (r.len & 0x80000000u) != 0;
    ++points_;
    if (delta_ == 0 || r.ts == kNoTimestamp) {
      piece(p, len);
      piece(cr ? kNewline : p + len, 1);
      return;
    }
    const size_t b = r.ts & 0xffffffu;
    const size_t e = b + (r.ts >> 24);
    format(r.value);
    if (len < kPieceLineBytes) {
      // Up to the timestamp, the digits, '\r's after them (render() keeps those), '\n'.
      char* w = area_ + used_;
      std::memcpy(w, p, b);
      std::memcpy(w + b, digits_, digits_len_);
      std::memcpy(w + b + digits_len_, p + e, len - e);
      const size_t n = b + digits_len_ + (len - e);
      w[n] = '\n';
      used_ += n + 1;
      piece(w, n + 1);
      return;
    }
    pieced_ = true;
    if (area_digits_ == nullptr) {
      area_digits_ = area_ + used_;
      std::memcpy(area_digits_, digits_, digits_len_);
      area_digits_[digits_len_] = '\n';
      used_ += digits_len_ + 1;
    }
    piece(p, b);
    if (e == len) {
      piece(area_digits_, digits_len_ + 1);
      return;
    }
    piece(area_digits_, digits_len_);
    piece(p + e, len - e);
    piece(kNewline, 1);
  }

  uint32_t count() const { return count_; }
  uint64_t bytes() const { return bytes_; }
  uint32_t points() const { return points_; }
  // Whether a moved line was sent in pieces (its digits shared in the area): such a body
  // is not rewritten in place (KeptBody).
  bool pieced() const { return pieced_; }

 private:
  static constexpr const char* kNewline = "\n";
  // The moved digits of `value` into digits_, unless they are there already.
  void format(int64_t value) {
    if (have_digits_ && value == last_value_) return;
    const int64_t moved = shifted_timestamp(value, delta_);
    digits_len_ = static_cast<size_t>(std::to_chars(digits_, digits_ + sizeof digits_, moved).ptr - digits_);
    last_value_ = value;
    have_digits_ = true;
    area_digits_ = nullptr;
  }
  void piece(const char* p, size_t n) {
    if (n == 0) return;
    bytes_ += n;
    if (count_ > 0) {
      iovec& last = iov_[count_ - 1];
      if (static_cast<const char*>(last.iov_base) + last.iov_len == p) {
        last.iov_len += n;
        return;
      }
    }
    iov_[count_++] = iovec{const_cast<char*>(p), n};
  }

  const char* map_;
  iovec* iov_;
  char* area_;
  int64_t delta_;
  uint32_t count_ = 0;
  uint64_t bytes_ = 0;
  uint32_t points_ = 0;
  size_t used_ = 0;
  char digits_[24];
  size_t digits_len_ = 0;
  int64_t last_value_ = 0;
  bool have_digits_ = false;
  char* area_digits_ = nullptr;  // digits_ and a '\n' in area_, for pieces
  bool pieced_ = false;
};

namespace {

int digit_count(int64_t v) {
  char buf[24];
  return static_cast<int>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf);
}

// Rewrites the moved timestamps of a kept body (the copied lines of lines[first, first + n),
// as ScatterWriter laid them out) from pass delta `from` to `to`, in place. False, part
// written, when a timestamp's length changes: the layout moves, the caller renders anew.
bool rewrite_digits(const LineTable& lines, uint64_t first, uint64_t n, char* body, int64_t from, int64_t to) {
  size_t at = 0;
  int64_t last = 0;
  bool have = false;
  char digits[24];
  size_t len = 0;
  for (uint64_t i = first; i < first + n; ++i) {
    const LineRecord& r = lines[i];
    if (r.ts == kNoTimestamp) continue;  // sent from the mapping
    if (!have || r.value != last) {
      const int64_t moved = shifted_timestamp(r.value, to);
      len = static_cast<size_t>(std::to_chars(digits, digits + sizeof digits, moved).ptr - digits);
      if (static_cast<int>(len) != digit_count(shifted_timestamp(r.value, from))) return false;
      last = r.value;
      have = true;
    }
    const size_t b = r.ts & 0xffffffu;
    const size_t e = b + (r.ts >> 24);
    char* w = body + at + b;
    // At most 20 characters: fixed-size moves (two overlapping ones), not a memcpy call per
    // line (5 % of a looped replay's CPU by perf).
    if (len >= 8) {
      if (len > 16) {
        std::memcpy(w, digits, 16);
      } else {
        std::memcpy(w, digits, 8);
      }
      std::memcpy(w + len - 8, digits + len - 8, 8);
    } else {
      for (size_t k = 0; k < len; ++k) w[k] = digits[k];
    }
    at += b + len + ((r.len & 0x7fffffffu) - e) + 1;
  }
  return true;
}

}  // namespace

struct ReplaySource::KeptBody {
  std::unique_ptr<char[]> bytes;  // scatter_room_.bytes, untouched until written
  std::vector<iovec> iov;         // the body: runs of `bytes` and of the mapping
  uint64_t batch = UINT64_MAX;    // UINT64_MAX: holds nothing to rewrite
  int64_t delta = 0;              // the pass delta its digits hold
  uint64_t index = 0;             // the request it serves while busy
  uint32_t body_len = 0;
  uint32_t points = 0;
  bool busy = false;
  bool retired = false;  // a send may still read it: never written again
};

bool ReplaySource::read_batch(ScatterWriter& w, uint64_t b, bool rewrites) const {
  const ReplayIndex& ix = *index_;
  // Truncated after mapping_intact(), between it and these reads: SIGBUS ends the reads
  // (nothing below owns memory to free), and the request goes out empty all the same.
  return base::catching_sigbus([&] {
    if (!ix.lines().empty()) {
      const LineTable& lines = ix.lines();
      for (uint64_t i = b * ix.batch_size(), n = i + ix.batch_points(b); i < n; ++i) w.line(lines[i]);
    } else {
      scan_points(ix.batch_begin(b), ix.batch_end(b), rewrites, [&](const LineRecord& l) { w.line(l); });
    }
  });
}

bool ReplaySource::kept_render(uint64_t index, uint64_t b, int64_t delta, iovec* iov, Scattered* r) const {
  KeptBody* k = nullptr;
  {
    std::lock_guard<std::mutex> lock(kept_mu_);
    KeptBody* other = nullptr;  // a free body of another batch, to render anew
    for (const auto& e : kept_) {
      if (e->busy || e->retired) continue;
      if (e->batch == b) {
        k = e.get();
        break;
      }
      if (other == nullptr) other = e.get();
    }
    if (k == nullptr && (kept_.size() + 1) * scatter_room_.bytes <= kept_budget_) {
      kept_.push_back(std::make_unique<KeptBody>());
      k = kept_.back().get();
      k->bytes.reset(new char[scatter_room_.bytes]);
    }
    if (k == nullptr) k = other;
    if (k == nullptr) return false;
    k->busy = true;
    k->index = index;
  }
  const ReplayIndex& ix = *index_;
  // Busy: no other thread touches this body's fields until scatter_done().
  if (k->batch != b ||
      !rewrite_digits(ix.lines(), b * ix.batch_size(), ix.batch_points(b), k->bytes.get(), k->delta, delta)) {
    ScatterWriter w(map_, iov, k->bytes.get(), delta);
    k->batch = UINT64_MAX;
    if (!read_batch(w, b, true)) {
      note_failure("the file was truncated while its lines were read (SIGBUS)");
      return true;  // an empty request, as the area's
    }
    k->iov.assign(iov, iov + w.count());
    k->body_len = static_cast<uint32_t>(w.bytes());
    k->points = w.points();
    if (!w.pieced()) k->batch = b;
  } else {
    std::copy(k->iov.begin(), k->iov.end(), iov);
  }
  k->delta = delta;
  r->body_len = k->body_len;
  r->points = k->points;
  r->iov_count = static_cast<uint32_t>(k->iov.size());
  return true;
}

uint32_t ReplaySource::start_request(uint64_t index, char* target, uint64_t* batch, int64_t* delta) const {
  if (!target_.empty()) std::memcpy(target, target_.data(), target_.size());
  *batch = index % index_->batches();
  *delta = pass_delta(index / index_->batches());
  return static_cast<uint32_t>(target_.size());
}

engine::RequestSource::Scattered ReplaySource::render_scatter(uint64_t index, char* target, iovec* iov,
                                                              char* area) const {
  Scattered r;
  uint64_t b = 0;
  int64_t delta = 0;
  r.target_len = start_request(index, target, &b, &delta);
  const ReplayIndex& ix = *index_;
  // A file truncated since it was indexed raises SIGBUS where the mapping is read past its
  // end: such a request goes out empty, as a short pread makes render()'s.
  if (!mapping_intact()) {
    note_failure("the file is shorter than when it was indexed");
    return r;
  }
  const bool kept = kept_budget_ > 0 && delta != 0 && kept_render(index, b, delta, iov, &r);
  if (!kept) {
    ScatterWriter w(map_, iov, area, delta);
    if (!read_batch(w, b, delta != 0)) {
      note_failure("the file was truncated while its lines were read (SIGBUS)");
      return r;
    }
    r.body_len = static_cast<uint32_t>(w.bytes());
    r.points = w.points();
    r.iov_count = w.count();
  }
  if (r.points != ix.batch_points(b)) {
    note_failure("batch " + std::to_string(b) + " holds " + std::to_string(r.points) +
                 " points, the index counted " + std::to_string(ix.batch_points(b)));
  }
  return r;
}

void ReplaySource::scatter_done(uint64_t index, int error) const {
  if (error == EFAULT) note_failure("a send found the file's pages gone (EFAULT)");
  if (kept_budget_ > 0) {
    std::lock_guard<std::mutex> lock(kept_mu_);
    for (const auto& e : kept_) {
      if (!e->busy || e->index != index) continue;
      e->busy = false;
      e->retired = error == EINPROGRESS;  // the kernel may still read it
      break;
    }
  }
  if (!drop_pages_) return;
  // The pages the kernel's copy (and a scan) mapped for this request; on a MAP_SHARED file
  // mapping MADV_DONTNEED drops only the page-table entries, the page cache keeps them. A
  // read fault also maps the cached pages around it (fault-around, and whole large folios of
  // the page cache, up to 2 MiB), so the range is widened to 2 MiB boundaries: measured,
  // page boundaries let a 256 MiB replay's mapping grow to 25 MB and more. Pages of a
  // neighbouring request still being sent are simply faulted in again.
  const ReplayIndex& ix = *index_;
  const uint64_t b = index % ix.batches();
  constexpr uint64_t kAlign = uint64_t{2} << 20;
  const uint64_t begin = ix.batch_begin(b) & ~(kAlign - 1);
  const uint64_t end = std::min<uint64_t>((ix.batch_end(b) + kAlign - 1) & ~(kAlign - 1), map_bytes_);
  if (end > begin) ::madvise(const_cast<char*>(map_) + begin, end - begin, MADV_DONTNEED);
}

engine::RequestSource::Rendered ReplaySource::render(uint64_t index, char* target, char* body) const {
  Rendered r;
  uint64_t b = 0;
  int64_t delta = 0;
  r.target_len = start_request(index, target, &b, &delta);
  const ReplayIndex& ix = *index_;
  uint64_t begin = 0, end = 0;
  if (ix.stride() == 1) {
    begin = ix.batch_begin(b);
    end = ix.batch_end(b);
  } else if (base::Status st = locate(b, body, &begin, &end); !st) {
    note_failure(st.message());
    return r;
  }
  const size_t n = static_cast<size_t>(end - begin);
  if (base::Status st = read_raw(begin, end, body); !st) {
    note_failure(st.message());
    return r;
  }
  uint32_t points = 0;
  r.body_len = static_cast<uint32_t>(copy_points(body, n, max_body_bytes_, delta != 0, delta, &points));
  r.points = points;
  if (points != ix.batch_points(b)) {
    note_failure("batch " + std::to_string(b) + " holds " + std::to_string(points) +
                 " points, the index counted " + std::to_string(ix.batch_points(b)));
  }
  return r;
}

std::unique_ptr<engine::BodyEncoder> ReplaySource::make_encoder() const {
  if (gzip_level_ <= 0) return nullptr;
  return std::make_unique<GzipEncoder>(gzip_level_);
}

int64_t ReplaySource::clock_offset_ns(uint64_t g, int64_t unit_ns, double speed) const {
  const ReplayIndex& ix = *index_;
  const uint64_t pass = g / ix.batches();
  const uint64_t b = g % ix.batches();
  const double units = static_cast<double>(ix.entry_time(b / ix.stride()) - ix.first_time()) +
                       static_cast<double>(pass) * static_cast<double>(span_);
  const double ns = units * static_cast<double>(unit_ns) / speed;
  if (!(ns > 0)) return 0;
  return ns >= 9.2e18 ? INT64_MAX / 2 : static_cast<int64_t>(std::llround(ns));
}

void ReplaySource::note_failure(const std::string& why) const {
  int expected = 0;
  if (failure_state_.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
    failure_ = "the file changed while it was replayed: " + why;
    failure_state_.store(2, std::memory_order_release);
  }
}

bool ReplaySource::failed(std::string* why) const {
  if (failure_state_.load(std::memory_order_acquire) != 2) return false;
  *why = failure_;
  return true;
}

}  // namespace stressql::generator
