// PointPlan's shaped path (SPEC §7.2): per-series field templates, `per` tags, and the
// MissingPoints / MissingFields / Disorder / Churn decisions. Every decision is a hash of
// the seed and the point, so render() stays a pure function of k (see point_plan.h).

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>
#include <vector>

#include "base/line_protocol.h"
#include "generator/point_plan.h"
#include "generator/bits.h"
#include "generator/point_plan_parts.h"

namespace stressql::generator {

using base::write_i64;

namespace {

constexpr uint64_t kOdd1 = 0x9e3779b97f4a7c15ULL;
constexpr uint64_t kOdd2 = 0xc2b2ae3d27d4eb4fULL;

}  // namespace

size_t PointPlan::state_bytes() const { return series_fields_ ? series_fields_->state_bytes() : 0; }

uint64_t PointPlan::hash_tag(size_t tag, const uint64_t* values, uint64_t h) const {
  for (const TagPiece& piece : tag_pieces_[tag]) {
    h = fnv1a(piece.raw_lit, h);
    if (piece.dim < 0) continue;
    const Values& v = dims_[piece.dim];
    if (v.derived >= 0) {
      h = derived_[v.derived].values.hash_raw(derived_index(v.derived, values), h);
    } else {
      h = v.hash_raw(values[piece.dim], h);
    }
  }
  return h;
}

uint64_t PointPlan::derived_index(size_t derived, const uint64_t* values) const {
  const Derived& d = derived_[derived];
  const uint64_t h = hash2(d.key, hash_tag(d.source_tag, values, kFnvOffset));
  return d.values.count > 0 ? mul_hi(h, d.values.count) : h;
}

char* PointPlan::write_dim(size_t d, const uint64_t* values, char* dst) const {
  const Values& v = dims_[d];
  if (v.derived < 0) return v.write_any(values[d], dst);
  return derived_[v.derived].values.write_any(derived_index(v.derived, values), dst);
}

void PointPlan::raw_dim(size_t d, const uint64_t* values, std::string* out) const {
  const Values* v = &dims_[d];
  uint64_t i = values[d];
  if (v->derived >= 0) {
    i = derived_index(v->derived, values);
    v = &derived_[v->derived].values;
  }
  if (!v->raw.empty()) {
    *out += v->raw[i % v->raw.size()];
    return;
  }
  // Generated values hold no character that line protocol escapes.
  std::string buf(v->gen.max_chars(), '\0');
  buf.resize(v->gen.write(i, buf.data()) - buf.data());
  *out += buf;
}

uint64_t PointPlan::churn(uint64_t j, uint64_t t, uint64_t* birth, uint64_t* death) const {
  const Shape& sh = *shape_;
  const uint64_t c0 = dims_[0].count;
  // Replacements made by the start of epoch e, assigned to dimension-0 slots in turn.
  auto made = [&](uint64_t e) {
    return static_cast<uint64_t>(std::floor(static_cast<double>(e) * sh.churn_per_epoch));
  };
  // The first epoch by which `needed` replacements were made.
  auto epoch_of = [&](uint64_t needed) {
    uint64_t e = static_cast<uint64_t>(std::ceil(static_cast<double>(needed) / sh.churn_per_epoch));
    while (e > 0 && made(e - 1) >= needed) --e;
    while (made(e) < needed) ++e;
    return e;
  };
  const uint64_t r = made(t / sh.epoch);
  const uint64_t g = r > j ? (r - j - 1) / c0 + 1 : 0;  // times slot j was replaced
  *birth = g == 0 ? 0 : epoch_of(j + (g - 1) * c0 + 1) * sh.epoch;
  *death = sh.churn_per_epoch > 0 ? epoch_of(j + g * c0 + 1) * sh.epoch : UINT64_MAX;
  return j + c0 * g;
}

uint64_t PointPlan::disorder_source(uint64_t s, uint64_t row) const {
  const Shape& sh = *shape_;
  const uint64_t stamps = points_ / series_ + (s < points_ % series_ ? 1 : 0);
  if (sh.block <= 1 || row >= stamps) return row;
  // Blocks of L timestamps, offset per series so that series do not reorder in step.
  const uint64_t len = sh.block;
  const uint64_t off = base::mix64(sh.key_block ^ s) % len;
  const uint64_t b = (row + off) / len;
  const uint64_t lo = b * len >= off ? b * len - off : 0;
  const uint64_t hi = std::min(b * len + len - off, stamps);
  const uint64_t m = hi - lo, i = row - lo;
  const uint64_t sk = base::mix64(sh.key_hold ^ base::mix64(s));
  uint64_t held = 0;
  for (uint64_t j = 0; j < m; ++j) {
    if (base::mix64(sk + (lo + j) * kOdd1) < sh.hold_below) held |= uint64_t{1} << j;
  }
  const uint64_t all = m == 64 ? ~uint64_t{0} : (uint64_t{1} << m) - 1;
  const uint64_t kept = ~held & all;
  const uint64_t n_kept = static_cast<uint64_t>(__builtin_popcountll(kept));
  // Kept points first, in order, then the held ones: a held point goes out after the
  // points up to the block's end.
  uint64_t pick = i < n_kept ? kept : held;
  for (uint64_t rank = i < n_kept ? i : i - n_kept; rank > 0; --rank) pick &= pick - 1;
  return lo + static_cast<uint64_t>(__builtin_ctzll(pick));
}

bool PointPlan::skipped(uint64_t k) const {
  if (!shape_ || shape_->skip_below == 0) return false;
  const uint64_t s = k % series_;
  const uint64_t t = disorder_source(s, k / series_);
  return base::mix64(shape_->key_skip ^ ((t * series_ + s) * kOdd2)) < shape_->skip_below;
}

uint64_t PointPlan::skipped_in(uint64_t first, uint64_t n) const {
  uint64_t count = 0;
  for (uint64_t k = first; k < first + n; ++k) count += skipped(k);
  return count;
}

char* PointPlan::write_field(const ShapedField& sf, uint64_t point, uint64_t s, uint64_t idh, uint64_t t,
                             const SeriesFields::Life& life, char* out) const {
  switch (sf.kind) {
    case ShapedField::Kind::kText:
      return put_str(out, sf.pre);
    case ShapedField::Kind::kCycle: {
      const Values& v = cycles_[sf.index];
      return v.write(point % v.count, out);
    }
    case ShapedField::Kind::kUnbounded:
      out = put_str(out, sf.pre);
      out = unbounded_[sf.index].write(t, out);
      return put_str(out, sf.post);
    case ShapedField::Kind::kSeries:
      break;
  }
  return series_fields_->write(sf.index, s, idh, t, life, out);
}

size_t PointPlan::render_shaped(uint64_t first, uint64_t n, char* dst, uint64_t* lines) const {
  uint64_t written = 0;
  char* out = dst;
  const Shape& sh = *shape_;
  const bool churning = sh.epoch > 0;
  // Members the loop reads, held in locals: the lines are written through char pointers,
  // which may alias any member, so the compiler would reload members after every store.
  const size_t field_count = shaped_fields_.size();
  const ShapedField* fields = shaped_fields_.data();
  const SeriesFields& series = *series_fields_;
  const uint64_t omit_below = sh.omit_below;
  Cursor c;
  if (n > 0) start_cursor(first, &c);
  // A request holding several timestamps of a series steps its walks and counters from its
  // own cells (series_fields.h, Local). One buffer per thread, grown to the largest need
  // once, not per call.
  thread_local std::vector<SeriesFields::Local> locals;
  const size_t cells = series_fields_->local_cells();
  const bool use_locals = cells > 0 && n > series_;
  if (use_locals) locals.assign(series_ * cells, SeriesFields::Local{});
  uint64_t s = first % series_, row = first / series_;
  // The timestamp text (' ', digits, '\n') of timestamp index ts_t, rendered once per row.
  char ts_text[32] = {};
  uint64_t ts_t = UINT64_MAX;
  size_t ts_len = 0;
  const uint64_t end = first + n;
  for (uint64_t k = first; k < end; ++k) {
    const uint64_t t = sh.block > 1 ? disorder_source(s, row) : row;
    const uint64_t point = t * series_ + s;
    if (sh.skip_below == 0 || base::mix64(sh.key_skip ^ (point * kOdd2)) >= sh.skip_below) {
      prefetch_for_write(out);
      uint64_t id = s;
      SeriesFields::Life life;
      if (use_locals) {
        life.local = locals.data() + s * cells;
        life.publish = k + series_ >= end;  // the call's last point of series s
      }
      if (churning) {
        uint64_t values[kMaxTagTemplates];
        for (size_t d = 0; d < split_; ++d) values[d] = c.digits[d];
        values[0] = churn(c.digits[0], t, &life.birth, &life.death);
        id = values[0] * sh.series_per_value + s % sh.series_per_value;
        for (size_t d = 0; d < split_; ++d) {
          out = put_str(out, key_parts_[d].lit);
          out = write_dim(d, values, out);
        }
      } else if (split_ > 0) {
        out = write_line_prefix(&c, out);
      }
      out = put_chunks(out, suffix_bytes_.data() + suffix_off_[c.s_lo],
                       suffix_off_[c.s_lo + 1] - suffix_off_[c.s_lo]);
      // MissingFields: field f is left out when its hash falls below the threshold; when
      // every field would be, field `keep` stays.
      uint64_t hk = 0, keep = field_count;
      if (omit_below != 0) {
        hk = base::mix64(sh.key_omit ^ (point * kOdd2));
        bool any = false;
        for (size_t f = 0; f < field_count && !any; ++f) {
          any = base::mix64(hk + f * kOdd1) >= omit_below;
        }
        if (!any) keep = hk % field_count;
      }
      const uint64_t idh = base::mix64(id ^ sh.key_id);
      life.ph = SeriesFields::point_hash(idh, t);
      // The integer-valued per-series fields first (SeriesFields::integer_values), then the
      // text.
      int64_t ints[kMaxFieldTemplates];
      series.integer_values(s, idh, t, life, ints);
      if (omit_below == 0) {
        // Every field, each text starting with its own separator (' ' for the first).
        for (size_t f = 0; f < field_count; ++f) {
          const ShapedField& sf = fields[f];
          out = sf.integer ? series.write_integer(sf.index, ints[sf.index], out)
                           : write_field(sf, point, s, idh, t, life, out);
        }
      } else {
        bool first_field = true;
        for (size_t f = 0; f < field_count; ++f) {
          if (f != keep && base::mix64(hk + f * kOdd1) < omit_below) continue;
          const ShapedField& sf = fields[f];
          char* start = out;
          out = sf.integer ? series.write_integer(sf.index, ints[sf.index], out)
                           : write_field(sf, point, s, idh, t, life, out);
          *start = first_field ? ' ' : ',';
          first_field = false;
        }
      }
      if (t != ts_t) {
        ts_t = t;
        char* e = ts_text;
        *e++ = ' ';
        e = write_i64(e, timestamp_units(t));
        *e++ = '\n';
        ts_len = static_cast<size_t>(e - ts_text);
      }
      std::memcpy(out, ts_text, 32);
      out += ts_len;
      ++written;
    }
    advance_series(&c);
    if (++s == series_) {
      s = 0;
      ++row;
    }
  }
  if (lines) *lines = written;
  return static_cast<size_t>(out - dst);
}

}  // namespace stressql::generator
