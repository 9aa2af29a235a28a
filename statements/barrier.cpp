#include "statements/barrier.h"

#include <algorithm>
#include <charconv>

#include "base/clock.h"
#include "net/http_client.h"
#include "results/influxql_answer.h"
#include "results/results_uploader.h"
#include "statements/http_target.h"

namespace stressql::statements {
namespace {

// One exchange with the results server; a barrier polls again rather than wait long.
constexpr std::chrono::milliseconds kExchangeLimit{5000};

std::string reply_error(const net::HttpReply& r) {
  return r.status ? "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 200) : r.error;
}

}  // namespace

bool parse_arrivals(std::string_view json, uint32_t count, std::vector<bool>* arrived,
                    int64_t* latest_ns, std::string* error) {
  arrived->assign(count, false);
  *latest_ns = 0;
  uint64_t rows = 0;
  base::Status st = results::walk_influxql_answer(json, [&](const results::QueryRow& row) {
    const std::string shard = row.text("shard");  // the GROUP BY tag
    uint32_t index = 0;
    auto [end, ec] = std::from_chars(shard.data(), shard.data() + shard.size(), index);
    if (ec != std::errc() || end != shard.data() + shard.size() || index >= count) return base::Status::ok();
    (*arrived)[index] = true;
    *latest_ns = std::max(*latest_ns, row.integer("time"));
    return base::Status::ok();
  }, &rows);
  if (!st) *error = st.message();
  return st.is_ok();
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

Barrier::Barrier(std::string host_port, std::string test_id, generator::Shard shard)
    : host_port_(std::move(host_port)), test_id_(std::move(test_id)), shard_(shard) {}

base::Status Barrier::arrive(const std::string& name) {
  if (!database_ready_) {  // CREATE DATABASE is idempotent: every shard may send it
    net::HttpReply r = net::http_request(
        host_port_, "POST", std::string("/query?q=CREATE%20DATABASE%20") + results::kResultsDatabase,
        "", "", kExchangeLimit);
    if (r.status != 200) return base::Status::error("cannot create " + std::string(results::kResultsDatabase) + ": " + reply_error(r));
    database_ready_ = true;
  }
  const std::string row = "barrier,test_id=" + test_id_ + ",barrier=" + name +
                          ",shard=" + std::to_string(shard_.index) +
                          " shards=" + std::to_string(shard_.count) + "i " +
                          std::to_string(base::unix_ns()) + "\n";
  net::HttpReply r = net::http_request(
      host_port_, "POST", std::string("/write?db=") + results::kResultsDatabase + "&precision=ns",
      row, "Content-Type: text/plain; charset=utf-8\r\n", kExchangeLimit);
  if (r.status != 204) return base::Status::error("cannot post the barrier row: " + reply_error(r));
  return base::Status::ok();
}

base::Status Barrier::check(const std::string& name, bool* done, int64_t* release_ns,
                            std::string* missing) {
  const std::string q = "SELECT last(\"shards\") FROM \"barrier\" WHERE \"test_id\"='" + test_id_ +
                        "' AND \"barrier\"='" + name + "' GROUP BY \"shard\"";
  net::HttpReply r = net::http_request(
      host_port_, "GET",
      std::string("/query?db=") + results::kResultsDatabase + "&epoch=ns&q=" + url_escape(q), "", "",
      kExchangeLimit);
  if (r.status != 200) return base::Status::error("cannot read the barrier rows: " + reply_error(r));
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
