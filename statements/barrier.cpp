#include "statements/barrier.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <chrono>

#include "base/clock.h"
#include "base/thread_guard.h"
#include "net/http_client.h"
#include "report/json_report.h"
#include "results/influxql_answer.h"

namespace stressql::statements {
namespace {

// One exchange with the results server at most; a barrier polls again rather than wait long.
constexpr int64_t kExchangeLimitNs = 5'000'000'000;

std::string short_hash(const std::string& h) { return h.size() > 12 ? h.substr(0, 12) + "…" : h; }

std::string who(const BarrierRow& r) {
  return "shard " + std::to_string(r.shard) + " (--shard " + std::to_string(r.shard) + "/" +
         std::to_string(r.shards) + ", script " + short_hash(r.script) + ")";
}

}  // namespace

bool parse_barrier_rows(std::string_view json, std::vector<BarrierRow>* rows, std::string* error) {
  rows->clear();
  uint64_t walked = 0;
  const base::Status st = results::walk_influxql_answer(
      json,
      [&](const results::QueryRow& row) {
        const std::string shard = row.text("shard");  // a GROUP BY tag
        BarrierRow r;
        auto [end, ec] = std::from_chars(shard.data(), shard.data() + shard.size(), r.shard);
        if (ec != std::errc() || end != shard.data() + shard.size()) return base::Status::ok();
        r.barrier = row.text("barrier");
        r.time_ns = row.integer("time");
        r.shards = row.integer("shards");
        r.script = row.text("script");
        r.run = row.text("run");
        rows->push_back(std::move(r));
        return base::Status::ok();
      },
      &walked);
  if (!st) {
    *error = st.message();
    return false;
  }
  return true;
}

BarrierVerdict judge_barrier(const std::vector<BarrierRow>& rows, const std::string& name,
                             const BarrierSelf& self, int64_t stale_before_ns) {
  BarrierVerdict v;
  const uint32_t n = self.shard.count;
  BarrierRow me;
  me.shard = self.shard.index;
  me.shards = n;
  me.script = self.script;
  // The other shards of this run: each has a start row of its own, at another index, no
  // older than a shard waits there. A faster one may already be past the start, so its later
  // rows are this run's too.
  std::set<std::string> this_run;
  for (const BarrierRow& r : rows) {
    if (r.run != self.run && r.barrier == "start" && r.shard != self.shard.index && r.time_ns >= stale_before_ns) {
      this_run.insert(r.run);
    }
  }
  for (const BarrierRow& r : rows) {
    if (r.run == self.run) continue;
    // Rows of an earlier run of this test ID: at the start, every row of a run that is not
    // one of this run's shards.
    if (name == "start" && this_run.count(r.run) == 0) {
      v.conflict = "test ID " + self.test_id + " already has barrier rows of an earlier run (" + who(r) +
                   " at '" + r.barrier + "', " + report::rfc3339(r.time_ns) +
                   "); every run needs a new --test-id";
      return v;
    }
    if (r.shards != n || r.script != self.script) {
      v.conflict = who(r) + " and " + who(me) + " of test " + self.test_id +
                   " do not run the same test: every shard needs the same N and the same script";
      return v;
    }
  }
  std::vector<bool> arrived(n, false);
  for (const BarrierRow& r : rows) {
    if (r.barrier != name || r.shard >= n) continue;
    arrived[r.shard] = true;
    v.release_ns = std::max(v.release_ns, r.time_ns);
  }
  v.done = std::find(arrived.begin(), arrived.end(), false) == arrived.end();
  if (!v.done) v.missing = missing_shards_text(arrived);
  return v;
}

base::Status refuse_used_test_id(const net::ResultsEndpoint& results, const std::string& test_id,
                                 std::chrono::milliseconds limit, const std::atomic<bool>* abort) {
  const std::string q = "SELECT \"shards\", \"duration_ns\" FROM \"run\" WHERE \"test_id\"='" + test_id +
                        "' LIMIT 1";
  net::HttpReply r = net::query_results(results, q, "", limit, abort);
  if (r.status != 200) return base::Status::ok();
  int64_t earlier_start = -1;
  uint64_t walked = 0;
  results::walk_influxql_answer(
      r.body,
      [&](const results::QueryRow& row) {
        if (earlier_start < 0 && row.find("time") != nullptr) earlier_start = row.integer("time");
        return base::Status::ok();
      },
      &walked);
  if (earlier_start >= 0) {
    return base::Status::error("test ID " + test_id + " already has results in " + net::kResultsDatabase + " on " +
                               results.shown() + ": a run that started " + report::rfc3339(earlier_start) +
                               " (stressql report " + test_id + " shows it); every run needs a new --test-id");
  }
  return base::Status::ok();
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

Barrier::Barrier(net::ResultsEndpoint results, BarrierSelf self, int64_t barrier_timeout_ns)
    : results_(std::move(results)), self_(std::move(self)), barrier_timeout_ns_(barrier_timeout_ns) {}

Barrier::~Barrier() { cancel(); }

void Barrier::start(const std::string& name, int64_t deadline_ns) {
  const int64_t left = std::min(kExchangeLimitNs, deadline_ns - base::monotonic_ns());
  const auto limit = std::chrono::milliseconds(std::max<int64_t>(left, 1'000'000) / 1'000'000);
  finished_.store(false, std::memory_order_relaxed);
  abort_.store(false, std::memory_order_relaxed);
  helper_ = std::thread([this, name, limit] {
    // A fault is recorded (base/thread_guard.h) and the barrier fails with it.
    if (!base::run_guarded("shard barrier", [&] {
          BarrierVerdict v;
          status_ = exchange(name, limit, &v);
          verdict_ = std::move(v);
        })) {
      status_ = base::Status::error(base::first_thread_fault().text());
    }
    finished_.store(true, std::memory_order_release);
  });
}

base::Status Barrier::take(BarrierVerdict* out) {
  helper_.join();
  *out = verdict_;
  return status_;
}

void Barrier::cancel() {
  if (!helper_.joinable()) return;
  abort_.store(true, std::memory_order_relaxed);
  helper_.join();
}

base::Status Barrier::exchange(const std::string& name, std::chrono::milliseconds limit, BarrierVerdict* out) {
  if (!database_ready_) {  // CREATE DATABASE is idempotent: every shard may send it
    const std::string failure = net::ensure_results_database(results_, limit, &abort_);
    if (!failure.empty()) return base::Status::error("cannot create " + std::string(net::kResultsDatabase) + ": " + failure);
    database_ready_ = true;
  }
  if (arrived_at_ != name) {
    const std::string row = "barrier,test_id=" + self_.test_id + ",barrier=" + name +
                            ",shard=" + std::to_string(self_.shard.index) +
                            " shards=" + std::to_string(self_.shard.count) + "i,script=\"" + self_.script +
                            "\",run=\"" + self_.run + "\" " + std::to_string(base::unix_ns()) + "\n";
    net::HttpReply r = net::write_results(results_, row, limit, &abort_);
    if (r.status < 200 || r.status > 299) {
      return base::Status::error("cannot post the barrier row: " + net::reply_error_text(r));
    }
    arrived_at_ = name;
  }
  const std::string q = "SELECT \"shards\", \"script\", \"run\" FROM \"barrier\" WHERE \"test_id\"='" +
                        self_.test_id + "' GROUP BY \"shard\", \"barrier\"";
  net::HttpReply r = net::query_results(results_, q, "", limit, &abort_);
  if (r.status != 200) return base::Status::error("cannot read the barrier rows: " + net::reply_error_text(r));
  std::vector<BarrierRow> rows;
  std::string error;
  if (!parse_barrier_rows(r.body, &rows, &error)) return base::Status::error("cannot read the barrier rows: " + error);
  if (name == "start" && !test_id_checked_) {  // an earlier run's rows without barriers
    if (base::Status st = refuse_used_test_id(results_, self_.test_id, limit, &abort_); !st) {
      out->conflict = st.message();
      return base::Status::ok();
    }
    test_id_checked_ = true;
  }
  *out = judge_barrier(rows, name, self_, base::unix_ns() - barrier_timeout_ns_);
  return base::Status::ok();
}

}  // namespace stressql::statements
