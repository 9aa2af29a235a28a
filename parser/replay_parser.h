#pragma once
// `INSERT <name> FROM '<path>'` (SPEC §7.3): the replay form of INSERT. Only the syntax is
// checked here (the parser does no I/O); generator/replay_files.h checks that the file
// can be read, at the path's position.

#include "parser/lexer.h"
#include "parser/parser.h"
#include "parser/script.h"

namespace stressql::parser {

// Whether the cursor (just after an INSERT's name and the blanks after it) is on the
// FROM form: the word FROM (any case) followed by blanks and a quote, or by a word that
// cannot be a template's field list (so `FROM data.lp` gets the replay error, while a
// measurement named FROM still parses as a template).
bool at_replay_from(const Lexer& lx);

// REQUIRES: at_replay_from(*lx). Reads `FROM '<path>'` into out->from_path / from_pos;
// nothing may follow. On error fills *err and returns false.
bool parse_replay_from(Lexer* lx, InsertStmt* out, Diagnostic* err);

}  // namespace stressql::parser
