#pragma once
// Building INSERT templates in code rather than by parsing text: for tests and benchmarks
// that want a statement of an exact shape. What the parser would produce from
// `server-[int inc(0) 10]` is {lit("server-"), gen(kInt, kInc, 0, 10)}.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "parser/script.h"

namespace stressql::parser::build {

inline Segment lit(std::string text) {
  Segment s;
  s.literal = std::move(text);
  return s;
}

inline Segment gen(ValueType type, ValueFn fn, int64_t arg, int64_t count) {
  Segment s;
  s.kind = Segment::Kind::kGenerator;
  s.generator = Generator{type, fn, arg, count, {}};
  return s;
}

inline Segment list(std::vector<std::string> items) {
  Segment s;
  s.kind = Segment::Kind::kList;
  s.list.items = std::move(items);
  return s;
}

inline KeyValue kv(std::string key, std::vector<Segment> value) {
  return KeyValue{std::move(key), std::move(value), {}};
}

}  // namespace stressql::parser::build
