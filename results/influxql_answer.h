#pragma once
// The one walker of InfluxQL answers (InfluxDB 1.x /query JSON: results → series → columns
// and values), for `stressql report`'s rows and the shard barriers. A chunked answer
// (chunked=true) is one such JSON object per line; ChunkedAnswer walks each line as soon as
// it is whole, so an answer of any length costs the memory of one chunk.

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"

namespace stressql::results {

// One row of a series: its values by column, and the series' tags (GROUP BY). Valid only
// during the visit that receives it.
class QueryRow {
 public:
  QueryRow(const nlohmann::json& tags, const nlohmann::json& columns, const nlohmann::json& values,
           uint64_t number)
      : tags_(tags), columns_(columns), values_(values), number_(number) {}

  // The value of column (or tag) `name`; nullptr when the row has neither, or it is null.
  const nlohmann::json* find(std::string_view name) const;
  // The value as a number / text / bool; `absent` when missing or of another type.
  int64_t integer(std::string_view name, int64_t absent = 0) const;
  double real(std::string_view name, double absent = 0) const;
  std::string text(std::string_view name) const;
  bool flag(std::string_view name) const;
  // 1 for the answer's first row, counted over every series and chunk: errors name it.
  uint64_t number() const { return number_; }
  // Every column and tag that is not null, as column → value.
  std::map<std::string, nlohmann::json> to_map() const;

 private:
  const nlohmann::json& tags_;
  const nlohmann::json& columns_;
  const nlohmann::json& values_;
  const uint64_t number_;
};

// Called for every row in answer order; an error stops the walk and is the walk's error.
using RowVisitor = std::function<base::Status(const QueryRow&)>;

// Walks one answer (or one chunk): every row of every series of every result. Errors: JSON
// that is not an InfluxQL answer, a result's "error", a series without "columns" or
// "values" arrays, a row that is not an array of as many values as columns; the message
// names the row. `*rows` counts the rows walked so far (rows of earlier chunks included).
base::Status walk_influxql_answer(std::string_view json, const RowVisitor& visit, uint64_t* rows);

// A chunked answer, fed as its bytes arrive (net::http_request_streamed's sink).
class ChunkedAnswer {
 public:
  explicit ChunkedAnswer(RowVisitor visit) : visit_(std::move(visit)) {}
  ChunkedAnswer(const ChunkedAnswer&) = delete;
  ChunkedAnswer& operator=(const ChunkedAnswer&) = delete;

  // Takes the next bytes and walks every chunk they complete. False once a chunk failed
  // (status() says why); later bytes are ignored.
  bool feed(std::string_view bytes);
  // The end of the answer: walks a last chunk without its newline. The walk's status.
  base::Status finish();
  const base::Status& status() const { return status_; }
  uint64_t rows() const { return rows_; }

 private:
  void walk_chunk(std::string_view chunk);

  RowVisitor visit_;
  std::string pending_;  // the bytes of the chunk not yet whole
  uint64_t rows_ = 0;
  uint64_t chunks_ = 0;
  base::Status status_;
};

}  // namespace stressql::results
