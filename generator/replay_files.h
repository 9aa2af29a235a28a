#pragma once
// Where a replay INSERT's file is (SPEC §7.3: relative to the script's directory), and the
// check that every one of a script's files can be read, which `stressql check` and `run`
// make after parsing so a missing file is an error at its path, before anything is sent.

#include <string>
#include <vector>

#include "parser/parser.h"
#include "parser/script.h"

namespace stressql::generator {

// `path` as written in a script whose directory is `script_directory` ("" or "." for the
// working directory): absolute paths stay, relative ones are joined to the directory.
std::string resolve_replay_path(const std::string& script_directory, const std::string& path);

// Appends a Diagnostic at the path's position for every INSERT … FROM whose file cannot be
// opened and read (missing, a directory, no permission). Reads a few bytes of each file.
void check_replay_files(const parser::Script& script, std::vector<parser::Diagnostic>* errors);

}  // namespace stressql::generator
