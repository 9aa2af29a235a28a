#pragma once
// Arithmetic over an INSERT's shape (SPEC §3 "Series"), shared by the parser's checks,
// `stressql check` and the statements that run an INSERT.

#include <cstdint>

#include "parser/script.h"

namespace stressql::parser {

// Number of distinct values of a tag template or list: the list's length or the
// generator's count (0 for an unbounded generator; a literal segment counts 1).
uint64_t segment_cardinality(const Segment& s);

// S: the product of the cardinalities of every template in the tags, saturating at
// UINT64_MAX; 1 when the tags hold no template.
uint64_t series_count(const InsertStmt& insert);

// Distinct timestamps the INSERT writes: ceil(count / S).
uint64_t timestamp_count(const InsertStmt& insert);

// Write requests needed for the INSERT's points at `batch_size` points per request.
// REQUIRES: batch_size >= 1.
uint64_t request_count(const InsertStmt& insert, int64_t batch_size);

}  // namespace stressql::parser
