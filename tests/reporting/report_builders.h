#pragma once
// Statement reports of an exact shape, for the tests and benchmarks of results rows.

#include <cstdint>
#include <string>

#include "reporting/statement_report.h"

namespace stressql::reporting::testing {

// An INSERT as a two-address, 16-writer, 5000-point-batch run leaves it.
inline StatementReport insert_statement(std::string name, uint64_t points_requested) {
  StatementReport st;
  st.id = "statement-3";
  st.name = std::move(name);
  st.kind = StatementKind::kInsert;
  st.number_targets = 2;
  st.precision = std::string(1, 's');  // a literal here trips gcc 12's -Wrestrict (a false positive)
  st.writers = 16;
  st.batch_size = 5000;
  st.write_interval_ns = 0;
  st.number_fields = 1;
  st.series = 30000;
  st.points_requested = points_requested;
  return st;
}

}  // namespace stressql::reporting::testing
