#pragma once
// The statements of a script that send requests (INSERT, QUERY, InfluxQL), each with the
// settings in effect where it stands: what the API choice and the server-metrics plan both
// walk before the run.

#include <variant>

#include "base/status.h"
#include "parser/script.h"
#include "parser/settings.h"

namespace stressql::statements {

// Applies the script's SETs in order from `initial` and calls
// `fn(index, statement, settings)` for each statement that sends; returns the first failing
// status `fn` returns, else ok. The script is parsed, so its SETs are valid.
template <typename Fn>
base::Status for_each_sending_statement(const parser::Script& script, const parser::Settings& initial, Fn fn) {
  parser::Settings s = initial;
  for (size_t i = 0; i < script.statements.size(); ++i) {
    const parser::Statement& st = script.statements[i];
    if (const auto* set = std::get_if<parser::SetStmt>(&st.body)) {
      std::string error;
      parser::apply_setting(set->name, set->value, &s, &error);  // validated by the parser
      continue;
    }
    const bool sends = std::holds_alternative<parser::InsertStmt>(st.body) ||
                       std::holds_alternative<parser::QueryStmt>(st.body) ||
                       std::holds_alternative<parser::InfluxQLStmt>(st.body);
    if (!sends) continue;
    if (base::Status status = fn(i, st, s); !status) return status;
  }
  return base::Status::ok();
}

}  // namespace stressql::statements
