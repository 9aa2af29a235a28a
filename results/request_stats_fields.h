#pragma once
// The fields of the `request_stats` results row (SPEC §5), each named once: what one
// statement's RequestStats gained since its previous such row (a delta), so `stressql
// report` rebuilds a statement's totals and histograms by adding up these rows, one or a few
// per second of the run, instead of replaying one `write`/`query` row per attempt.
// ResultsRows writes the row from these lists and request_stats_from_row reads it back.

#include <string>

#include "base/status.h"
#include "results/influxql_answer.h"
#include "stats/statement_report.h"

namespace stressql::results {

// Calls f(name, get) for every integer field, in row order; get(stats) is a reference to
// the RequestStats member (const when the stats are).
template <class F>
void for_each_request_stats_field(F&& f) {
  f("requests_ok", [](auto& s) -> auto& { return s.requests_ok; });
  f("requests_failed", [](auto& s) -> auto& { return s.requests_failed; });
  f("attempts", [](auto& s) -> auto& { return s.attempts; });
  f("retries", [](auto& s) -> auto& { return s.retries; });
  f("points_accepted", [](auto& s) -> auto& { return s.points_accepted; });
  f("points_dropped", [](auto& s) -> auto& { return s.points_dropped; });
  f("points_failed", [](auto& s) -> auto& { return s.points_failed; });
  f("request_bytes", [](auto& s) -> auto& { return s.request_bytes; });
  f("response_bytes", [](auto& s) -> auto& { return s.response_bytes; });
  f("requests_rendered", [](auto& s) -> auto& { return s.requests_rendered; });
  f("points_rendered", [](auto& s) -> auto& { return s.points_rendered; });
  f("requests_retried", [](auto& s) -> auto& { return s.requests_retried; });
  f("most_attempts", [](auto& s) -> auto& { return s.most_attempts; });
  f("retry_lost_total_ns", [](auto& s) -> auto& { return s.retry_lost_total_ns; });
  f("sends", [](auto& s) -> auto& { return s.sends; });
  f("sent_points", [](auto& s) -> auto& { return s.sent_points; });
  f("sent_body_bytes", [](auto& s) -> auto& { return s.sent_body_bytes; });
  f("raw_body_bytes", [](auto& s) -> auto& { return s.raw_body_bytes; });
  f("encoded_body_bytes", [](auto& s) -> auto& { return s.encoded_body_bytes; });
  f("first_due_unix_ns", [](auto& s) -> auto& { return s.first_due_unix_ns; });
  f("last_send_unix_ns", [](auto& s) -> auto& { return s.last_send_unix_ns; });
  f("sent_late", [](auto& s) -> auto& { return s.sent_late; });
}

// The same for the histograms, string fields in Histogram::encode_text's form; a histogram
// with no value is left out of the row.
template <class F>
void for_each_request_stats_histogram(F&& f) {
  f("latency", [](auto& s) -> auto& { return s.latency; });
  f("latency_from_send", [](auto& s) -> auto& { return s.latency_from_send; });
  f("lag", [](auto& s) -> auto& { return s.lag; });
  f("retry_lost", [](auto& s) -> auto& { return s.retry_lost; });
}

// Besides those, two string fields hold the maps as JSON objects, left out when empty:
// `failures` (class → final failures) and `statuses` (HTTP status → attempts).

// The row's fields (no tags, no timestamp): "requests_ok=3i,…,latency=\"h1;…\"".
std::string request_stats_fields(const stats::RequestStats& delta);

// Adds one `request_stats` row to *stats. A field that is not there counts as zero (empty);
// a histogram or map that does not decode is an error naming the row and the field (the
// rebuild stops: a report missing part of its samples would look whole). `scratch` is the
// caller's, reused from row to row so that no row allocates histograms.
base::Status add_request_stats_row(const QueryRow& row, stats::RequestStats* stats, stats::RequestStats* scratch);

// "SELECT statement_id, \"shard\", <every field> FROM request_stats": the query of them.
std::string request_stats_select();

}  // namespace stressql::results
