#pragma once
// Statement reports of an exact shape, for the tests and benchmarks of results rows.

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "results/statement_fields.h"
#include "stats/statement_report.h"

namespace stressql::stats::testing {

// An INSERT as a two-address, 16-writer, 5000-point-batch run leaves it.
inline StatementReport insert_statement(std::string name, uint64_t points_requested) {
  StatementReport st;
  st.id = "statement-3";
  st.name = std::move(name);
  st.kind = StatementKind::kInsert;
  st.number_targets = 2;
  st.precision = std::string(1, 's');  // a literal here trips gcc 12's -Wrestrict (a false positive)
  st.writers = 16;
  st.batch_size = 5000;
  st.write_interval_ns = 0;
  st.number_fields = 1;
  st.series = 30000;
  st.points_requested = points_requested;
  return st;
}

// Gives every field of the statement row a value of its own, none the default (strings
// with the characters line protocol escapes; kind kQuery).
inline void fill_every_field(StatementReport* r) {
  int n = 0;
  results::for_each_statement_field([&](const char*, results::StatementFieldWhen, auto get) {
    auto& v = get(*r);
    using T = std::decay_t<decltype(v)>;
    ++n;
    if constexpr (std::is_same_v<T, std::string>) {
      v = "v" + std::to_string(n) + " say \"hi\", a=b c:\\x";
    } else if constexpr (std::is_same_v<T, bool>) {
      v = !v;
    } else if constexpr (std::is_same_v<T, double>) {
      v = 0.1 + n;
    } else if constexpr (std::is_same_v<T, StatementKind>) {
      v = StatementKind::kQuery;
    } else {
      v = 1000 + n;
    }
  });
}

// `n` requests 1 ms apart from `first_due`, as the engine reports them: every 7th answered
// 503 first and retried (both attempts' samples), every 11th finally failed (a 500 or a 404),
// the rest 204, with varied latency, lag and sizes.
inline std::vector<engine::Sample> retried_and_failed_samples(int64_t first_due, int n) {
  std::vector<engine::Sample> out;
  for (int i = 0; i < n; ++i) {
    engine::Sample s;
    s.status = 204;
    s.final = true;
    s.attempt = 1;
    s.points = 10;
    s.request_bytes = static_cast<uint32_t>(500 + i);
    s.body_bytes = static_cast<uint32_t>(400 + i);
    s.raw_body_bytes = static_cast<uint32_t>(900 + i);
    s.response_bytes = 3;
    s.due_unix_ns = first_due + i * int64_t{1'000'000};
    s.lag_ns = (i * int64_t{7919}) % 3'000'000;
    s.latency_ns = s.lag_ns + 200'000 + (i * int64_t{104729}) % 5'000'000;
    if (i % 7 == 3) {  // a 503, then its retry
      engine::Sample failed = s;
      failed.status = 503;
      failed.final = false;
      failed.failure = engine::Failure::kHttpStatus;
      out.push_back(failed);
      s.attempt = 2;
      s.lag_ns += 1'000'000;
      s.latency_ns += 1'000'000;
    }
    if (i % 11 == 5) {
      s.status = i % 2 ? 500 : 404;
      s.failure = engine::Failure::kHttpStatus;
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace stressql::stats::testing
