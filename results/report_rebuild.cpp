#include "results/report_rebuild.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <map>
#include <type_traits>

#include "results/interval_fields.h"
#include "results/request_stats_fields.h"
#include "results/server_source_fields.h"
#include "results/results_uploader.h"
#include "results/shard_merge.h"
#include "results/statement_fields.h"

namespace stressql::results {
namespace {

using stats::StatementReport;

// A `request_stats` row is a few KB (its histograms): fewer per chunk than the reader's
// default keeps a chunk, and its parsed JSON, to a few MB.
constexpr size_t kStatsChunkRows = 500;

// The shard a row came from: its `shard` tag (rows of a sharded test), else 0.
uint32_t shard_of(const QueryRow& r) {
  const std::string t = r.text("shard");
  uint32_t shard = 0;
  std::from_chars(t.data(), t.data() + t.size(), shard);
  return shard;
}

engine::Sample sample_from_row(const QueryRow& row) {
  engine::Sample s;
  s.status = static_cast<uint16_t>(row.integer("status_code"));
  s.latency_ns = row.integer("response_time_ns");
  s.points = static_cast<uint32_t>(row.integer("points"));
  s.attempt = static_cast<uint8_t>(row.integer("attempt"));
  s.final = row.flag("final");
  s.failure = static_cast<engine::Failure>(row.integer("failure_class"));
  s.dropped = static_cast<uint32_t>(row.integer("dropped"));
  s.request_bytes = static_cast<uint32_t>(row.integer("request_bytes"));
  s.response_bytes = static_cast<uint32_t>(row.integer("response_bytes"));
  s.lag_ns = row.integer("lag_ns");
  s.body_bytes = static_cast<uint32_t>(row.integer("body_bytes"));
  s.due_unix_ns = row.integer("time");  // the due time (made unique per statement by 1 ns steps)
  return s;
}

stats::RunSummary run_from_row(const QueryRow& run) {
  stats::RunSummary summary;
  summary.start_unix_ns = run.integer("time");
  summary.duration_ns = run.integer("duration_ns");
  summary.cpu_user_s = run.real("cpu_user_s", 0);
  summary.cpu_system_s = run.real("cpu_system_s", 0);
  summary.interrupted = run.flag("interrupted");
  summary.reactors = static_cast<int>(run.integer("reactors"));
  summary.send_zc = run.flag("send_zc");
  summary.engine.sends = static_cast<uint64_t>(run.integer("sends"));
  summary.engine.zero_copy_sends = static_cast<uint64_t>(run.integer("zero_copy_sends"));
  summary.engine.zero_copy_fallbacks = static_cast<uint32_t>(run.integer("zero_copy_fallbacks"));
  summary.engine.mapped_sends = static_cast<uint64_t>(run.integer("mapped_sends"));
  summary.engine.recv_buffer_shortages = static_cast<uint64_t>(run.integer("recv_buffer_shortages"));
  summary.engine.cq_overflows = static_cast<uint64_t>(run.integer("cq_overflows"));
  summary.engine.reconnects = static_cast<uint64_t>(run.integer("reconnects"));  // 0 before #29
  summary.shards = static_cast<uint32_t>(std::max<int64_t>(1, run.integer("shards")));
  summary.shard_error = run.text("shard_error");
  summary.internal_error = run.text("internal_error");
  return summary;
}

// "SELECT statement_id, shard, <fields and tags of the list> FROM <measurement> WHERE …".
template <class ForEach>
std::string select_of(ForEach for_each, const char* measurement, const std::string& where) {
  std::string q = "SELECT statement_id, \"shard\"";
  for_each([&](const char* name, auto&&...) { q += std::string(", \"") + name + "\""; });
  return q + " FROM \"" + measurement + "\"" + where;
}

// The statement rows of one test, by shard, in script order.
struct StatementRows {
  std::map<uint32_t, std::vector<StatementReport>> by_shard;
  std::map<std::string, uint64_t> late_samples;
  std::map<std::string, std::pair<uint64_t, uint64_t>> body_bytes;  // raw, encoded (gzip), over shards
};

// The statements that share a window with `id` (`shared_with`) or its --server-metric
// values (`extra`): a JSON array in a string field of a `server_source` row.
base::Status json_array_field(const QueryRow& row, const char* name, nlohmann::json* out) {
  *out = nlohmann::json::array();
  const nlohmann::json* v = row.find(name);
  if (v == nullptr) return base::Status::ok();
  *out = v->is_string() ? nlohmann::json::parse(v->get_ref<const std::string&>(), nullptr, false) : nlohmann::json();
  if (!out->is_array()) {
    return base::Status::error("server_source row " + std::to_string(row.number()) + ": its " + name +
                               " is not a JSON array");
  }
  return base::Status::ok();
}

// SPEC §7.1: each statement's metrics sources, from its `server_source` rows (in the order
// the run found them), with their seconds from the `server` rows. Results from before the
// `server_source` rows have none: their statements keep no server block.
base::Status read_server_blocks(const RowReader& reader, const std::string& where,
                                const std::map<std::string, StatementReport*>& by_id) {
  std::map<std::string, std::map<int64_t, stats::ServerSourceStats>> sources;  // by statement, by order
  base::Status st = reader.select("SELECT * FROM \"server_source\"" + where, [&](const QueryRow& row) {
    const std::string id = row.text("statement_id");
    if (by_id.count(id) == 0) return base::Status::ok();
    stats::ServerSourceStats s;
    s.source = row.text("source");
    s.kind = row.text("kind");
    for_each_server_source_field([&](const char* name, auto get) {
      auto& v = get(s);
      using T = std::decay_t<decltype(v)>;
      const nlohmann::json* j = row.find(name);
      if (j == nullptr) return;
      if constexpr (std::is_same_v<T, std::optional<double>>) {
        if (j->is_number()) v = j->get<double>();
      } else if constexpr (std::is_same_v<T, bool>) {
        if (j->is_boolean()) v = j->get<bool>();
      } else if constexpr (std::is_same_v<T, uint64_t>) {
        if (j->is_number()) v = static_cast<uint64_t>(j->get<int64_t>());
      } else {
        if (j->is_string()) v = j->get<std::string>();
      }
    });
    nlohmann::json shared, extra;
    if (base::Status read = json_array_field(row, "shared_with", &shared); !read) return read;
    if (base::Status read = json_array_field(row, "extra", &extra); !read) return read;
    for (const nlohmann::json& name : shared) {
      if (name.is_string()) s.shared_with.push_back(name.get<std::string>());
    }
    for (const nlohmann::json& pair : extra) {
      if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_number()) {
        s.extra.emplace_back(pair[0].get<std::string>(), pair[1].get<double>());
      }
    }
    sources[id][row.integer("order")] = std::move(s);
    return base::Status::ok();
  });
  if (!st || sources.empty()) return st;
  st = reader.select("SELECT * FROM \"server\"" + where, [&](const QueryRow& row) {  // in time order
    auto it = sources.find(row.text("statement_id"));
    if (it == sources.end()) return base::Status::ok();
    const std::string source = row.text("source"), kind = row.text("kind");
    for (auto& [order, s] : it->second) {
      if (s.source != source || s.kind != kind) continue;
      stats::ServerSecond sec;
      sec.unix_ns = row.integer("time");
      for (size_t k = 0; k < stats::kServerMetricCount; ++k) {
        const nlohmann::json* v = row.find(stats::server_metric_name(static_cast<stats::ServerMetric>(k)));
        if (v != nullptr && v->is_number()) sec.values[k] = v->get<double>();
      }
      for (const auto& [name, at_close] : s.extra) {  // --server-metric values, by their own names
        const nlohmann::json* v = row.find(name);
        if (v != nullptr && v->is_number()) sec.extra.emplace_back(name, v->get<double>());
      }
      s.seconds.push_back(std::move(sec));
    }
    return base::Status::ok();
  });
  if (!st) return st;
  for (auto& [id, list] : sources) {
    StatementReport* r = by_id.at(id);
    for (auto& [order, s] : list) r->server.push_back(std::move(s));
  }
  return base::Status::ok();
}

}  // namespace

base::Status rebuild_report(const RowReader& reader, const std::string& test_id, bool by_shard,
                            RebuiltReport* out) {
  const std::string where = " WHERE test_id = " + influxql_string(test_id);
  const std::string& host = reader.host_port();
  auto failed = [&](const base::Status& st) {
    return base::Status::error("cannot read results from " + host + ": " + st.message());
  };
  std::vector<std::map<std::string, nlohmann::json>> statement_rows;
  std::map<uint32_t, stats::RunSummary> run_parts;
  uint32_t shards = 1;
  if (base::Status st = reader.select("SELECT * FROM \"statement\"" + where, [&](const QueryRow& row) {
        statement_rows.push_back(row.to_map());
        return base::Status::ok();
      });
      !st) {
    return failed(st);
  }
  if (base::Status st = reader.select("SELECT * FROM \"run\"" + where, [&](const QueryRow& row) {
        stats::RunSummary& run = run_parts[shard_of(row)] = run_from_row(row);
        shards = std::max(shards, run.shards);
        return base::Status::ok();
      });
      !st) {
    return failed(st);
  }
  if (statement_rows.empty() || run_parts.empty()) {
    return base::Status::error("no results for test " + test_id + " in " + kResultsDatabase + " on " + host);
  }
  // A sharded test has one statement and one run row per shard (tag `shard`), merged here.
  const bool sharded = shards > 1;
  size_t count = 0;
  for (const auto& row : statement_rows) {
    auto it = row.find("index");
    if (it != row.end() && it->second.is_number()) count = std::max(count, it->second.get<size_t>() + 1);
  }
  count = std::min(count, statement_rows.size());  // a damaged index cannot make us allocate much
  StatementRows parts;
  for (const auto& row : statement_rows) {
    auto it = row.find("index");
    if (it == row.end() || !it->second.is_number()) continue;
    const size_t index = it->second.get<size_t>();
    if (index >= count) continue;
    uint32_t shard = 0;
    if (auto s = row.find("shard"); s != row.end() && s->second.is_string()) {
      const std::string& t = s->second.get_ref<const std::string&>();
      std::from_chars(t.data(), t.data() + t.size(), shard);
    }
    std::vector<StatementReport>& list = parts.by_shard[shard];
    list.resize(count);
    statement_from_row(row, &list[index]);
    auto number = [&](const char* key) -> uint64_t {
      auto v = row.find(key);
      return v != row.end() && v->second.is_number() ? v->second.get<uint64_t>() : 0;
    };
    parts.late_samples[list[index].id] += number("interval_late_samples");
    auto& bytes = parts.body_bytes[list[index].id];
    bytes.first += number("raw_body_bytes");
    bytes.second += number("encoded_body_bytes");
  }
  statement_rows.clear();
  std::vector<StatementReport>& reports = out->statements;
  reports.clear();
  reports.resize(count);
  std::map<std::string, StatementReport*> by_id;
  for (size_t i = 0; i < count; ++i) {
    std::map<uint32_t, const StatementReport*> present;
    for (auto& [shard, list] : parts.by_shard) {
      if (!list[i].id.empty()) present[shard] = &list[i];
    }
    if (present.empty()) continue;
    if (sharded) {
      reports[i] = merge_statement(present, shards);
    } else {
      copy_statement_fields(*present.begin()->second, &reports[i]);
    }
    by_id[reports[i].id] = &reports[i];
  }
  bool writes = false, queries = false;  // a measurement no statement wrote to is not asked for
  for (const auto& [id, r] : by_id) {
    writes = writes || r->kind == stats::StatementKind::kInsert;
    queries = queries || r->kind == stats::StatementKind::kQuery || r->kind == stats::StatementKind::kInfluxQL;
  }
  // The statements' totals and histograms: the sum of their `request_stats` rows (a few per
  // second of the run), added exactly, shards too.
  uint64_t stats_rows = 0;
  if (writes || queries) {
    stats::RequestStats scratch;
    base::Status st = reader.select(request_stats_select() + where, [&](const QueryRow& row) {
      ++stats_rows;
      const std::string id = row.text("statement_id");
      auto it = by_id.find(id);
      if (it == by_id.end()) return base::Status::ok();
      if (base::Status added = add_request_stats_row(row, &it->second->stats, &scratch); !added) return added;
      if (by_shard) {
        for (StatementReport& part : parts.by_shard[shard_of(row)]) {
          if (part.id != id) continue;
          if (base::Status added = add_request_stats_row(row, &part.stats, &scratch); !added) return added;
        }
      }
      return base::Status::ok();
    }, kStatsChunkRows);
    if (!st) return failed(st);
  }
  // Results written before the `request_stats` rows existed: every attempt's row, folded in
  // as it comes. The histograms (and, for a sharded test, the intervals: the shards' seconds
  // start at different instants) are rebuilt from them. The rows come in time (due) order,
  // which IntervalStats needs.
  const bool from_attempts = stats_rows == 0 && (writes || queries);
  if (from_attempts && sharded) {
    for (auto& [id, r] : by_id) r->intervals.start(r->start_unix_ns);
  }
  for (const auto& [measurement, wanted] : {std::pair{"write", writes}, std::pair{"query", queries}}) {
    if (!wanted || !from_attempts) continue;
    const std::string q = std::string("SELECT statement_id, status_code, response_time_ns, points, attempt, "
                                      "\"final\", failure_class, dropped, request_bytes, response_bytes, "
                                      "lag_ns, body_bytes, \"shard\" FROM \"") + measurement + "\"" + where;
    base::Status st = reader.select(q, [&](const QueryRow& row) {
      const std::string id = row.text("statement_id");
      auto it = by_id.find(id);
      if (it == by_id.end()) return base::Status::ok();
      const engine::Sample s = sample_from_row(row);
      it->second->stats.add(s);
      if (sharded) it->second->intervals.add(s);
      if (by_shard) {
        for (StatementReport& part : parts.by_shard[shard_of(row)]) {
          if (part.id == id) part.stats.add(s);
        }
      }
      return base::Status::ok();
    });
    if (!st) return failed(st);
  }
  // The attempt rows carry body bytes as sent; before gzip they are in the statement row only.
  for (const auto& [id, bytes] : parts.body_bytes) {
    if (auto it = by_id.find(id); it != by_id.end()) {
      it->second->stats.raw_body_bytes = bytes.first;
      it->second->stats.encoded_body_bytes = bytes.second;
    }
  }
  if (from_attempts && sharded) {
    for (auto& [id, r] : by_id) r->intervals.finish();
  } else {  // each process's intervals as it closed them (one row per second)
    using Key = std::pair<std::string, uint32_t>;  // statement id, shard
    std::map<Key, std::deque<stats::IntervalRecord>> intervals;
    base::Status st = reader.select(select_of([](auto f) { for_each_interval_field(f); }, "interval", where),
                                    [&](const QueryRow& row) {
                                      stats::IntervalRecord k;
                                      for_each_interval_field([&](const char* name, auto get) {
                                        get(k) = static_cast<std::remove_reference_t<decltype(get(k))>>(
                                            row.integer(name));
                                      });
                                      intervals[{row.text("statement_id"), shard_of(row)}].push_back(k);
                                      return base::Status::ok();
                                    });
    if (!st) return failed(st);
    for (auto& [key, list] : intervals) {
      std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    }
    std::map<Key, std::vector<std::string>> classes;  // slots in order of appearance
    st = reader.select(select_of([](auto f) { for_each_interval_failures_field(f); }, "interval_failures", where),
                       [&](const QueryRow& row) {  // in time order
                         const Key key{row.text("statement_id"), shard_of(row)};
                         IntervalFailures f;
                         for_each_interval_failures_field([&](const char* name, bool, auto get) {
                           using T = std::remove_reference_t<decltype(get(f))>;
                           if constexpr (std::is_same_v<T, std::string>) {
                             get(f) = row.text(name);
                           } else {
                             get(f) = static_cast<T>(row.integer(name));
                           }
                         });
                         stats::add_restored_failures(&intervals[key], &classes[key], f.second, f.failure_class,
                                                      f.failures);
                         return base::Status::ok();
                       });
    if (!st) return failed(st);
    for (auto& [id, r] : by_id) {
      if (!sharded) {
        r->intervals.restore(std::move(intervals[{id, 0}]), std::move(classes[{id, 0}]), parts.late_samples[id],
                             r->start_unix_ns);
        continue;
      }
      // A sharded test: each shard's seconds, counted in the merged second they start in.
      std::map<uint32_t, stats::IntervalStats> shard_intervals;
      for (const auto& [shard, list] : parts.by_shard) {
        for (const StatementReport& part : list) {
          if (part.id != id || !part.ran) continue;
          shard_intervals[shard].restore(std::move(intervals[{id, shard}]), std::move(classes[{id, shard}]), 0,
                                         part.start_unix_ns);
        }
      }
      merge_intervals(shard_intervals, r->start_unix_ns, parts.late_samples[id], &r->intervals);
    }
  }
  // The server blocks of one process's run (a sharded test's shards each read their own).
  if (!sharded) {
    if (base::Status st = read_server_blocks(reader, where, by_id); !st) return failed(st);
  }
  stats::RunSummary& summary = out->summary;
  summary = sharded ? merge_runs(run_parts, shards) : run_parts.begin()->second;
  summary.test_id = test_id;
  summary.results_note = "rebuilt from " + std::string(kResultsDatabase) + " on " + host;
  out->shards = shards;
  out->by_shard_text.clear();
  if (by_shard && sharded) out->by_shard_text = by_shard_text(parts.by_shard);
  return base::Status::ok();
}

}  // namespace stressql::results
