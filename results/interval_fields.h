#pragma once
// The fields of the `interval` and `interval_failures` results rows (SPEC §5), each named
// once: ResultsRows::add_interval writes them and `stressql report` reads them back from
// these lists, so a member of IntervalRecord listed here travels both ways.

#include <cstdint>
#include <string>

#include "stats/interval_stats.h"

namespace stressql::results {

// Calls f(name, get) for every field of the `interval` row, in row order; get(record) is a
// reference to the member (const when the record is). Every field is an integer.
template <class F>
void for_each_interval_field(F&& f) {
  f("second", [](auto& r) -> auto& { return r.second; });
  f("requests", [](auto& r) -> auto& { return r.requests; });
  f("points_accepted", [](auto& r) -> auto& { return r.points_accepted; });
  f("failures", [](auto& r) -> auto& { return r.failures; });
  f("retries", [](auto& r) -> auto& { return r.retries; });
  f("from_due_p50_ns", [](auto& r) -> auto& { return r.from_due_p50; });
  f("from_due_p99_ns", [](auto& r) -> auto& { return r.from_due_p99; });
  f("from_due_max_ns", [](auto& r) -> auto& { return r.from_due_max; });
  f("from_send_p50_ns", [](auto& r) -> auto& { return r.from_send_p50; });
  f("from_send_p99_ns", [](auto& r) -> auto& { return r.from_send_p99; });
  f("from_send_max_ns", [](auto& r) -> auto& { return r.from_send_max; });
}

// One `interval_failures` row: the failures of one class in one second of a statement.
struct IntervalFailures {
  int32_t second = 0;
  std::string failure_class;  // a tag of the row
  uint32_t failures = 0;
};

// As for_each_interval_field, for the `interval_failures` row; `tag` is true for the tag.
template <class F>
void for_each_interval_failures_field(F&& f) {
  f("failure_class", /*tag=*/true, [](auto& r) -> auto& { return r.failure_class; });
  f("second", /*tag=*/false, [](auto& r) -> auto& { return r.second; });
  f("failures", /*tag=*/false, [](auto& r) -> auto& { return r.failures; });
}

}  // namespace stressql::results
