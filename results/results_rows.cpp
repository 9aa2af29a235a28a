#include "results/results_rows.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/line_protocol.h"
#include "base/utf8.h"
#include "results/interval_fields.h"
#include "results/request_stats_fields.h"
#include "results/server_source_fields.h"
#include "results/statement_fields.h"

namespace stressql::results {
namespace {

template <size_t N>
char* put(char* p, const char (&text)[N]) {
  std::memcpy(p, text, N - 1);
  return p + N - 1;
}

// `key_eq` is ",key=" (or "key=" for the first field); at most 40 bytes in all.
template <size_t N>
char* put_int_field(char* p, const char (&key_eq)[N], int64_t v) {
  static_assert(N - 1 + 20 + 1 <= 40);
  p = put(p, key_eq);
  p = std::to_chars(p, p + 20, v).ptr;
  *p++ = 'i';
  return p;
}

void add_int(std::string* out, const char* key, int64_t v, bool first = false) {
  if (!first) *out += ',';
  *out += key;
  *out += '=';
  *out += std::to_string(v);
  *out += 'i';
}

void add_str(std::string* out, const char* key, const std::string& v) {
  *out += ',';
  *out += key;
  *out += "=\"";
  *out += escape_field_string(v);
  *out += '"';
}

// %.17g round-trips a double, so `stressql report` reads back the very same value.
void add_real(std::string* out, const char* key, double v) {
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", v);
  *out += ',';
  *out += key;
  *out += '=';
  *out += text;
}

void add_bool(std::string* out, const char* key, bool v) {
  *out += ',';
  *out += key;
  *out += v ? "=true" : "=false";
}

// One statement-row field of each type for_each_statement_field lists.
void add_value(std::string* out, const char* key, const std::string& v) { add_str(out, key, v); }
void add_value(std::string* out, const char* key, bool v) { add_bool(out, key, v); }
void add_value(std::string* out, const char* key, double v) { add_real(out, key, v); }
void add_value(std::string* out, const char* key, int v) { add_int(out, key, v); }
void add_value(std::string* out, const char* key, int64_t v) { add_int(out, key, v); }
void add_value(std::string* out, const char* key, uint64_t v) { add_int(out, key, static_cast<int64_t>(v)); }
void add_value(std::string* out, const char* key, stats::StatementKind v) { add_str(out, key, stats::kind_name(v)); }

}  // namespace

// Line protocol is UTF-8: ill-formed parts (a server's message is its bytes) become U+FFFD.
std::string escape_tag(const std::string& s) {
  if (s.empty()) return "-";  // empty tag values are not allowed
  if (!base::utf8_valid(s)) return base::lp_escaped(base::utf8_sanitized(s), base::LpPlace::kKey);
  return base::lp_escaped(s, base::LpPlace::kKey);
}

std::string escape_field_string(const std::string& s) {
  if (!base::utf8_valid(s)) return base::lp_escaped(base::utf8_sanitized(s), base::LpPlace::kStringField);
  return base::lp_escaped(s, base::LpPlace::kStringField);
}

ResultsRows::ResultsRows(std::string test_id)
    : test_id_(std::move(test_id)), id_tags_(",test_id=" + escape_tag(test_id_)) {}

void ResultsRows::set_shard(uint32_t index) {
  shard_tag_ = ",shard=" + std::to_string(index);
  retag();
}

void ResultsRows::set_step(int step) {
  step_tag_ = ",step=" + std::to_string(step);
  retag();
}

void ResultsRows::retag() {
  id_tags_ = ",test_id=" + escape_tag(test_id_) + shard_tag_ + step_tag_;
  rows_.clear();  // their prefixes hold the old tags
  last_report_ = nullptr;
  last_rows_ = nullptr;
}

ResultsRows::StatementRows& ResultsRows::rows_for(const stats::StatementReport& st) {
  // Rows come in runs from the same statement: the last one answers without a lookup.
  if (&st == last_report_ && st.id == last_rows_->id) return *last_rows_;
  auto [it, fresh] = rows_.try_emplace(st.id);
  StatementRows& r = it->second;
  if (fresh) {
    r.id = st.id;
    r.prefix = std::string(st.kind == stats::StatementKind::kInsert ? "write" : "query") + id_tags_ +
               ",statement_id=" + escape_tag(st.id) +
               ",statement_name=" + escape_tag(st.name) +
               ",number_targets=" + std::to_string(st.number_targets) +
               ",precision=" + escape_tag(st.precision) + ",writers=" + std::to_string(st.writers) +
               ",readers=" + std::to_string(st.readers) +
               ",write_interval=" + std::to_string(st.write_interval_ns) + "ns" +
               ",query_interval=" + std::to_string(st.query_interval_ns) + "ns" +
               ",batch_size=" + std::to_string(st.batch_size);
    if (!st.api.empty()) r.prefix += ",api=" + escape_tag(st.api) + ",gzip=" + std::to_string(st.gzip_level);
    if (st.kind == stats::StatementKind::kInsert) {
      r.prefix += ",number_fields=" + std::to_string(st.number_fields) +
                  ",number_series=" + std::to_string(st.series) +
                  ",number_points_write=" + std::to_string(st.points_requested);
    }
    r.prefix += ' ';
  }
  last_report_ = &st;
  last_rows_ = &r;
  return r;
}

size_t ResultsRows::add_sample(const stats::StatementReport& st, const engine::Sample& s, std::string* out) {
  // The control thread pays this per request attempt: no allocation once the buffer has
  // grown, fields written in place (bench/results_rows_bench).
  StatementRows& r = rows_for(st);
  char fields[14 * 40];  // 14 fields of at most 40 bytes each (put_int_field), written in place
  char* p = fields;
  p = put_int_field(p, "status_code=", s.status);
  p = put_int_field(p, ",response_time_ns=", s.latency_ns);
  p = put_int_field(p, ",num_bytes=", st.kind == stats::StatementKind::kInsert ? s.request_bytes : s.response_bytes);
  p = put_int_field(p, ",points=", s.points);
  p = put_int_field(p, ",attempt=", s.attempt);
  p = s.final ? put(p, ",final=true") : put(p, ",final=false");
  p = put_int_field(p, ",failure_class=", static_cast<int>(s.failure));
  if (s.error != 0) p = put_int_field(p, ",errno=", s.error);  // the OS error of a transport failure
  p = put_int_field(p, ",dropped=", s.dropped);
  p = put_int_field(p, ",request_bytes=", s.request_bytes);
  p = put_int_field(p, ",response_bytes=", s.response_bytes);
  p = put_int_field(p, ",request_index=", static_cast<int64_t>(s.request_index));
  p = put_int_field(p, ",lag_ns=", s.lag_ns);
  p = put_int_field(p, ",body_bytes=", s.body_bytes);
  *out += r.prefix;
  out->append(fields, static_cast<size_t>(p - fields));
  if (s.message[0] != '\0') add_str(out, "message", std::string(s.message));
  if (s.error != 0) {
    const char* name = strerrorname_np(s.error);  // "ECONNRESET"; null for an unknown number
    if (name != nullptr) add_str(out, "errno_name", name);
  }
  // Rows of one statement share a series: equal timestamps would overwrite each other.
  int64_t ts = s.due_unix_ns > r.last_ts ? s.due_unix_ns : r.last_ts + 1;
  r.last_ts = ts;
  p = fields;
  *p++ = ' ';
  p = std::to_chars(p, p + 24, ts).ptr;
  *p++ = '\n';
  out->append(fields, static_cast<size_t>(p - fields));
  if (!r.delta) r.delta = std::make_unique<stats::RequestStats>();
  r.delta->add(s);
  r.delta_due = std::max(r.delta_due, s.due_unix_ns);
  if (r.delta->attempts < kStatsRowAttempts) return 1;
  return 1 + add_request_stats(st, /*last=*/false, out);
}

size_t ResultsRows::add_request_stats(const stats::StatementReport& st, bool last, std::string* out) {
  StatementRows& r = rows_for(st);
  size_t rows = 0;
  if (r.delta && r.delta->attempts > 0) {
    *out += "request_stats" + id_tags_ + ",statement_id=" + escape_tag(st.id) +
            ",statement_name=" + escape_tag(st.name) + " " + request_stats_fields(*r.delta);
    const int64_t ts = r.delta_due > r.last_stats_ts ? r.delta_due : r.last_stats_ts + 1;
    r.last_stats_ts = ts;
    *out += ' ' + std::to_string(ts) + '\n';
    r.delta->reset();
    rows = 1;
  }
  if (last) r.delta.reset();
  return rows;
}

size_t ResultsRows::add_interval(const stats::StatementReport& st, const stats::IntervalRecord& r, std::string* out) {
  const std::string tags = id_tags_ + ",statement_id=" + escape_tag(st.id) + ",statement_name=" + escape_tag(st.name);
  const std::string ts = std::to_string(st.intervals.start_unix_ns() + int64_t{r.second} * 1'000'000'000);
  *out += "interval" + tags + " ";
  bool first = true;
  for_each_interval_field([&](const char* name, auto get) {
    add_int(out, name, static_cast<int64_t>(get(r)), first);
    first = false;
  });
  *out += ' ' + ts + '\n';
  // A row per class with failures in this second: the class is a tag (GROUP BY it), and the
  // `interval` row's fields stay the same whatever failed.
  size_t rows = 1;
  const std::vector<std::string>& classes = st.intervals.failure_classes();
  for (size_t i = 0; i < classes.size(); ++i) {
    if (r.by_class[i] == 0) continue;
    const IntervalFailures f{r.second, classes[i], r.by_class[i]};
    std::string fields;
    *out += "interval_failures" + tags;
    for_each_interval_failures_field([&](const char* name, [[maybe_unused]] bool tag, auto get) {
      if constexpr (std::is_same_v<std::decay_t<decltype(get(f))>, std::string>) {
        if (tag) *out += std::string(",") + name + "=" + escape_tag(get(f));
      } else {
        add_int(&fields, name, static_cast<int64_t>(get(f)), fields.empty());
      }
    });
    *out += ' ' + fields + ' ' + ts + '\n';
    ++rows;
  }
  return rows;
}

size_t ResultsRows::add_statement(const stats::StatementReport& st, size_t index, int64_t run_start_ns,
                                  std::string* out) {
  size_t rows = 1;
  *out += "statement" + id_tags_ + ",statement_id=" + escape_tag(st.id) + " ";
  add_int(out, "index", static_cast<int64_t>(index), true);
  for_each_statement_field([&](const char* name, StatementFieldWhen when, auto get) {
    if (statement_field_written(when, st)) add_value(out, name, get(st));
  });
  // Numbers of the samples that the attempt and interval rows cannot give back.
  add_int(out, "interval_late_samples", static_cast<int64_t>(st.intervals.late_samples()));
  if (!st.api.empty()) {  // SPEC §6.4: what gzip did; raw bytes are in no other row
    add_real(out, "compression_ratio", stats::compression_ratio(st));
    add_int(out, "raw_body_bytes", static_cast<int64_t>(st.stats.raw_body_bytes));
    add_int(out, "encoded_body_bytes", static_cast<int64_t>(st.stats.encoded_body_bytes));
  }
  *out += ' ' + std::to_string(run_start_ns + static_cast<int64_t>(index)) + '\n';
  for (const stats::AddressStats& a : st.by_address) {  // --by-address: one row per address
    ++rows;
    *out += "address" + id_tags_ + ",statement_id=" + escape_tag(st.id) +
            ",address=" + escape_tag(a.address) + " ";
    add_int(out, "requests_ok", static_cast<int64_t>(a.requests_ok), true);
    add_int(out, "requests_failed", static_cast<int64_t>(a.requests_failed));
    add_int(out, "retries", static_cast<int64_t>(a.retries));
    add_int(out, "points_accepted", static_cast<int64_t>(a.points_accepted));
    add_int(out, "p99_ns", a.latency.value_at_percentile(99));
    *out += ' ' + std::to_string(run_start_ns + static_cast<int64_t>(index)) + '\n';
  }
  // SPEC §7.1: measurement `server`, one row per source per second of the statement's window
  // (counters as per-second rates, server_cpu in cores, gauges as read; --server-metric
  // values under their own names).
  for (size_t order = 0; order < st.server.size(); ++order) {
    const stats::ServerSourceStats& src = st.server[order];
    const std::string source_tags = id_tags_ + ",statement_id=" + escape_tag(st.id) +
                                    ",source=" + escape_tag(src.source) + ",kind=" + escape_tag(src.kind);
    // The source over the whole window (`server_source`), what the report's block says.
    *out += "server_source" + source_tags + " ";
    ++rows;
    add_int(out, "order", static_cast<int64_t>(order), true);
    for_each_server_source_field([&](const char* name, auto get) {
      const auto& v = get(src);
      using T = std::decay_t<decltype(v)>;
      if constexpr (std::is_same_v<T, std::optional<double>>) {
        if (v && std::isfinite(*v)) add_real(out, name, *v);
      } else {
        add_value(out, name, v);
      }
    });
    constexpr auto kReplace = nlohmann::json::error_handler_t::replace;  // bytes are not always UTF-8
    if (!src.shared_with.empty()) add_str(out, "shared_with", nlohmann::json(src.shared_with).dump(-1, ' ', false, kReplace));
    if (!src.extra.empty()) add_str(out, "extra", nlohmann::json(src.extra).dump(-1, ' ', false, kReplace));
    *out += ' ' + std::to_string(run_start_ns + static_cast<int64_t>(index)) + '\n';
    const std::string tags = "server" + source_tags + " ";
    for (const stats::ServerSecond& sec : src.seconds) {
      ++rows;
      *out += tags;
      *out += src.counts_rows ? "counts_rows=true" : "counts_rows=false";
      for (size_t k = 0; k < stats::kServerMetricCount; ++k) {
        if (sec.values[k] && std::isfinite(*sec.values[k])) {
          add_real(out, stats::server_metric_name(static_cast<stats::ServerMetric>(k)), *sec.values[k]);
        }
      }
      for (const auto& [name, value] : sec.extra) {
        if (std::isfinite(value)) add_real(out, escape_tag(name).c_str(), value);
      }
      *out += ' ' + std::to_string(sec.unix_ns) + '\n';
    }
  }
  return rows;
}

void ResultsRows::add_run(const stats::RunSummary& run, size_t statements, std::string* out) {
  *out += "run" + id_tags_ + " ";
  add_int(out, "statements", static_cast<int64_t>(statements), true);
  add_int(out, "duration_ns", run.duration_ns);
  add_real(out, "cpu_user_s", run.cpu_user_s);
  add_real(out, "cpu_system_s", run.cpu_system_s);
  add_bool(out, "interrupted", run.interrupted);
  add_int(out, "reactors", run.reactors);
  add_bool(out, "send_zc", run.send_zc);
  add_int(out, "sends", static_cast<int64_t>(run.engine.sends));
  add_int(out, "zero_copy_sends", static_cast<int64_t>(run.engine.zero_copy_sends));
  add_int(out, "zero_copy_fallbacks", run.engine.zero_copy_fallbacks);
  add_int(out, "mapped_sends", static_cast<int64_t>(run.engine.mapped_sends));
  add_int(out, "recv_buffer_shortages", static_cast<int64_t>(run.engine.recv_buffer_shortages));
  add_int(out, "cq_overflows", static_cast<int64_t>(run.engine.cq_overflows));
  add_int(out, "reconnects", static_cast<int64_t>(run.engine.reconnects));
  if (run.shards > 1) add_int(out, "shards", run.shards);
  if (!run.shard_error.empty()) add_str(out, "shard_error", run.shard_error);
  if (!run.internal_error.empty()) add_str(out, "internal_error", run.internal_error);
  *out += ' ' + std::to_string(run.start_unix_ns) + '\n';
}

}  // namespace stressql::results
