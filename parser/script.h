#pragma once
// The typed form of a stressql script (SPEC §1–3). Produced by Parser, read by
// statements/ and by `stressql check`. Plain data: no I/O, no ownership tricks.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "parser/settings.h"

namespace stressql::parser {

// A place in the script file. Line and column are 1-based; columns count bytes.
struct SourcePos {
  int line = 0;
  int column = 0;
};

// ---- Templates (SPEC §3 INSERT) ----

enum class ValueType { kInt, kFloat, kStr };
// kWalk, kCounter and kNormal are SPEC §7.2's realistic-data templates: they take
// several decimal arguments (`args`) and no count (count stays 0).
enum class ValueFn { kInc, kRand, kWalk, kCounter, kNormal };

// `[<type> <fn>(<arg>) <count>]`. count == 0 means unbounded: a new value at every timestamp.
// walk(start, step, min, max), counter(start, max_step), normal(mean, stddev): args[].
struct Generator {
  ValueType type = ValueType::kInt;
  ValueFn fn = ValueFn::kInc;
  int64_t arg = 0;
  int64_t count = 0;
  SourcePos pos;
  double args[4] = {};
  int decimals = 0;  // float walk/normal: digits after the point, the most any argument shows

  // True for the templates that draw a value per series and point (SPEC §7.2).
  bool per_series() const {
    return fn == ValueFn::kWalk || fn == ValueFn::kCounter || fn == ValueFn::kNormal;
  }
};

// `[a|b|c]`: cycled in order. Items are the raw text between the bars, unescaped.
struct ValueList {
  std::vector<std::string> items;
  SourcePos pos;
};

// One piece of a tag or field value: literal text (copied as written, already in
// line-protocol form), a generator, or a list. Generated values and list items are
// escaped by the renderer for the place they stand in.
struct Segment {
  enum class Kind { kLiteral, kGenerator, kList };
  Kind kind = Kind::kLiteral;
  std::string literal;
  Generator generator;
  ValueList list;
  SourcePos pos;
  // `[... per <tagkey>]` in a tag (SPEC §7.2): drawn once per value of that earlier tag;
  // adds no series. Empty when absent.
  std::string per;
  SourcePos per_pos;
};

// A tag value may mix literal text and templates (`host=server-[int inc(0) 10]`); each
// template in it is one series dimension, in written order. A field value is either
// one literal segment or exactly one template/list segment (the parser enforces it).
struct KeyValue {
  std::string key;  // as written (line-protocol form)
  std::vector<Segment> value;
  SourcePos pos;
};

struct InsertStmt {
  std::string name;
  std::string measurement;  // as written (line-protocol form)
  std::vector<KeyValue> tags;
  std::vector<KeyValue> fields;
  int64_t count = 0;        // total points, >= 0
  int64_t interval_ns = 0;  // time between the points of one series
  // `INSERT <name> FROM '<path>'` (SPEC §7.3): the lines of a file are replayed and the
  // template members above stay empty. The path as written (relative to the script's
  // directory unless absolute); empty for a templated INSERT.
  std::string from_path;
  SourcePos from_pos;  // the path's opening quote
  bool replay() const { return !from_path.empty(); }
};

// Query variables used by a QUERY text.
enum QueryVar : uint8_t { kVarM = 1, kVarF = 2, kVarT = 4, kVarA = 8 };

struct QueryStmt {
  std::string name;
  std::string text;    // line breaks already turned into spaces; `%x` left in place
  int64_t count = 0;   // DO n, n >= 1
  uint8_t vars = 0;    // QueryVar bits; non-zero means templated
};

struct SetStmt {
  SetName name = SetName::kDatabase;
  std::string name_text;  // as written
  std::string value;      // text between [ and ], blanks trimmed, case kept
  SourcePos value_pos;
};

struct WaitStmt {};

struct ExecStmt {
  std::string command;  // rest of the line, for /bin/sh -c
};

// A block passed to /query as written.
struct InfluxQLStmt {
  std::string text;
  bool is_read = false;  // SELECT or SHOW: sent with GET; everything else POST
};

using StatementBody =
    std::variant<SetStmt, InsertStmt, QueryStmt, WaitStmt, ExecStmt, InfluxQLStmt>;

struct Statement {
  std::string id;   // 10 lowercase hex characters
  bool go = false;  // started in the background (INSERT, QUERY, EXEC only)
  SourcePos pos;    // first character of the statement (the GO keyword when present)
  StatementBody body;
};

struct Script {
  std::string file;       // path as given
  std::string directory;  // directory of the file (EXEC runs here)
  std::vector<Statement> statements;
};

}  // namespace stressql::parser
