#pragma once
// The command line of stressql (main.cpp calls it). It lives in stressql_cli, beside the other
// files that include <CLI/CLI.hpp>, so CLI11 compiles once (cli/CMakeLists.txt).

namespace stressql::cli {

// Parses argv and runs the subcommand; returns the process's exit status.
int run_command_line(int argc, char** argv);

}  // namespace stressql::cli
