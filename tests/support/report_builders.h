#pragma once
// Statement reports of an exact shape, for the tests and benchmarks of results rows.

#include <cstdint>
#include <string>
#include <type_traits>

#include "results/statement_fields.h"
#include "stats/statement_report.h"

namespace stressql::stats::testing {

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

// Gives every field of the statement row a value of its own, none the default (strings
// with the characters line protocol escapes; kind kQuery).
inline void fill_every_field(StatementReport* r) {
  int n = 0;
  results::for_each_statement_field([&](const char*, results::StatementFieldWhen, auto get) {
    auto& v = get(*r);
    using T = std::decay_t<decltype(v)>;
    ++n;
    if constexpr (std::is_same_v<T, std::string>) {
      v = "v" + std::to_string(n) + " say \"hi\", a=b c:\\x";
    } else if constexpr (std::is_same_v<T, bool>) {
      v = !v;
    } else if constexpr (std::is_same_v<T, double>) {
      v = 0.1 + n;
    } else if constexpr (std::is_same_v<T, StatementKind>) {
      v = StatementKind::kQuery;
    } else {
      v = 1000 + n;
    }
  });
}

}  // namespace stressql::stats::testing
