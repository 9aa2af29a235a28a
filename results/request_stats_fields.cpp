#include "results/request_stats_fields.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "results/results_rows.h"

namespace stressql::results {

std::string request_stats_fields(const stats::RequestStats& delta) {
  std::string out;
  for_each_request_stats_field([&](const char* name, auto get) {
    if (!out.empty()) out += ',';
    out += name;
    out += '=';
    out += std::to_string(static_cast<int64_t>(get(delta)));
    out += 'i';
  });
  // The histograms' text is digits and ";:,": nothing to escape.
  for_each_request_stats_histogram([&](const char* name, auto get) {
    const stats::Histogram& h = get(delta);
    if (h.count() == 0) return;
    out += std::string(",") + name + "=\"" + h.encode_text() + '"';
  });
  if (!delta.failures.empty()) {
    nlohmann::json failures = nlohmann::json::object();
    for (const auto& [what, n] : delta.failures) failures[what] = n;
    out += ",failures=\"" + escape_field_string(failures.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + '"';
  }
  if (!delta.statuses.empty()) {
    nlohmann::json statuses = nlohmann::json::object();
    for (const auto& [status, n] : delta.statuses) statuses[std::to_string(status)] = n;
    out += ",statuses=\"" + escape_field_string(statuses.dump()) + '"';
  }
  return out;
}

std::string request_stats_select() {
  std::string q = "SELECT statement_id, \"shard\"";
  auto add = [&](const char* name, auto&&...) { q += std::string(", \"") + name + "\""; };
  for_each_request_stats_field(add);
  for_each_request_stats_histogram(add);
  return q + ", \"failures\", \"statuses\" FROM \"request_stats\"";
}

base::Status add_request_stats_row(const QueryRow& row, stats::RequestStats* stats, stats::RequestStats* scratch) {
  auto bad = [&](const std::string& field, const std::string& why) {
    return base::Status::error("request_stats row " + std::to_string(row.number()) + " (statement " +
                               row.text("statement_id") + "): its " + field + " " + why);
  };
  scratch->reset();  // its histograms stay empty: they are added to *stats directly
  for_each_request_stats_field([&](const char* name, auto get) {
    using T = std::remove_reference_t<decltype(get(*scratch))>;
    get(*scratch) = static_cast<T>(row.integer(name));
  });
  base::Status status = base::Status::ok();
  for_each_request_stats_histogram([&](const char* name, auto get) {
    if (!status) return;
    const nlohmann::json* v = row.find(name);
    if (v == nullptr) return;  // no value in that histogram
    if (!v->is_string()) {
      status = bad(std::string(name) + " histogram", "is not a string");
      return;
    }
    std::string why;
    if (!get(*stats).merge_text(v->get_ref<const std::string&>(), &why)) {
      status = bad(std::string(name) + " histogram", "does not decode: " + why);
    }
  });
  if (!status) return status;
  // A JSON object of counts by key; `key` turns each key into the map's.
  auto read_map = [&](const char* name, auto key, auto* out) -> base::Status {
    const nlohmann::json* v = row.find(name);
    if (v == nullptr) return base::Status::ok();
    const nlohmann::json j = v->is_string() ? nlohmann::json::parse(v->get_ref<const std::string&>(), nullptr, false)
                                            : nlohmann::json();
    if (!j.is_object()) return bad(name, "is not a JSON object of counts");
    for (const auto& [k, n] : j.items()) {
      if (!n.is_number_unsigned()) return bad(name, "has a count that is not a number: " + k);
      if (!key(k, out, n.template get<uint64_t>())) return bad(name, "has a key that is not a status: " + k);
    }
    return base::Status::ok();
  };
  status = read_map(
      "failures",
      [](const std::string& k, std::map<std::string, uint64_t>* m, uint64_t n) {
        (*m)[k] += n;
        return true;
      },
      &scratch->failures);
  if (!status) return status;
  status = read_map(
      "statuses",
      [](const std::string& k, std::map<int, uint64_t>* m, uint64_t n) {
        int code = 0;
        auto [ptr, ec] = std::from_chars(k.data(), k.data() + k.size(), code);
        if (ec != std::errc() || ptr != k.data() + k.size()) return false;
        (*m)[code] += n;
        return true;
      },
      &scratch->statuses);
  if (!status) return status;
  stats->merge(*scratch);
  return base::Status::ok();
}

}  // namespace stressql::results
