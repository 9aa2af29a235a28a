#include "statements/insert_plan_builder.h"

namespace stressql::statements {

namespace {

// Same table as parser::precision_nanos(); kept local so plan building does not wait on
// the parser's settings code. TODO: use parser::precision_nanos once it has landed.
int64_t unit_nanos(parser::Precision p) {
  switch (p) {
    case parser::Precision::kNanoseconds: return 1;
    case parser::Precision::kMicroseconds: return 1'000;
    case parser::Precision::kMilliseconds: return 1'000'000;
    case parser::Precision::kSeconds: return 1'000'000'000;
    case parser::Precision::kMinutes: return 60'000'000'000;
    case parser::Precision::kHours: return 3'600'000'000'000;
  }
  return 1'000'000'000;
}

engine::GenSpec gen_spec(const parser::Generator& g) {
  engine::GenSpec s;
  switch (g.type) {
    case parser::ValueType::kInt: s.type = engine::GenType::kInt; break;
    case parser::ValueType::kFloat: s.type = engine::GenType::kFloat; break;
    case parser::ValueType::kStr: s.type = engine::GenType::kStr; break;
  }
  s.fn = g.fn == parser::ValueFn::kInc ? engine::GenFn::kInc : engine::GenFn::kRand;
  s.arg = g.arg;
  s.count = g.count;
  return s;
}

engine::PlanValue plan_value(const parser::Segment& seg) {
  engine::PlanValue v;
  switch (seg.kind) {
    case parser::Segment::Kind::kLiteral:
      v.kind = engine::PlanValue::Kind::kLiteral;
      v.literal = seg.literal;
      break;
    case parser::Segment::Kind::kGenerator:
      v.kind = engine::PlanValue::Kind::kGen;
      v.gen = gen_spec(seg.generator);
      break;
    case parser::Segment::Kind::kList:
      v.kind = engine::PlanValue::Kind::kList;
      v.items = seg.list.items;
      break;
  }
  return v;
}

}  // namespace

engine::PlanSpec insert_plan_spec(const parser::InsertStmt& stmt, const parser::Settings& settings,
                                  uint64_t seed, int64_t start_unix_ns) {
  engine::PlanSpec spec;
  spec.measurement = stmt.measurement;
  for (const parser::KeyValue& kv : stmt.tags) {
    engine::PlanTag tag;
    tag.key = kv.key;
    for (const parser::Segment& seg : kv.value) tag.value.push_back(plan_value(seg));
    spec.tags.push_back(std::move(tag));
  }
  for (const parser::KeyValue& kv : stmt.fields) {
    engine::PlanField field;
    field.key = kv.key;
    // The parser guarantees one segment; several literal pieces are joined regardless.
    if (kv.value.size() == 1) {
      field.value = plan_value(kv.value.front());
    } else {
      for (const parser::Segment& seg : kv.value) field.value.literal += seg.literal;
    }
    spec.fields.push_back(std::move(field));
  }
  spec.points = stmt.count > 0 ? static_cast<uint64_t>(stmt.count) : 0;
  spec.start_unix_ns = start_unix_ns;
  spec.interval_ns = stmt.interval_ns;
  spec.unit_ns = unit_nanos(settings.precision);
  spec.seed = seed;
  return spec;
}

engine::Status build_insert_plan(const parser::InsertStmt& stmt, const parser::Settings& settings,
                                 uint64_t seed, int64_t start_unix_ns,
                                 std::shared_ptr<const engine::PointPlan>* out) {
  engine::Status s =
      engine::PointPlan::create(insert_plan_spec(stmt, settings, seed, start_unix_ns), out);
  if (!s) return engine::Status::error("INSERT " + stmt.name + ": " + s.message());
  return s;
}

}  // namespace stressql::statements
