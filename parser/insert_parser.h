#pragma once
// INSERT (SPEC §3): `INSERT <name> <measurement>,<tags> <fields> <count> <interval>`
// with free layout, templates in tag and field values, and every range check that
// can be done before anything runs.

#include "parser/lexer.h"
#include "parser/parser.h"
#include "parser/script.h"
#include "parser/settings.h"

namespace stressql::parser {

// REQUIRES: the cursor is just after the INSERT keyword. `settings` are the values in
// force where the INSERT starts (StartDate bounds its last timestamp). On error fills
// *err and returns false; out->name is set as soon as it was read, so callers can
// still match QUERY names against a broken INSERT.
bool parse_insert(Lexer* lx, const Settings& settings, InsertStmt* out, Diagnostic* err);

// Whether `text` is a field value line protocol accepts as written: a float, an
// integer with `i` or `u` suffix, a boolean, or a double-quoted string.
bool is_field_literal(std::string_view text);

}  // namespace stressql::parser
