#pragma once
// QUERY (SPEC §3): `QUERY <name> <query text> DO <n>`; the text may span lines.

#include "parser/lexer.h"
#include "parser/parser.h"
#include "parser/script.h"

namespace stressql::parser {

// REQUIRES: the cursor is just after the QUERY keyword. On success *name_pos is where
// the name starts (for the "no INSERT with that name" check, done once the whole
// script is known). On error fills *err and returns false.
bool parse_query(Lexer* lx, QueryStmt* out, SourcePos* name_pos, Diagnostic* err);

}  // namespace stressql::parser
