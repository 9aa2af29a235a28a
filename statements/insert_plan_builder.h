#pragma once
// Compiles an INSERT (SPEC §3) into the engine's PointPlan. Control thread, once per
// INSERT run; the plan is then shared read-only by the reactors.

#include <cstdint>
#include <memory>

#include "engine/point_plan.h"
#include "engine/status.h"
#include "parser/script.h"
#include "parser/settings.h"

namespace stressql::statements {

// Builds the plan for `stmt` under `settings` (Precision is the timestamp unit).
// `start_unix_ns` is the resolved StartDate (the caller turns `now` into a time); `seed`
// keys every random template, so the same seed gives the same bytes.
// Fails, naming the tag or field, when a template cannot be generated (a tag template
// without a count, rand(n) with n < 1, more distinct values than the range holds, …).
engine::Status build_insert_plan(const parser::InsertStmt& stmt, const parser::Settings& settings,
                                 uint64_t seed, int64_t start_unix_ns,
                                 std::shared_ptr<const engine::PointPlan>* out);

// The PlanSpec build_insert_plan() hands to PointPlan::create (for tests and tools that
// want other budgets).
engine::PlanSpec insert_plan_spec(const parser::InsertStmt& stmt, const parser::Settings& settings,
                                  uint64_t seed, int64_t start_unix_ns);

}  // namespace stressql::statements
