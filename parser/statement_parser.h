#pragma once
// One block → one Statement: InfluxQL passthrough detection, then the stressql
// statements SET, INSERT, QUERY, GO, WAIT and EXEC (SPEC §1, §3).

#include <string>
#include <string_view>

#include "parser/block_splitter.h"
#include "parser/parser.h"
#include "parser/script.h"
#include "parser/settings.h"

namespace stressql::parser {

// Whether `text` is an InfluxQL statement to pass through (SPEC §1); *is_read is set
// for SELECT and SHOW, except SELECT … INTO, which writes and must be POSTed.
bool is_influxql(std::string_view text, bool* is_read);

// What the script-level checks need to know about a block beyond its Statement.
struct BlockNotes {
  std::string insert_name;   // name of an INSERT, even a broken one
  SourcePos query_name_pos;  // where a QUERY's name starts
};

// Parses `block`. `settings` holds the SET values in force and is updated by a SET.
// On error fills *err and returns false; *settings is then unchanged.
bool parse_statement(const Block& block, Settings* settings, Statement* out, BlockNotes* notes,
                     Diagnostic* err);

}  // namespace stressql::parser
