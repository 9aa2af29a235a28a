#include "statements/barrier.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "net/http_client.h"
#include "net/results_endpoint.h"
#include "statements/http_target.h"

namespace stressql::statements {
namespace {

// One exchange with the results server; a barrier polls again rather than wait long.
constexpr std::chrono::milliseconds kExchangeLimit{5000};


}  // namespace

bool parse_arrivals(std::string_view json, uint32_t count, std::vector<bool>* arrived,
                    int64_t* latest_ns, std::string* error) {
  arrived->assign(count, false);
  *latest_ns = 0;
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("results") || !j["results"].is_array()) {
    *error = "the results server's answer is not InfluxDB query JSON";
    return false;
  }
  for (const auto& result : j["results"]) {
    if (result.contains("error")) {
      *error = result["error"].is_string() ? result["error"].get<std::string>() : "query error";
      return false;
    }
    for (const auto& series : result.value("series", nlohmann::json::array())) {
      const std::string shard = series.value("tags", nlohmann::json::object()).value("shard", "");
      uint32_t index = 0;
      auto [end, ec] = std::from_chars(shard.data(), shard.data() + shard.size(), index);
      if (ec != std::errc() || end != shard.data() + shard.size() || index >= count) continue;
      (*arrived)[index] = true;
      for (const auto& values : series.value("values", nlohmann::json::array())) {
        if (values.is_array() && !values.empty() && values[0].is_number_integer()) {
          *latest_ns = std::max(*latest_ns, values[0].get<int64_t>());
        }
      }
    }
  }
  return true;
}

std::string missing_shards_text(const std::vector<bool>& arrived) {
  constexpr size_t kListed = 20;
  std::string list;
  size_t missing = 0;
  for (size_t i = 0; i < arrived.size(); ++i) {
    if (arrived[i]) continue;
    if (++missing <= kListed) list += (list.empty() ? "" : ", ") + std::to_string(i);
  }
  if (missing > kListed) list += " and " + std::to_string(missing - kListed) + " more";
  return (missing == 1 ? "shard " : "shards ") + list + " of " + std::to_string(arrived.size());
}

Barrier::Barrier(net::ResultsEndpoint results, std::string test_id, generator::Shard shard)
    : results_(std::move(results)), test_id_(std::move(test_id)), shard_(shard) {}

base::Status Barrier::arrive(const std::string& name) {
  if (!database_ready_) {  // CREATE DATABASE is idempotent: every shard may send it
    const std::string failure = net::ensure_results_database(results_, kExchangeLimit);
    if (!failure.empty()) return base::Status::error("cannot create " + std::string(net::kResultsDatabase) + ": " + failure);
    database_ready_ = true;
  }
  const std::string row = "barrier,test_id=" + test_id_ + ",barrier=" + name +
                          ",shard=" + std::to_string(shard_.index) +
                          " shards=" + std::to_string(shard_.count) + "i " +
                          std::to_string(base::unix_ns()) + "\n";
  net::HttpReply r = net::write_results(results_, row, kExchangeLimit);
  if (r.status < 200 || r.status > 299) return base::Status::error("cannot post the barrier row: " + net::reply_error_text(r));
  return base::Status::ok();
}

base::Status Barrier::check(const std::string& name, bool* done, int64_t* release_ns,
                            std::string* missing) {
  const std::string q = "SELECT last(\"shards\") FROM \"barrier\" WHERE \"test_id\"='" + test_id_ +
                        "' AND \"barrier\"='" + name + "' GROUP BY \"shard\"";
  net::HttpReply r = net::query_results(results_, q, "", kExchangeLimit);
  if (r.status != 200) return base::Status::error("cannot read the barrier rows: " + net::reply_error_text(r));
  std::vector<bool> arrived;
  std::string error;
  if (!parse_arrivals(r.body, shard_.count, &arrived, release_ns, &error)) {
    return base::Status::error("cannot read the barrier rows: " + error);
  }
  *done = std::find(arrived.begin(), arrived.end(), false) == arrived.end();
  if (!*done) *missing = missing_shards_text(arrived);
  return base::Status::ok();
}

}  // namespace stressql::statements
