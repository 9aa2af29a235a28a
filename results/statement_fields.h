#pragma once
// The fields of the `statement` results row (SPEC §5), each named once. The row is written
// (ResultsRows::add_statement), read back (`stressql report`) and copied (shard merge,
// find-max steps) from this one list, so a member of StatementReport listed here travels
// everywhere. Not listed: what the attempt, interval and address rows carry (stats,
// intervals, by_address), which are rebuilt from those.

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "stats/statement_report.h"

namespace stressql::results {

// Where a field goes: kTag is a tag of the row (the id), the others are fields, kRated ones
// only under a rate (rate.open_loop()), kApi ones only once the API is known (api set).
enum class StatementFieldWhen { kTag, kAlways, kRated, kApi };

// Calls f(name, when, get) for every field, in row order; get(report) is a reference to the
// field's member (const when the report is). Types: bool, int, int64_t, uint64_t, double,
// std::string and StatementKind (written as kind_name).
template <class F>
void for_each_statement_field(F&& f) {
  using W = StatementFieldWhen;
  f("statement_id", W::kTag, [](auto& r) -> auto& { return r.id; });
  f("kind", W::kAlways, [](auto& r) -> auto& { return r.kind; });
  f("name", W::kAlways, [](auto& r) -> auto& { return r.name; });
  f("go", W::kAlways, [](auto& r) -> auto& { return r.go; });
  f("ran", W::kAlways, [](auto& r) -> auto& { return r.ran; });
  f("ok", W::kAlways, [](auto& r) -> auto& { return r.ok; });
  f("offline", W::kAlways, [](auto& r) -> auto& { return r.offline; });
  f("error", W::kAlways, [](auto& r) -> auto& { return r.error; });
  f("warning", W::kAlways, [](auto& r) -> auto& { return r.warning; });
  f("hint", W::kAlways, [](auto& r) -> auto& { return r.hint; });
  f("start_unix_ns", W::kAlways, [](auto& r) -> auto& { return r.start_unix_ns; });
  f("duration_ns", W::kAlways, [](auto& r) -> auto& { return r.duration_ns; });
  f("points_requested", W::kAlways, [](auto& r) -> auto& { return r.points_requested; });
  f("requests_planned", W::kAlways, [](auto& r) -> auto& { return r.requests_planned; });
  f("requests_not_sent", W::kAlways, [](auto& r) -> auto& { return r.requests_not_sent; });
  f("points_not_sent", W::kAlways, [](auto& r) -> auto& { return r.points_not_sent; });
  f("points_skipped", W::kAlways, [](auto& r) -> auto& { return r.points_skipped; });
  f("data_shape", W::kAlways, [](auto& r) -> auto& { return r.data_shape; });
  f("series", W::kAlways, [](auto& r) -> auto& { return r.series; });
  f("http_status", W::kAlways, [](auto& r) -> auto& { return r.http_status; });
  f("server_message", W::kAlways, [](auto& r) -> auto& { return r.server_message; });
  f("exit_status", W::kAlways, [](auto& r) -> auto& { return r.exit_status; });
  f("set_value", W::kAlways, [](auto& r) -> auto& { return r.set_value; });
  f("number_targets", W::kAlways, [](auto& r) -> auto& { return r.number_targets; });
  f("precision", W::kAlways, [](auto& r) -> auto& { return r.precision; });
  f("writers", W::kAlways, [](auto& r) -> auto& { return r.writers; });
  f("readers", W::kAlways, [](auto& r) -> auto& { return r.readers; });
  f("write_interval_ns", W::kAlways, [](auto& r) -> auto& { return r.write_interval_ns; });
  f("query_interval_ns", W::kAlways, [](auto& r) -> auto& { return r.query_interval_ns; });
  f("batch_size", W::kAlways, [](auto& r) -> auto& { return r.batch_size; });
  f("number_fields", W::kAlways, [](auto& r) -> auto& { return r.number_fields; });
  f("rate_unit", W::kRated, [](auto& r) -> auto& { return r.rate.unit; });  // the target as numbers
  f("rate_from", W::kRated, [](auto& r) -> auto& { return r.rate.from; });
  f("rate_to", W::kRated, [](auto& r) -> auto& { return r.rate.to; });
  f("rate_ramp_ns", W::kRated, [](auto& r) -> auto& { return r.rate.ramp_ns; });
  f("rate_units_per_request", W::kRated, [](auto& r) -> auto& { return r.rate.units_per_request; });
  f("rate_per_request", W::kRated, [](auto& r) -> auto& { return r.rate.per_request; });
  f("rate_slack_ns", W::kRated, [](auto& r) -> auto& { return r.rate.slack_ns; });
  f("api", W::kApi, [](auto& r) -> auto& { return r.api; });  // SPEC §6.4: the API, why, gzip
  f("api_reason", W::kApi, [](auto& r) -> auto& { return r.api_reason; });
  f("write_options", W::kApi, [](auto& r) -> auto& { return r.write_options; });
  f("gzip_level", W::kApi, [](auto& r) -> auto& { return r.gzip_level; });
}

// Whether the row of `r` has a field written `when` (kTag: no, it is a tag).
bool statement_field_written(StatementFieldWhen when, const stats::StatementReport& r);

// A results row as InfluxDB's JSON answer gives it: column (tag or field) → value.
using ResultsRow = std::map<std::string, nlohmann::json>;

// Sets every listed member of *r that `row` holds (others keep their defaults).
void statement_from_row(const ResultsRow& row, stats::StatementReport* r);

// Copies every listed member (a StatementReport is not copyable: its histograms are big).
void copy_statement_fields(const stats::StatementReport& from, stats::StatementReport* to);

}  // namespace stressql::results
