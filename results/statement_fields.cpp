#include "results/statement_fields.h"

#include <cstdint>

namespace stressql::results {
namespace {

void read_value(const nlohmann::json& v, std::string* out) {
  if (v.is_string()) *out = v.get<std::string>();
}
void read_value(const nlohmann::json& v, bool* out) {
  if (v.is_boolean()) *out = v.get<bool>();
}
void read_value(const nlohmann::json& v, double* out) {
  if (v.is_number()) *out = v.get<double>();
}
// Integers come back as JSON numbers; a float column (a damaged row) is cut, not refused.
template <class Int>
void read_int(const nlohmann::json& v, Int* out) {
  if (v.is_number()) *out = static_cast<Int>(v.get<int64_t>());
}
void read_value(const nlohmann::json& v, int* out) { read_int(v, out); }
void read_value(const nlohmann::json& v, int64_t* out) { read_int(v, out); }
void read_value(const nlohmann::json& v, uint64_t* out) { read_int(v, out); }
void read_value(const nlohmann::json& v, stats::StatementKind* out) {
  if (!v.is_string()) return;
  for (stats::StatementKind k : {stats::StatementKind::kSet, stats::StatementKind::kInsert, stats::StatementKind::kQuery,
                          stats::StatementKind::kExec, stats::StatementKind::kInfluxQL, stats::StatementKind::kWait}) {
    if (v.get<std::string>() == stats::kind_name(k)) *out = k;
  }
}

}  // namespace

bool statement_field_written(StatementFieldWhen when, const stats::StatementReport& r) {
  switch (when) {
    case StatementFieldWhen::kTag:
      return false;
    case StatementFieldWhen::kAlways:
      return true;
    case StatementFieldWhen::kRated:
      return r.rate.open_loop();
    case StatementFieldWhen::kApi:
      return !r.api.empty();
  }
  return false;
}

void statement_from_row(const ResultsRow& row, stats::StatementReport* r) {
  for_each_statement_field([&](const char* name, StatementFieldWhen, auto get) {
    auto it = row.find(name);
    if (it != row.end()) read_value(it->second, &get(*r));  // null (not in this row): skipped
  });
}

void copy_statement_fields(const stats::StatementReport& from, stats::StatementReport* to) {
  for_each_statement_field([&](const char*, StatementFieldWhen, auto get) { get(*to) = get(from); });
}

}  // namespace stressql::results
