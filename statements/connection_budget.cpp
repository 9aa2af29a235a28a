#include "statements/connection_budget.h"

#include <algorithm>
#include <type_traits>
#include <variant>

#include "engine/descriptor_limit.h"

namespace stressql::statements {

uint64_t peak_connections(const parser::Script& script, parser::Settings settings,
                          const generator::Shard& shard) {
  uint64_t background = 0;  // GO statements since the last WAIT
  uint64_t peak = 0;
  for (const parser::Statement& st : script.statements) {
    uint64_t connections = 0;
    std::visit(
        [&](const auto& b) {
          using T = std::decay_t<decltype(b)>;
          if constexpr (std::is_same_v<T, parser::SetStmt>) {
            std::string error;
            parser::apply_setting(b.name, b.value, &settings, &error);  // validated by the parser
          } else if constexpr (std::is_same_v<T, parser::WaitStmt>) {
            background = 0;
          } else if constexpr (std::is_same_v<T, parser::InsertStmt>) {
            connections = shard.concurrency(static_cast<uint32_t>(settings.write_concurrency));
          } else if constexpr (std::is_same_v<T, parser::QueryStmt>) {
            connections = shard.concurrency(static_cast<uint32_t>(settings.query_concurrency));
          } else if constexpr (std::is_same_v<T, parser::InfluxQLStmt>) {
            connections = 1;
          }
        },
        st.body);
    peak = std::max(peak, background + connections);
    if (st.go) background += connections;
  }
  return peak;
}

std::string check_descriptor_limit(const parser::Script& script, const parser::Settings& settings,
                                   const generator::Shard& shard) {
  const uint64_t peak = peak_connections(script, settings, shard);
  std::string error = engine::check_connection_budget(peak, engine::descriptor_limit());
  if (!error.empty()) {
    error = "the script holds up to " + std::to_string(peak) + " connections at once, " + error;
  }
  return error;
}

}  // namespace stressql::statements
