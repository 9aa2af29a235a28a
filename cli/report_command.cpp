#include "cli/report_command.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "html/page_files.h"
#include "results/shard_merge.h"
#include "net/http_client.h"
#include "report/json_report.h"
#include "results/results_writer.h"
#include "results/statement_fields.h"
#include "report/text_report.h"
#include "statements/http_target.h"
#include "statements/version.h"

namespace stressql::cli {
namespace {

using Row = results::ResultsRow;

// Runs a chunked SELECT and returns every row as column → value.
bool select_rows(const net::ResultsEndpoint& results, const std::string& q, std::vector<Row>* rows,
                 std::string* error) {
  net::HttpReply r = net::query_results(results, q, "&chunked=true&chunk_size=10000", std::chrono::seconds(120));
  if (r.status != 200) {
    *error = net::reply_error_text(r);
    return false;
  }
  size_t pos = 0;
  while (pos < r.body.size()) {
    size_t eol = r.body.find('\n', pos);
    if (eol == std::string::npos) eol = r.body.size();
    auto j = nlohmann::json::parse(r.body.begin() + static_cast<std::ptrdiff_t>(pos),
                                   r.body.begin() + static_cast<std::ptrdiff_t>(eol), nullptr, false);
    pos = eol + 1;
    if (j.is_discarded()) continue;
    for (const auto& result : j.value("results", nlohmann::json::array())) {
      if (result.contains("error")) {
        *error = result["error"].get<std::string>();
        return false;
      }
      for (const auto& series : result.value("series", nlohmann::json::array())) {
        const auto& cols = series["columns"];
        for (const auto& values : series["values"]) {
          Row row;
          for (size_t i = 0; i < cols.size() && i < values.size(); ++i) row[cols[i]] = values[i];
          rows->push_back(std::move(row));
        }
      }
    }
  }
  return true;
}

int64_t num(const Row& r, const char* key) {
  auto it = r.find(key);
  if (it == r.end() || !it->second.is_number()) return 0;
  return it->second.get<int64_t>();
}
std::string str(const Row& r, const char* key) {
  auto it = r.find(key);
  return it != r.end() && it->second.is_string() ? it->second.get<std::string>() : "";
}
double real(const Row& r, const char* key, double absent) {
  auto it = r.find(key);
  return it != r.end() && it->second.is_number() ? it->second.get<double>() : absent;
}
bool flag(const Row& r, const char* key) {
  auto it = r.find(key);
  return it != r.end() && it->second.is_boolean() && it->second.get<bool>();
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The shard a row came from: its `shard` tag (rows of a sharded test), else 0.
uint32_t shard_of(const Row& r) {
  const std::string t = str(r, "shard");
  uint32_t shard = 0;
  std::from_chars(t.data(), t.data() + t.size(), shard);
  return shard;
}

engine::Sample sample_from_row(const Row& row) {
  engine::Sample s;
  s.status = static_cast<uint16_t>(num(row, "status_code"));
  s.latency_ns = num(row, "response_time_ns");
  s.points = static_cast<uint32_t>(num(row, "points"));
  s.attempt = static_cast<uint8_t>(num(row, "attempt"));
  s.final = flag(row, "final");
  s.failure = static_cast<engine::Failure>(num(row, "failure_class"));
  s.dropped = static_cast<uint32_t>(num(row, "dropped"));
  s.request_bytes = static_cast<uint32_t>(num(row, "request_bytes"));
  s.response_bytes = static_cast<uint32_t>(num(row, "response_bytes"));
  s.lag_ns = num(row, "lag_ns");
  s.body_bytes = static_cast<uint32_t>(num(row, "body_bytes"));
  s.due_unix_ns = num(row, "time");  // the due time (made unique per statement by 1 ns steps)
  return s;
}

stats::RunSummary run_from_row(const Row& run) {
  stats::RunSummary summary;
  summary.start_unix_ns = num(run, "time");
  summary.duration_ns = num(run, "duration_ns");
  summary.cpu_user_s = real(run, "cpu_user_s", 0);
  summary.cpu_system_s = real(run, "cpu_system_s", 0);
  summary.interrupted = flag(run, "interrupted");
  summary.reactors = static_cast<int>(num(run, "reactors"));
  summary.send_zc = flag(run, "send_zc");
  summary.engine.sends = static_cast<uint64_t>(num(run, "sends"));
  summary.engine.zero_copy_sends = static_cast<uint64_t>(num(run, "zero_copy_sends"));
  summary.engine.zero_copy_fallbacks = static_cast<uint32_t>(num(run, "zero_copy_fallbacks"));
  summary.engine.recv_buffer_shortages = static_cast<uint64_t>(num(run, "recv_buffer_shortages"));
  summary.engine.cq_overflows = static_cast<uint64_t>(num(run, "cq_overflows"));
  summary.shards = static_cast<uint32_t>(std::max<int64_t>(1, num(run, "shards")));
  summary.shard_error = str(run, "shard_error");
  return summary;
}

// What rebuild() found besides the statements and the summary.
struct Rebuilt {
  std::string host_port;
  uint32_t shards = 1;
  std::string by_shard_text;  // with `by_shard` and a sharded test: a line per shard
};

// Rebuilds the statements and the run's summary of `test_id` from the rows on the reporting
// server `results`, merging a sharded test's shards. Returns 0, or with a message to `err`
// 1 (the server or the rows are missing).
int rebuild(const std::string& test_id, const net::ResultsEndpoint& results, bool by_shard,
            std::vector<stats::StatementReport>* rebuilt, stats::RunSummary* summary_out,
            Rebuilt* info, std::ostream& err) {
  const std::string& host_port = info->host_port = results.host_port;
  std::string where = " WHERE test_id = " + quote(test_id);
  std::vector<Row> statements, runs, samples;
  std::string error;
  if (!select_rows(results, "SELECT * FROM \"statement\"" + where, &statements, &error) ||
      !select_rows(results, "SELECT * FROM \"run\"" + where, &runs, &error)) {
    err << "stressql: cannot read results from " << host_port << ": " << error << "\n";
    return 1;
  }
  if (statements.empty() || runs.empty()) {
    err << "stressql: no results for test " << test_id << " in " << results::kResultsDatabase
        << " on " << host_port << "\n";
    return 1;
  }
  // A sharded test has one statement and one run row per shard (tag `shard`), merged here.
  std::map<uint32_t, stats::RunSummary> run_parts;
  uint32_t shards = 1;
  for (const Row& row : runs) {
    run_parts[shard_of(row)] = run_from_row(row);
    shards = std::max(shards, run_parts[shard_of(row)].shards);
  }
  const bool sharded = shards > 1;
  size_t count = 0;
  for (const Row& row : statements) count = std::max<size_t>(count, static_cast<size_t>(num(row, "index")) + 1);
  count = std::min(count, statements.size());  // a damaged index cannot make us allocate much
  std::map<uint32_t, std::vector<stats::StatementReport>> parts;  // by shard, script order
  std::map<std::string, uint64_t> late_samples;
  std::map<std::string, std::pair<uint64_t, uint64_t>> body_bytes;  // raw, encoded (gzip)
  for (const Row& row : statements) {
    size_t index = static_cast<size_t>(num(row, "index"));
    if (index >= count) continue;
    std::vector<stats::StatementReport>& list = parts[shard_of(row)];
    list.resize(count);
    results::statement_from_row(row, &list[index]);
    late_samples[list[index].id] += static_cast<uint64_t>(num(row, "interval_late_samples"));
    auto& bytes = body_bytes[list[index].id];  // summed over shards
    bytes.first += static_cast<uint64_t>(num(row, "raw_body_bytes"));
    bytes.second += static_cast<uint64_t>(num(row, "encoded_body_bytes"));
  }
  std::vector<stats::StatementReport>& reports = *rebuilt;
  reports.clear();
  reports.resize(count);
  std::map<std::string, stats::StatementReport*> by_id;
  for (size_t i = 0; i < count; ++i) {
    std::map<uint32_t, const stats::StatementReport*> present;
    for (auto& [shard, list] : parts) {
      if (!list[i].id.empty()) present[shard] = &list[i];
    }
    if (present.empty()) continue;
    if (sharded) {
      reports[i] = results::merge_statement(present, shards);
    } else {
      reports[i] = std::move(parts.begin()->second[i]);
    }
    by_id[reports[i].id] = &reports[i];
  }
  // Every attempt's row: the histograms (and, for a sharded test, the intervals) are rebuilt
  // from them, so merging shards is exact.
  std::map<std::string, std::vector<engine::Sample>> due_order;
  for (const char* measurement : {"write", "query"}) {
    samples.clear();
    if (!select_rows(results,
                     std::string("SELECT statement_id, status_code, response_time_ns, points, "
                                 "attempt, \"final\", failure_class, dropped, request_bytes, "
                                 "response_bytes, lag_ns, body_bytes, \"shard\" FROM \"") +
                         measurement + "\"" + where,
                     &samples, &error)) {
      err << "stressql: cannot read results from " << host_port << ": " << error << "\n";
      return 1;
    }
    for (const Row& row : samples) {
      const std::string id = str(row, "statement_id");
      auto it = by_id.find(id);
      if (it == by_id.end()) continue;
      const engine::Sample s = sample_from_row(row);
      it->second->stats.add(s);
      if (sharded) due_order[id].push_back(s);
      if (by_shard) {
        for (auto& part : parts[shard_of(row)]) {
          if (part.id == id) part.stats.add(s);
        }
      }
    }
  }
  // The rows carry body bytes as sent; before gzip they are in the statement row only.
  for (const auto& [id, bytes] : body_bytes) {
    if (auto it = by_id.find(id); it != by_id.end()) {
      it->second->stats.raw_body_bytes = bytes.first;
      it->second->stats.encoded_body_bytes = bytes.second;
    }
  }
  samples.clear();
  if (!select_rows(results,
                   "SELECT statement_id, \"second\", requests, points_accepted, failures, retries, "
                   "from_due_p50_ns, from_due_p99_ns, from_due_max_ns, from_send_p50_ns, "
                   "from_send_p99_ns, from_send_max_ns FROM \"interval\"" + where,
                   &samples, &error)) {
    err << "stressql: cannot read results from " << host_port << ": " << error << "\n";
    return 1;
  }
  std::map<std::string, std::deque<stats::IntervalRecord>> intervals;
  for (const Row& row : samples) {
    stats::IntervalRecord k;
    k.second = static_cast<int32_t>(num(row, "second"));
    k.requests = static_cast<uint32_t>(num(row, "requests"));
    k.points_accepted = static_cast<uint64_t>(num(row, "points_accepted"));
    k.failures = static_cast<uint32_t>(num(row, "failures"));
    k.retries = static_cast<uint32_t>(num(row, "retries"));
    k.from_due_p50 = num(row, "from_due_p50_ns");
    k.from_due_p99 = num(row, "from_due_p99_ns");
    k.from_due_max = num(row, "from_due_max_ns");
    k.from_send_p50 = num(row, "from_send_p50_ns");
    k.from_send_p99 = num(row, "from_send_p99_ns");
    k.from_send_max = num(row, "from_send_max_ns");
    intervals[str(row, "statement_id")].push_back(k);
  }
  samples.clear();
  if (!select_rows(results,
                   "SELECT statement_id, \"second\", failure_class, failures FROM \"interval_failures\"" +
                       where,
                   &samples, &error)) {
    err << "stressql: cannot read results from " << host_port << ": " << error << "\n";
    return 1;
  }
  for (auto& [id, list] : intervals) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  }
  std::map<std::string, std::vector<std::string>> classes;  // slots in order of appearance
  for (const Row& row : samples) {  // in time order
    const std::string id = str(row, "statement_id");
    stats::add_restored_failures(&intervals[id], &classes[id], num(row, "second"), str(row, "failure_class"),
                                     static_cast<uint32_t>(num(row, "failures")));
  }
  for (auto& [id, r] : by_id) {
    if (sharded) {  // the shards' seconds start at different instants: count them again
      std::vector<engine::Sample>& list = due_order[id];
      std::sort(list.begin(), list.end(),
                [](const auto& a, const auto& b) { return a.due_unix_ns < b.due_unix_ns; });
      r->intervals.start(r->start_unix_ns);
      for (const engine::Sample& s : list) r->intervals.add(s);
      r->intervals.finish();
      continue;
    }
    std::deque<stats::IntervalRecord>& list = intervals[id];  // sorted above
    r->intervals.restore(std::move(list), std::move(classes[id]), late_samples[id], r->start_unix_ns);
  }
  stats::RunSummary& summary = *summary_out;
  summary = sharded ? results::merge_runs(run_parts, shards) : run_parts.begin()->second;
  summary.test_id = test_id;
  summary.results_note = "rebuilt from " + std::string(results::kResultsDatabase) + " on " + host_port;
  info->shards = shards;
  if (by_shard && sharded) info->by_shard_text = results::by_shard_text(parts);
  return 0;
}

}  // namespace

int run_report(const std::string& test_id, const net::ResultsEndpoint& results,
               const std::string& json_file, std::ostream& out, std::ostream& err, bool by_shard,
               const std::string& html_file) {
  html::ChartLibrary chart_library;  // read first: a missing one is a usage error
  if (!load_html_library(html_file, &chart_library, err)) return 2;
  std::vector<stats::StatementReport> reports;
  stats::RunSummary summary;
  Rebuilt info;
  if (int rc = rebuild(test_id, results, by_shard, &reports, &summary, &info, err); rc != 0) return rc;
  out << report::render_report(reports, summary) << info.by_shard_text;
  if (json_file.empty() && html_file.empty()) return 0;
  nlohmann::json options = {{"rebuilt_from", info.host_port}};
  if (info.shards > 1) options["shards"] = info.shards;
  const nlohmann::json doc = report::json_report(reports, summary, options, stressql::version());
  if (!json_file.empty()) {
    std::ofstream json(json_file, std::ios::trunc);
    json << doc.dump(2) << "\n";
    if (!json) {
      err << "stressql: cannot write " << json_file << "\n";
      return 1;
    }
  }
  if (!html_file.empty() && !write_run_html(html_file, doc, chart_library, err)) return 1;
  return 0;
}

int report_json(const std::string& test_id, const net::ResultsEndpoint& results, nlohmann::json* out,
                std::ostream& err) {
  std::vector<stats::StatementReport> reports;
  stats::RunSummary summary;
  Rebuilt info;
  if (int rc = rebuild(test_id, results, false, &reports, &summary, &info, err); rc != 0) return rc;
  nlohmann::json options = {{"rebuilt_from", info.host_port}};
  if (info.shards > 1) options["shards"] = info.shards;
  *out = report::json_report(reports, summary, options, stressql::version());
  return 0;
}

}  // namespace stressql::cli
