#include "results/influxql_answer.h"

namespace stressql::results {
namespace {

using nlohmann::json;

const json& empty_object() {
  static const json kEmpty = json::object();
  return kEmpty;
}

std::string where(uint64_t row) { return "row " + std::to_string(row) + " of the answer"; }
// Where in the answer a malformed part starts.
std::string after(uint64_t rows) { return rows == 0 ? "at its start" : "after row " + std::to_string(rows); }

}  // namespace

const json* QueryRow::find(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    const json& c = columns_[i];
    if (c.is_string() && c.get_ref<const std::string&>() == name) {
      const json& v = values_[i];
      return v.is_null() ? nullptr : &v;
    }
  }
  if (auto it = tags_.find(name); it != tags_.end() && !it->is_null()) return &*it;
  return nullptr;
}

int64_t QueryRow::integer(std::string_view name, int64_t absent) const {
  const json* v = find(name);
  return v != nullptr && v->is_number() ? v->get<int64_t>() : absent;
}

double QueryRow::real(std::string_view name, double absent) const {
  const json* v = find(name);
  return v != nullptr && v->is_number() ? v->get<double>() : absent;
}

std::string QueryRow::text(std::string_view name) const {
  const json* v = find(name);
  return v != nullptr && v->is_string() ? v->get<std::string>() : "";
}

bool QueryRow::flag(std::string_view name) const {
  const json* v = find(name);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

std::map<std::string, json> QueryRow::to_map() const {
  std::map<std::string, json> out;
  for (const auto& [k, v] : tags_.items()) {
    if (!v.is_null()) out[k] = v;
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].is_string() && !values_[i].is_null()) out[columns_[i].get<std::string>()] = values_[i];
  }
  return out;
}

base::Status walk_influxql_answer(std::string_view text, const RowVisitor& visit, uint64_t* rows) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return base::Status::error("the answer is not InfluxDB query JSON (not JSON " + after(*rows) + ")");
  }
  if (auto e = j.find("error"); e != j.end()) {  // the whole query failed (bad syntax, …)
    return base::Status::error(e->is_string() ? e->get<std::string>() : e->dump());
  }
  auto results = j.find("results");
  if (results == j.end() || !results->is_array()) {
    return base::Status::error("the answer is not InfluxDB query JSON (no \"results\" " + after(*rows) + ")");
  }
  for (const json& result : *results) {
    if (!result.is_object()) return base::Status::error("a result " + after(*rows) + " is not an object");
    if (auto e = result.find("error"); e != result.end()) {
      return base::Status::error(e->is_string() ? e->get<std::string>() : e->dump());
    }
    auto series = result.find("series");
    if (series == result.end()) continue;  // no rows
    if (!series->is_array()) return base::Status::error("\"series\" " + after(*rows) + " is not an array");
    for (const json& s : *series) {
      auto columns = s.find("columns");
      auto values = s.find("values");
      if (!s.is_object() || columns == s.end() || !columns->is_array()) {
        return base::Status::error("a series " + after(*rows) + " has no \"columns\"");
      }
      if (values == s.end() || !values->is_array()) {
        return base::Status::error("a series " + after(*rows) + " has no \"values\"");
      }
      auto tags = s.find("tags");
      const json& tag_object = tags != s.end() && tags->is_object() ? *tags : empty_object();
      for (const json& v : *values) {
        ++*rows;
        if (!v.is_array() || v.size() != columns->size()) {
          return base::Status::error(where(*rows) + " does not have the " + std::to_string(columns->size()) +
                                     " values of its columns: " + v.dump().substr(0, 200));
        }
        if (base::Status st = visit(QueryRow(tag_object, *columns, v, *rows)); !st) return st;
      }
    }
  }
  return base::Status::ok();
}

bool ChunkedAnswer::feed(std::string_view bytes) {
  if (!status_) return false;
  while (!bytes.empty()) {
    const size_t eol = bytes.find('\n');
    if (eol == std::string_view::npos) {
      pending_.append(bytes);
      break;
    }
    if (pending_.empty()) {
      walk_chunk(bytes.substr(0, eol));
    } else {
      pending_.append(bytes.substr(0, eol));
      walk_chunk(pending_);
      pending_.clear();
    }
    if (!status_) return false;
    bytes.remove_prefix(eol + 1);
  }
  return true;
}

base::Status ChunkedAnswer::finish() {
  if (status_ && !pending_.empty()) walk_chunk(pending_);
  pending_.clear();
  if (status_ && chunks_ == 0) status_ = base::Status::error("the answer is empty");
  return status_;
}

void ChunkedAnswer::walk_chunk(std::string_view chunk) {
  if (chunk.find_first_not_of(" \t\r") == std::string_view::npos) return;  // a blank line
  ++chunks_;
  status_ = walk_influxql_answer(chunk, visit_, &rows_);
  if (!status_) status_ = base::Status::error("chunk " + std::to_string(chunks_) + ": " + status_.message());
}

}  // namespace stressql::results
