#pragma once
// The API token of InfluxDB 2.x/3.x (SPEC §6.4): --token, --token-file or STRESSQL_TOKEN,
// never from the script; and --results-token-file for a v2/v3 reporting server. Tokens
// are never printed, stored in results rows or written to the JSON.

#include <iosfwd>
#include <string>

// Only the .cpp files that define flags include <CLI/CLI.hpp>: it costs seconds per file.
namespace CLI {
class App;
}  // namespace CLI

namespace stressql::cli {

struct TokenArgs {
  std::string token;               // --token (visible in `ps`: a warning says so)
  std::string token_file;          // --token-file
  std::string results_token_file;  // --results-token-file
};

// Adds --token, --token-file and --results-token-file to `run`.
void add_token_flags(CLI::App* run, TokenArgs* args);

// The token for the load: --token, else the file's first line, else STRESSQL_TOKEN, else
// empty. The results token: its file's first line, else empty. Writes the
// warning for --token and any error to `err`; false (a usage error) when a file cannot be
// read or is empty.
bool read_tokens(const TokenArgs& args, std::ostream& err, std::string* token,
                 std::string* results_token);

}  // namespace stressql::cli
