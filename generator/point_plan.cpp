#include "generator/point_plan.h"

#include <algorithm>

#include "base/line_protocol.h"
#include "generator/bits.h"
#include "generator/point_plan_parts.h"

namespace stressql::generator {

using base::write_i64;

PointPlan::PointPlan() = default;
PointPlan::~PointPlan() = default;

int64_t PointPlan::timestamp_units(uint64_t t) const {
  __int128 ns = static_cast<__int128>(start_unix_ns_) + static_cast<__int128>(t) * interval_ns_;
  __int128 q = ns / unit_ns_;
  if (ns % unit_ns_ < 0) --q;  // floor, also before 1970
  return static_cast<int64_t>(q);
}

void PointPlan::start_cursor(uint64_t k, Cursor* c) const {
  uint64_t s = k % series_;
  c->s_lo = s % suffix_count_;
  uint64_t p = s / suffix_count_;
  for (size_t d = split_; d-- > 0;) {
    c->digits[d] = p % dims_[d].count;
    p /= dims_[d].count;
  }
  c->need_prefix = true;
  for (size_t i = 0; i < cycles_.size(); ++i) c->cycle_idx[i] = k % cycles_[i].count;
}

char* PointPlan::write_prefix(const Cursor& c, char* dst) const {
  for (size_t d = 0; d < split_; ++d) {
    dst = put_str(dst, key_parts_[d].lit);
    dst = write_dim(d, c.digits, dst);
  }
  return dst;
}

void PointPlan::advance_series(Cursor* c) const {
  if (++c->s_lo < suffix_count_) return;
  c->s_lo = 0;
  if (split_ == 0) return;
  c->need_prefix = true;
  for (size_t d = split_; d-- > 0;) {
    if (++c->digits[d] < dims_[d].count) return;
    c->digits[d] = 0;
  }
}

namespace {

inline char* write_key(const char* suffixes, const uint32_t* off, uint64_t s, char* dst) {
  return put_bytes(dst, suffixes + off[s], off[s + 1] - off[s]);
}

}  // namespace

// The on-the-fly part of the series key is rendered at the start of the first line that
// needs it, and copied from there by the following lines until it changes.
char* PointPlan::write_line_prefix(Cursor* c, char* dst) const {
  if (!c->need_prefix) return put_bytes(dst, c->prefix, c->prefix_len);
  char* begin = dst;
  dst = write_prefix(*c, dst);
  c->prefix = begin;
  c->prefix_len = dst - begin;
  c->need_prefix = false;
  return dst;
}

char* PointPlan::render_first_line(uint64_t t, Cursor* c, char* dst) const {
  if (split_ > 0) dst = write_line_prefix(c, dst);
  dst = write_key(suffix_bytes_.data(), suffix_off_.data(), c->s_lo, dst);
  for (const FieldOp& op : ops_) {
    if (op.cycle) {
      uint64_t& idx = c->cycle_idx[op.index];
      dst = cycles_[op.index].write(idx, dst);
      if (++idx == cycles_[op.index].count) idx = 0;
      continue;
    }
    char* begin = dst;
    for (const RunPiece& piece : runs_[op.index]) {
      dst = put_str(dst, piece.text);
      if (piece.gen >= 0) dst = unbounded_[piece.gen].write(t, dst);
    }
    if (op.index + 1 == runs_.size()) {
      *dst++ = ' ';
      dst = write_i64(dst, timestamp_units(t));
      *dst++ = '\n';
    }
    c->run_ptr[op.index] = begin;
    c->run_len[op.index] = static_cast<uint32_t>(dst - begin);
  }
  advance_series(c);
  return dst;
}

char* PointPlan::render_next_line(Cursor* c, char* dst) const {
  if (split_ > 0) dst = write_line_prefix(c, dst);
  dst = write_key(suffix_bytes_.data(), suffix_off_.data(), c->s_lo, dst);
  for (const FieldOp& op : ops_) {
    if (op.cycle) {
      uint64_t& idx = c->cycle_idx[op.index];
      dst = cycles_[op.index].write(idx, dst);
      if (++idx == cycles_[op.index].count) idx = 0;
    } else {
      dst = put_bytes(dst, c->run_ptr[op.index], c->run_len[op.index]);
    }
  }
  advance_series(c);
  return dst;
}

size_t PointPlan::render(uint64_t first, uint64_t n, char* dst, uint64_t* lines) const {
  if (shaped_) return render_shaped(first, n, dst, lines);
  if (lines) *lines = n;
  if (n == 0) return 0;
  Cursor c;
  start_cursor(first, &c);
  char* out = dst;
  const uint64_t end = first + n;
  uint64_t k = first;
  uint64_t t = first / series_;
  // The common shape (every key pre-rendered, no per-point field) gets its own loop:
  // two copies per point, the second from this timestamp's first line.
  const bool simple = split_ == 0 && ops_.size() == 1;
  const char* suffixes = suffix_bytes_.data();
  const uint32_t* off = suffix_off_.data();
  while (k < end) {
    uint64_t group_left = series_ - k % series_;
    uint64_t group_end = end - k < group_left ? end : k + group_left;
    out = render_first_line(t, &c, out);
    ++k;
    if (simple) {
      const char* tail = c.run_ptr[0];
      const size_t tail_len = c.run_len[0];
      uint64_t s = c.s_lo;
      for (; k < group_end; ++k, ++s) {
        prefetch_for_write(out);
        out = write_key(suffixes, off, s, out);
        out = put_bytes(out, tail, tail_len);
      }
      c.s_lo = s == suffix_count_ ? 0 : s;
    } else {
      for (; k < group_end; ++k) {
        prefetch_for_write(out);
        out = render_next_line(&c, out);
      }
    }
    ++t;
  }
  return static_cast<size_t>(out - dst);
}

std::string PointPlan::tag_value(uint64_t k, size_t i) const {
  uint64_t digits[kMaxTagTemplates];
  const uint64_t series = k % series_;
  uint64_t s = series;
  for (size_t d = dims_.size(); d-- > 0;) {
    digits[d] = s % dims_[d].count;
    s /= dims_[d].count;
  }
  if (shape_ && shape_->epoch > 0) {  // Churn: the name point k is written with
    const uint64_t row = k / series_;
    const uint64_t t = shape_->block > 1 ? disorder_source(series, row) : row;
    uint64_t birth = 0, death = 0;
    digits[0] = churn(digits[0], t, &birth, &death);
  }
  std::string out;
  for (const TagPiece& piece : tag_pieces_[i]) {
    out += piece.raw_lit;
    if (piece.dim >= 0) raw_dim(piece.dim, digits, &out);
  }
  return out;
}

}  // namespace stressql::generator
