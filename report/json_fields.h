#pragma once
// Tolerant reads of a JSON document stressql wrote (a saved --json report, compare or find-max
// document): a member that is missing or of another type reads as absent, so a page or a
// comparison can still be built from an older or partial file. One set, for every reader in
// reporting/.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace stressql::report {

inline std::optional<double> json_number(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? std::optional<double>(it->get<double>()) : std::nullopt;
}

// As an integer (nanoseconds, counts): exact beyond 2^53, where a double is not.
inline std::optional<int64_t> json_integer(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? std::optional<int64_t>(it->get<int64_t>()) : std::nullopt;
}

inline std::string json_text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

inline bool json_flag(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

// The strings of an array member; other elements are left out.
inline std::vector<std::string> json_texts(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const nlohmann::json& t : *it) {
    if (t.is_string()) out.push_back(t.get<std::string>());
  }
  return out;
}

}  // namespace stressql::report
