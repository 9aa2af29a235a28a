#pragma once
// The canonical INSERT templates the benchmarks measure (generator_bench, gzip_bench).
#include "parser/script.h"
#include "parser/script_builders.h"

namespace stressql::bench_templates {

using parser::ValueFn;
using parser::ValueType;
using parser::build::gen;
using parser::build::kv;
using parser::build::list;
using parser::build::lit;

// (a) cpu,host=server-[int inc(0) 10000],loc=[us-west|us-east|eu-north] value=[float rand(100) 0]
inline parser::InsertStmt case_a() {
  parser::InsertStmt s;
  s.measurement = "cpu";
  s.tags = {kv("host", {lit("server-"), gen(ValueType::kInt, ValueFn::kInc, 0, 10000)}),
            kv("loc", {list({"us-west", "us-east", "eu-north"})})};
  s.fields = {kv("value", {gen(ValueType::kFloat, ValueFn::kRand, 100, 0)})};
  s.count = 1'000'000'000;
  s.interval_ns = 10'000'000'000;
  return s;
}

// (b) three str rand tags (1000 series), three unbounded float fields
inline parser::InsertStmt case_b() {
  parser::InsertStmt s;
  s.measurement = "mem";
  s.tags = {kv("a", {gen(ValueType::kStr, ValueFn::kRand, 8, 10)}),
            kv("b", {gen(ValueType::kStr, ValueFn::kRand, 8, 10)}),
            kv("c", {gen(ValueType::kStr, ValueFn::kRand, 8, 10)})};
  s.fields = {kv("used", {gen(ValueType::kFloat, ValueFn::kRand, 100, 0)}),
              kv("free", {gen(ValueType::kFloat, ValueFn::kRand, 1000, 0)}),
              kv("total", {gen(ValueType::kFloat, ValueFn::kInc, 0, 0)})};
  s.count = 1'000'000'000;
  s.interval_ns = 10'000'000'000;
  return s;
}

}  // namespace stressql::bench_templates
