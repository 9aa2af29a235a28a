#pragma once
// Reads rows of the _stressTest store back with InfluxQL: chunked answers (InfluxDB 1.x
// sends one JSON object per chunk of `chunk_rows` rows), each walked as soon as it arrives,
// so a test's millions of attempt rows cost the memory of one chunk.

#include <chrono>
#include <cstddef>
#include <string>

#include "base/status.h"
#include "net/results_endpoint.h"
#include "results/influxql_answer.h"

namespace stressql::results {

class RowReader {
 public:
  static constexpr size_t kChunkRows = 10000;
  // How long the server may stay silent in the middle of an answer.
  static constexpr std::chrono::seconds kIdleLimit{120};

  // `results`: the results server (its API's InfluxQL reads and credentials, net/).
  explicit RowReader(net::ResultsEndpoint results, size_t chunk_rows = kChunkRows)
      : results_(std::move(results)), chunk_rows_(chunk_rows) {}

  // Runs `query` on _stressTest (epoch=ns) and calls `visit` for every row, in answer order.
  // Errors: the server's (unreachable, HTTP status, a query error), a malformed chunk or row
  // (named by its row number), or the visitor's own. `chunk_rows`: rows per chunk for this
  // query (0: the reader's), smaller for rows that are large (`request_stats`).
  base::Status select(const std::string& query, const RowVisitor& visit, size_t chunk_rows = 0) const;

  const std::string& host_port() const { return results_.host_port; }

 private:
  const net::ResultsEndpoint results_;
  const size_t chunk_rows_;
};

// `s` as an InfluxQL string literal: 'it\'s'.
std::string influxql_string(const std::string& s);

}  // namespace stressql::results
