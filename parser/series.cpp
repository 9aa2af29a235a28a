#include "parser/series.h"

#include "parser/text.h"

namespace stressql::parser {

uint64_t segment_cardinality(const Segment& s) {
  if (!s.per.empty()) return 1;  // drawn per value of another tag: no series of its own
  switch (s.kind) {
    case Segment::Kind::kLiteral:
      return 1;
    case Segment::Kind::kGenerator:
      return static_cast<uint64_t>(s.generator.count);
    case Segment::Kind::kList:
      return s.list.items.size();
  }
  return 1;
}

uint64_t series_count(const InsertStmt& insert) {
  uint64_t s = 1;
  for (const KeyValue& tag : insert.tags) {
    for (const Segment& seg : tag.value) s = saturating_mul(s, segment_cardinality(seg));
  }
  return s;
}

uint64_t timestamp_count(const InsertStmt& insert) {
  uint64_t s = series_count(insert);
  if (s == 0) return 0;
  uint64_t n = static_cast<uint64_t>(insert.count);
  return n / s + (n % s != 0);
}

uint64_t request_count(const InsertStmt& insert, int64_t batch_size) {
  uint64_t n = static_cast<uint64_t>(insert.count);
  uint64_t b = batch_size < 1 ? 1 : static_cast<uint64_t>(batch_size);
  return n / b + (n % b != 0);
}

}  // namespace stressql::parser
