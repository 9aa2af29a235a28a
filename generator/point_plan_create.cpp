// PointPlan::create: turns an INSERT into pre-rendered pieces (see point_plan.h for the
// memory budgets).

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "base/line_protocol.h"
#include "generator/point_plan.h"
#include "generator/point_plan_parts.h"

using stressql::base::LpPlace;
using stressql::base::lp_escape;
using stressql::base::lp_unescape;

namespace stressql::generator {

namespace {

constexpr size_t kTimestampBytes = 1 + 20 + 1;  // ' ', int64 digits, '\n'
constexpr size_t kKeyPad = 32;  // after the pre-rendered keys: put_chunks() overreads

bool mul_overflows(uint64_t a, uint64_t b, uint64_t* out) {
  return __builtin_mul_overflow(a, b, out);
}

}  // namespace

class PointPlan::Builder {
 public:
  Builder(const parser::InsertStmt& stmt, const PlanOptions& options, PointPlan* plan)
      : stmt_(stmt), options_(options), plan_(plan) {}

  base::Status build() {
    if (stmt_.fields.empty()) return base::Status::error("an INSERT needs at least one field");
    if (options_.unit_ns < 1) return base::Status::error("timestamp unit must be >= 1ns");
    if (stmt_.interval_ns < 0) return base::Status::error("interval must be >= 0");
    PointPlan& p = *plan_;
    p.points_ = stmt_.count > 0 ? static_cast<uint64_t>(stmt_.count) : 0;
    p.start_unix_ns_ = options_.start_unix_ns;
    p.interval_ns_ = stmt_.interval_ns;
    p.unit_ns_ = options_.unit_ns;
    p.measurement_raw_ = lp_unescape(stmt_.measurement, LpPlace::kMeasurement);
    p.series_fields_ = std::make_unique<SeriesFields>();
    p.shape_ = std::make_unique<Shape>();
    churn_ = options_.shape.churn > 0;
    base::Status s = build_tags();
    if (s) s = check_churn();
    if (s) s = choose_split();
    if (s) s = build_fields();
    if (s) s = build_shape();
    if (!s) return s;
    // The shaped path writes in whole-register moves (the key in 32-byte chunks, fields,
    // the timestamp text in one 32-byte move) that may store past the line's end: room for
    // that once, after the line's own longest text.
    p.max_line_bytes_ = key_bytes_ + field_bytes_ + kTimestampBytes + (p.shaped_ ? SeriesFields::kOverhang : 0);
    return base::Status::ok();
  }

  // Churn continues dimension 0's sequence: it must be a generator, not a list or `per`.
  base::Status check_churn() {
    PointPlan& p = *plan_;
    if (!churn_) return base::Status::ok();
    if (p.dims_.empty() || !p.dims_[0].generated || p.dims_[0].derived >= 0)
      return base::Status::error(
          "Churn replaces series by continuing the first tag template, which must be an int "
          "or str template with a count (as in host=h[int inc(0) 100]), not a list");
    // Churned values may be longer than the first `count` ones.
    Values& v0 = p.dims_[0];
    size_t longest = v0.pre.size() + v0.gen.max_chars() + v0.post.size();
    if (longest > v0.max_bytes) {
      key_bytes_ += longest - v0.max_bytes;
      v0.max_bytes = longest;
    }
    return base::Status::ok();
  }

  static uint64_t share_threshold(double share) {
    if (share <= 0) return 0;
    if (share >= 1) return std::numeric_limits<uint64_t>::max();
    return static_cast<uint64_t>(std::ldexp(share, 64));
  }

  // SPEC §7.2 settings as integer decisions, and the walk/counter state.
  base::Status build_shape() {
    PointPlan& p = *plan_;
    const parser::DataShape& d = options_.shape;
    Shape& sh = *p.shape_;
    const uint64_t base_key = hash2(options_.seed, 0xda7a5'4a9e);
    sh.key_skip = hash2(base_key, 1);
    sh.key_omit = hash2(base_key, 2);
    sh.key_hold = hash2(base_key, 3);
    sh.key_block = hash2(base_key, 4);
    sh.key_id = hash2(base_key, 5);
    sh.skip_below = share_threshold(d.missing_points);
    sh.omit_below = share_threshold(d.missing_fields);
    if (d.disorder > 0) {
      if (stmt_.interval_ns <= 0)
        return base::Status::error("Disorder needs an interval > 0 between a series' points");
      const int64_t late = d.disorder_within_ns / stmt_.interval_ns;
      if (late > 63)
        return base::Status::error("Disorder within " + std::to_string(d.disorder_within_ns / 1000000000) +
                                   "s spans " + std::to_string(late) +
                                   " intervals; at most 63 are supported");
      sh.block = static_cast<uint64_t>(late) + 1;
      if (sh.block > 1) sh.hold_below = share_threshold(d.disorder);
    }
    if (churn_) {
      if (stmt_.interval_ns <= 0)
        return base::Status::error("Churn needs an interval > 0 between a series' points");
      sh.epoch = static_cast<uint64_t>(std::max<int64_t>(1, d.churn_every_ns / stmt_.interval_ns));
      sh.churn_per_epoch = d.churn * static_cast<double>(p.dims_[0].count);
      sh.series_per_value = p.series_ / p.dims_[0].count;
    }
    if (d.any()) p.shaped_ = true;
    if (p.series_fields_->stateful()) {
      const uint64_t stamps = p.points_ / p.series_ + (p.points_ % p.series_ != 0);
      if (stamps >= (uint64_t{1} << 32) - 1)
        return base::Status::error("walk and counter templates support at most 4294967294 "
                                   "timestamps per series");
    }
    return p.series_fields_->allocate(p.series_);
  }

 private:
  uint64_t next_key() { return hash2(options_.seed, template_id_++); }

  // Fills v (count, decoration already set) from a gen or list. `ends_value`: no more of the
  // tag value follows this piece (see base::lp_escape).
  base::Status make_values(const parser::Segment& pv, LpPlace place, const std::string& what,
                           Values* v, bool ends_value = true, uint64_t key = 0) {
    if (pv.kind == parser::Segment::Kind::kList) {
      const std::vector<std::string>& items = pv.list.items;
      if (items.empty()) return base::Status::error(what + ": empty list");
      v->count = items.size();
      v->raw = items;
      v->tabled = true;
      v->off.push_back(0);
      for (const std::string& item : items) {
        v->bytes += v->pre;
        if (place == LpPlace::kStringField) v->bytes += '"';
        lp_escape(item, place, &v->bytes, ends_value);
        if (place == LpPlace::kStringField) v->bytes += '"';
        v->bytes += v->post;
        v->off.push_back(static_cast<uint32_t>(v->bytes.size()));
      }
    } else {
      base::Status s = ValueGen::create(pv.generator, key != 0 ? key : next_key(), &v->gen);
      if (!s) return base::Status::error(what + ": " + s.message());
      v->generated = true;
      v->count = static_cast<uint64_t>(pv.generator.count);
      v->max_bytes = v->pre.size() + v->gen.max_chars() + v->post.size();
      tabulate_gen(v);
    }
    if (v->tabled) {
      v->max_bytes = v->generated ? v->pre.size() + v->gen.max_chars() + v->post.size() : 0;
      for (uint64_t i = 0; i < v->count; ++i)
        v->max_bytes = std::max<size_t>(v->max_bytes, v->off[i + 1] - v->off[i]);
    }
    return base::Status::ok();
  }

  // Pre-renders a generator's values when they fit the table budget (lists are always
  // tabled: they are script-sized).
  void tabulate_gen(Values* v) {
    if (v->count == 0) return;  // unbounded (a `per` tag's draw): generated on use
    uint64_t bound;
    if (mul_overflows(v->count, v->max_bytes + 4, &bound)) return;
    if (bound > options_.table_budget_bytes || bound > std::numeric_limits<uint32_t>::max()) return;
    std::string bytes(bound, '\0');
    v->off.reserve(v->count + 1);
    char* out = bytes.data();
    v->off.push_back(0);
    for (uint64_t i = 0; i < v->count; ++i) {
      out = v->write(i, out);  // not tabled yet: renders pre, value, post
      v->off.push_back(static_cast<uint32_t>(out - bytes.data()));
    }
    bytes.resize(out - bytes.data());
    v->bytes = std::move(bytes);
    v->tabled = true;
  }

  base::Status build_tags() {
    PointPlan& p = *plan_;
    std::string lit = stmt_.measurement;
    for (const parser::KeyValue& tag : stmt_.tags) {
      lit += ',';
      lit += tag.key;
      lit += '=';
      p.tag_keys_raw_.push_back(lp_unescape(tag.key, LpPlace::kKey));
      std::vector<TagPiece> pieces(1);
      for (const parser::Segment& pv : tag.value) {
        const bool last_piece = &pv == &tag.value.back();
        if (pv.kind == parser::Segment::Kind::kLiteral) {
          lit += pv.literal;
          pieces.back().raw_lit += lp_unescape(pv.literal, LpPlace::kKey);
          continue;
        }
        std::string what = "tag '" + tag.key + "'";
        if (!pv.per.empty()) {
          base::Status s = add_derived(tag, pv, what, last_piece, &pieces, &lit);
          if (!s) return s;
          continue;
        }
        if (pv.kind == parser::Segment::Kind::kGenerator && pv.generator.count == 0)
          return base::Status::error(what + ": a tag template needs a count > 0 (finite series)");
        if (p.dims_.size() == kMaxTagTemplates)
          return base::Status::error(what + ": more than " + std::to_string(kMaxTagTemplates) +
                               " tag templates");
        Values v;
        base::Status s = make_values(pv, LpPlace::kKey, what, &v, last_piece);
        if (!s) return s;
        uint64_t series;
        if (mul_overflows(p.series_, v.count, &series))
          return base::Status::error(what + ": the series count overflows 64 bits");
        p.series_ = series;
        pieces.back().dim = static_cast<int>(p.dims_.size());
        pieces.emplace_back();
        p.key_parts_.push_back({std::move(lit)});
        lit.clear();
        key_bytes_ += v.max_bytes;
        p.dims_.push_back(std::move(v));
      }
      p.tag_pieces_.push_back(std::move(pieces));
    }
    p.key_parts_.push_back({std::move(lit)});
    for (const KeyPart& part : p.key_parts_) key_bytes_ += part.lit.size();
    return base::Status::ok();
  }

  // A `per` tag piece: a dim of radix 1 whose value is drawn from the source tag's value.
  base::Status add_derived(const parser::KeyValue& tag, const parser::Segment& pv,
                           const std::string& what, bool last_piece, std::vector<TagPiece>* pieces,
                           std::string* lit) {
    PointPlan& p = *plan_;
    size_t source = stmt_.tags.size();
    for (size_t i = 0; i < p.tag_pieces_.size(); ++i) {
      if (stmt_.tags[i].key == pv.per) source = i;
    }
    if (source == stmt_.tags.size())
      return base::Status::error(what + ": 'per " + pv.per + "' names no tag written before it");
    if (p.dims_.size() == kMaxTagTemplates)
      return base::Status::error(what + ": more than " + std::to_string(kMaxTagTemplates) +
                                 " tag templates");
    Derived d;
    d.dim = p.dims_.size();
    d.source_tag = source;
    // Several `per` pieces in one tag (serial=[..per h]-[..per h]) draw apart.
    d.key = hash2(options_.seed, fnv1a(tag.key, kFnvOffset) + (pieces->size() - 1));
    d.min_dim = d.dim;
    for (const TagPiece& piece : p.tag_pieces_[source]) {
      if (piece.dim < 0) continue;
      const Values& src = p.dims_[piece.dim];
      const Values& raw_src = src.derived >= 0 ? p.derived_[src.derived].values : src;
      if (raw_src.generated && raw_src.gen.max_chars() > kMaxPerSourceChars)
        return base::Status::error(what + ": 'per " + pv.per + "' needs that tag's values to be at most " +
                                   std::to_string(kMaxPerSourceChars) + " characters");
      if (src.derived >= 0) {
        d.min_dim = std::min(d.min_dim, p.derived_[src.derived].min_dim);
      } else {
        d.min_dim = std::min<size_t>(d.min_dim, piece.dim);
        if (src.generated && src.gen.max_chars() > kMaxPerSourceChars)
          return base::Status::error(what + ": 'per " + pv.per + "' needs that tag's values to be at most " +
                                     std::to_string(kMaxPerSourceChars) + " characters");
      }
    }
    base::Status s = make_values(pv, LpPlace::kKey, what, &d.values, last_piece,
                                 hash2(d.key, 0x7e4d));
    if (!s) return s;
    Values slot;
    slot.count = 1;
    slot.derived = static_cast<int>(p.derived_.size());
    slot.max_bytes = d.values.max_bytes;
    pieces->back().dim = static_cast<int>(p.dims_.size());
    pieces->emplace_back();
    p.key_parts_.push_back({std::move(*lit)});
    lit->clear();
    key_bytes_ += slot.max_bytes;
    p.dims_.push_back(std::move(slot));
    p.derived_.push_back(std::move(d));
    return base::Status::ok();
  }

  // Whether every `per` dim at or after `split` depends only on dims at or after it (its
  // key suffix can then be pre-rendered), and Churn's dimension 0 stays on the fly.
  bool valid_split(size_t split) const {
    const PointPlan& p = *plan_;
    if (churn_ && split == 0) return false;
    for (const Derived& d : p.derived_) {
      if (d.dim >= split && d.min_dim < split) return false;
    }
    return true;
  }

  // Pre-renders the keys of the longest run of trailing dims that fits the key budget.
  base::Status choose_split() {
    PointPlan& p = *plan_;
    const size_t d_count = p.dims_.size();
    size_t split = d_count;
    uint64_t count = 1;
    size_t entry = p.key_parts_[d_count].lit.size();
    uint64_t budget = std::min<uint64_t>(options_.key_budget_bytes, std::numeric_limits<uint32_t>::max());
    for (size_t j = d_count; j-- > 0;) {
      uint64_t c, bound;
      if (mul_overflows(count, p.dims_[j].count, &c)) break;
      size_t e = entry + p.key_parts_[j].lit.size() + p.dims_[j].max_bytes;
      if (mul_overflows(c, e + 4, &bound) || bound > budget) break;
      split = j;
      count = c;
      entry = e;
    }
    if (!valid_split(split)) {
      while (split < d_count && !valid_split(split)) ++split;
      count = 1;
      entry = p.key_parts_[d_count].lit.size();
      for (size_t j = split; j < d_count; ++j) {
        count *= p.dims_[j].count;
        entry += p.key_parts_[j].lit.size() + p.dims_[j].max_bytes;
      }
    }
    p.split_ = split;
    p.suffix_count_ = count;
    std::string bytes(count * entry, '\0');
    p.suffix_off_.reserve(count + 1);
    p.suffix_off_.push_back(0);
    uint64_t digits[kMaxTagTemplates] = {};
    char* out = bytes.data();
    for (uint64_t e = 0; e < count; ++e) {
      for (size_t d = split; d < d_count; ++d) {
        out = put_str(out, p.key_parts_[d].lit);
        out = p.write_dim(d, digits, out);
      }
      out = put_str(out, p.key_parts_[d_count].lit);
      p.suffix_off_.push_back(static_cast<uint32_t>(out - bytes.data()));
      for (size_t d = d_count; d-- > split;) {
        if (++digits[d] < p.dims_[d].count) break;
        digits[d] = 0;
      }
    }
    bytes.resize(out - bytes.data() + kKeyPad);  // put_chunks() reads whole 32-byte chunks
    p.suffix_bytes_ = std::move(bytes);
    return base::Status::ok();
  }

  void close_run(std::vector<RunPiece>* run, bool last) {
    PointPlan& p = *plan_;
    if (!last && run->size() == 1 && run->front().text.empty()) return;
    p.ops_.push_back({false, static_cast<uint32_t>(p.runs_.size())});
    p.runs_.push_back(std::move(*run));
    run->assign(1, RunPiece{});
  }

  base::Status build_fields() {
    PointPlan& p = *plan_;
    std::vector<RunPiece> run(1);
    for (size_t i = 0; i < stmt_.fields.size(); ++i) {
      const parser::KeyValue& f = stmt_.fields[i];
      p.field_keys_raw_.push_back(lp_unescape(f.key, LpPlace::kKey));
      std::string pre = (i == 0 ? " " : ",") + f.key + "=";
      // The parser gives a field one segment; literal pieces are joined regardless.
      parser::Segment joined;
      for (const parser::Segment& seg : f.value) joined.literal += seg.literal;
      const parser::Segment& pv = f.value.size() == 1 ? f.value.front() : joined;
      std::string what = "field '" + f.key + "'";
      if (pv.kind == parser::Segment::Kind::kLiteral) {
        run.back().text += pre + pv.literal;
        field_bytes_ += pre.size() + pv.literal.size();
        p.shaped_fields_.push_back({ShapedField::Kind::kText, pre + pv.literal, "", 0});
        continue;
      }
      const bool is_gen = pv.kind == parser::Segment::Kind::kGenerator;
      const parser::Generator& gen = pv.generator;
      bool is_str = !is_gen || gen.type == parser::ValueType::kStr;
      std::string quote = is_str && is_gen ? "\"" : "";
      std::string post = is_gen && gen.type == parser::ValueType::kInt ? "i" : quote;
      if (is_gen && gen.per_series()) {
        if (p.series_fields_->size() == kMaxFieldTemplates)  // render_shaped's ints[] holds them
          return base::Status::error(what + ": more than " + std::to_string(kMaxFieldTemplates) +
                                     " walk, counter and normal field templates");
        size_t index = 0;
        base::Status s = p.series_fields_->add(gen, next_key(), pre, post, &index);
        if (!s) return base::Status::error(what + ": " + s.message());
        p.shaped_fields_.push_back({ShapedField::Kind::kSeries, "", "", static_cast<uint32_t>(index),
                                    p.series_fields_->integer(index)});
        field_bytes_ += p.series_fields_->max_chars(index);
        p.shaped_ = true;
        continue;
      }
      if (is_gen && gen.count == 0) {
        ValueGen g;
        base::Status s = ValueGen::create(gen, next_key(), &g);
        if (!s) return base::Status::error(what + ": " + s.message());
        p.shaped_fields_.push_back({ShapedField::Kind::kUnbounded, pre + quote, post,
                                    static_cast<uint32_t>(p.unbounded_.size())});
        run.back().text += pre + quote;
        run.back().gen = static_cast<int>(p.unbounded_.size());
        run.push_back(RunPiece{post, -1});
        field_bytes_ += pre.size() + quote.size() + g.max_chars() + post.size();
        p.unbounded_.push_back(g);
        continue;
      }
      if (p.cycles_.size() == kMaxFieldTemplates)
        return base::Status::error(what + ": more than " + std::to_string(kMaxFieldTemplates) +
                             " field templates with a count");
      Values v;
      v.pre = pre + quote;
      v.post = post;
      if (!is_gen) {  // a list
        v.pre = pre;
        v.post.clear();
      }
      base::Status s = make_values(pv, is_str ? LpPlace::kStringField : LpPlace::kKey, what, &v);
      if (!s) return s;
      field_bytes_ += v.max_bytes;
      p.shaped_fields_.push_back(
          {ShapedField::Kind::kCycle, "", "", static_cast<uint32_t>(p.cycles_.size())});
      close_run(&run, false);
      p.ops_.push_back({true, static_cast<uint32_t>(p.cycles_.size())});
      p.cycles_.push_back(std::move(v));
    }
    close_run(&run, true);
    return base::Status::ok();
  }

  const parser::InsertStmt& stmt_;
  const PlanOptions& options_;
  PointPlan* plan_;
  uint64_t template_id_ = 0;
  bool churn_ = false;
  size_t key_bytes_ = 0;
  size_t field_bytes_ = 0;
};

PlanOptions plan_options(const parser::Settings& settings, uint64_t seed, int64_t start_unix_ns) {
  PlanOptions o;
  o.start_unix_ns = start_unix_ns;
  o.unit_ns = parser::precision_nanos(settings.precision);
  o.seed = seed;
  o.shape = settings.data;
  return o;
}

base::Status PointPlan::create(const parser::InsertStmt& stmt, const PlanOptions& options,
                               std::shared_ptr<const PointPlan>* out) {
  std::shared_ptr<PointPlan> plan(new PointPlan());
  base::Status s = Builder(stmt, options, plan.get()).build();
  if (!s) return base::Status::error("INSERT " + stmt.name + ": " + s.message());
  *out = std::move(plan);
  return base::Status::ok();
}

}  // namespace stressql::generator
