#pragma once
// PointPlan: an INSERT compiled into pre-rendered line-protocol pieces, so that a point
// costs a few memcpys, not a formatter call. Built once on the control thread, then shared
// read-only by every reactor, each rendering its own share of the points straight into its
// send buffer.
//
// Invariants:
//  - Immutable after create(); every const method is thread-safe and allocation-free
//    except the query accessors that return std::string.
//  - render(k, …) is a pure function of (plan, k): any split of the points gives the same
//    bytes as one renderer.
//  - Point k: series k mod S, timestamp index t = floor(k / S). Series enumerate the tag
//    templates like nested loops, the last one fastest. Field templates with a count
//    advance per point (value k mod count); unbounded ones per timestamp (value t).
//
// Realistic data (SPEC §7.2): walk/counter/normal field templates, `per` tags, and the
// MissingPoints / MissingFields / Disorder / Churn settings make a plan "shaped": it renders
// line by line through render_shaped() (point_plan_shaped.cpp), still a pure function of k
// (per-series memos, generator/series_fields.h, never change a value). Position k of the
// grid (series k mod S, row floor(k / S)) then emits the point of series s at timestamp
// index t = disorder(s, row): Disorder permutes each series' timestamps inside blocks of
// floor(within / interval) + 1 of them (held points move to the block's end). The emitted
// point is left out (skipped) with probability MissingPoints; each of its fields with
// probability MissingFields (one always stays). Churn renames dimension 0's values as t
// advances (see churn()).
//
// Memory: series keys are pre-rendered for the longest run of trailing tag templates
// whose keys fit `key_budget_bytes` (default 64 MiB): all of them for ordinary scripts.
// The remaining leading templates form a key prefix rendered on the fly, once per change,
// into the output itself and copied from there. Value tables with a count are
// pre-rendered when they fit `table_budget_bytes` (default 16 MiB each), else each value
// is generated when used. So a plan holds at most 64 MiB + 16 MiB per template.
//

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "generator/series_fields.h"
#include "generator/value_gen.h"
#include "parser/script.h"
#include "parser/settings.h"

namespace stressql::generator {

constexpr size_t kDefaultKeyBudgetBytes = size_t{64} << 20;
constexpr size_t kDefaultTableBudgetBytes = size_t{16} << 20;
constexpr size_t kMaxTagTemplates = 64;
constexpr size_t kMaxFieldTemplates = 256;

// What an INSERT statement leaves to the run: where its time starts, the timestamp unit,
// the seed of its random templates, and the memory budgets (see above).
struct PlanOptions {
  int64_t start_unix_ns = 0;
  int64_t unit_ns = 1'000'000'000;  // timestamps are written in this unit (floored)
  uint64_t seed = 0;
  size_t key_budget_bytes = kDefaultKeyBudgetBytes;
  size_t table_budget_bytes = kDefaultTableBudgetBytes;
  parser::DataShape shape;  // SPEC §7.2 MissingPoints, MissingFields, Disorder, Churn
};

// The options of an INSERT run under `settings` (Precision is the timestamp unit);
// `start_unix_ns` is the resolved StartDate (the caller turns `now` into a time), `seed`
// keys every random template: the same seed gives the same bytes.
PlanOptions plan_options(const parser::Settings& settings, uint64_t seed, int64_t start_unix_ns);

class PointPlan {
 public:
  // Compiles `stmt` (SPEC §3) and renders the tables. Control thread; may take a while for
  // big templates (bounded by the budgets). Fails, naming the INSERT and the tag or field,
  // when a template cannot be generated (a tag template without a count, rand(n) with
  // n < 1, more distinct values than the range holds, …).
  static base::Status create(const parser::InsertStmt& stmt, const PlanOptions& options,
                             std::shared_ptr<const PointPlan>* out);

  PointPlan(const PointPlan&) = delete;
  PointPlan& operator=(const PointPlan&) = delete;
  ~PointPlan();

  uint64_t points() const { return points_; }
  uint64_t series() const { return series_; }
  // Upper bound of one rendered line, '\n' included.
  size_t max_line_bytes() const { return max_line_bytes_; }

  // Writes points [first, first + n) at dst, one line each ending in '\n'. Returns the
  // bytes written. REQUIRES: dst has n * max_line_bytes() bytes of room. Any k is valid
  // (points() is only what the INSERT asked for).
  // *lines (when given) gets the lines written: n less the points left out (MissingPoints).
  size_t render(uint64_t first, uint64_t n, char* dst, uint64_t* lines = nullptr) const;

  // ---- SPEC §7.2 ----
  // Renders through the shaped path (walk/counter/normal fields, or a data-shape setting).
  bool shaped() const { return shaped_; }
  // Bytes of per-series state held by walk and counter templates (zero pages included).
  size_t state_bytes() const;
  // Whether point k (its grid position) is left out by MissingPoints.
  bool skipped(uint64_t k) const;
  // Points left out among positions [first, first + n).
  uint64_t skipped_in(uint64_t first, uint64_t n) const;

  // ---- Query variables (raw text: line-protocol escapes removed) ----
  const std::string& measurement() const { return measurement_raw_; }
  size_t field_count() const { return field_keys_raw_.size(); }
  const std::string& field_key(size_t i) const { return field_keys_raw_[i]; }
  size_t tag_count() const { return tag_keys_raw_.size(); }
  const std::string& tag_key(size_t i) const { return tag_keys_raw_[i]; }
  // The value of tag i in point k, as render() writes it (Churn's names included).
  // REQUIRES: i < tag_count().
  std::string tag_value(uint64_t k, size_t i) const;
  // Point k's timestamp as written, in nanoseconds.
  int64_t timestamp_ns(uint64_t k) const { return timestamp_units(k / series_) * unit_ns_; }

  // For tests and the report: how many leading tag templates are rendered on the fly
  // (0: every series key is pre-rendered), and the bytes held by pre-rendered keys.
  size_t keys_on_the_fly_dims() const { return split_; }
  size_t prerendered_key_bytes() const { return suffix_bytes_.size(); }

 private:
  struct Values;
  struct KeyPart;
  struct RunPiece;
  struct FieldOp;
  struct TagPiece;
  struct Cursor;
  struct Derived;
  struct ShapedField;
  struct Shape;
  class Builder;

  PointPlan();
  int64_t timestamp_units(uint64_t t) const;
  void start_cursor(uint64_t k, Cursor* c) const;
  char* write_prefix(const Cursor& c, char* dst) const;
  // REQUIRES: split_ > 0. The prefix of the cursor's line, rendered or copied.
  char* write_line_prefix(Cursor* c, char* dst) const;
  void advance_series(Cursor* c) const;
  char* render_first_line(uint64_t t, Cursor* c, char* dst) const;
  char* render_next_line(Cursor* c, char* dst) const;
  // Shaped path (point_plan_shaped.cpp).
  size_t render_shaped(uint64_t first, uint64_t n, char* dst, uint64_t* lines) const;
  // A shaped line's field `sf` other than an integer per-series one, its separator first.
  char* write_field(const ShapedField& sf, uint64_t point, uint64_t s, uint64_t idh, uint64_t t,
                    const SeriesFields::Life& life, char* out) const;
  uint64_t disorder_source(uint64_t s, uint64_t row) const;
  // Churn: dimension 0's value index for digit j at timestamp index t, its birth and the
  // timestamp index that replaces it.
  uint64_t churn(uint64_t j, uint64_t t, uint64_t* birth, uint64_t* death) const;
  // The value of dims_[d] (a derived `per` dim, or an ordinary one) under `values`, the
  // value index of every dim (digits, or churned for dim 0).
  char* write_dim(size_t d, const uint64_t* values, char* dst) const;
  uint64_t derived_index(size_t derived, const uint64_t* values) const;
  // FNV-1a of tag i's raw value under `values`, continued from h.
  uint64_t hash_tag(size_t tag, const uint64_t* values, uint64_t h) const;
  // Appends the raw (unescaped) value of dims_[d] to *out.
  void raw_dim(size_t d, const uint64_t* values, std::string* out) const;

  uint64_t points_ = 0;
  uint64_t series_ = 1;
  int64_t start_unix_ns_ = 0;
  int64_t interval_ns_ = 0;
  int64_t unit_ns_ = 1;
  size_t max_line_bytes_ = 0;

  // Series key = parts[0].lit dim0 parts[1].lit dim1 … parts[D].lit.
  std::vector<Values> dims_;
  std::vector<KeyPart> key_parts_;  // D + 1 entries
  size_t split_ = 0;                // dims [0, split_) form the on-the-fly prefix
  uint64_t suffix_count_ = 1;       // product of the radices of dims [split_, D)
  std::string suffix_bytes_;        // pre-rendered key suffixes, back to back
  std::vector<uint32_t> suffix_off_;

  // Fields in written order: per-point cycles and per-timestamp runs. The last run ends
  // with the timestamp and '\n'.
  std::vector<Values> cycles_;
  std::vector<std::vector<RunPiece>> runs_;
  std::vector<ValueGen> unbounded_;
  std::vector<FieldOp> ops_;

  std::string measurement_raw_;
  std::vector<std::string> tag_keys_raw_;
  std::vector<std::string> field_keys_raw_;
  std::vector<std::vector<TagPiece>> tag_pieces_;

  // SPEC §7.2.
  bool shaped_ = false;
  std::vector<Derived> derived_;
  std::vector<ShapedField> shaped_fields_;
  std::unique_ptr<SeriesFields> series_fields_;
  std::unique_ptr<Shape> shape_;
};

}  // namespace stressql::generator
