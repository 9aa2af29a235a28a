#pragma once
// What `stressql find-max` prints and writes: one line per step, the final verdict, and the
// JSON document (every step with its full run report, intervals included).

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "statements/find_max.h"

namespace stressql::cli {

// The table's header line and one step's line, each ending in "\n".
std::string step_header();
std::string step_line(const statements::StepResult& step, parser::Rate::Unit unit);

// The lines after the table: "Max sustainable rate: …" and what limits the answer.
std::string verdict(const statements::FindMax& search, const statements::FindMaxOptions& fm);

// The whole search for --json (and, later, the HTML report). `settings`: what the user asked.
nlohmann::json find_max_json(const statements::FindMax& search, const statements::FindMaxOptions& fm,
                             const nlohmann::json& settings);

}  // namespace stressql::cli
