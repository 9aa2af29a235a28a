#pragma once
// The API token of InfluxDB 2.x/3.x (SPEC §6.4): --token, --token-file or STRESSQL_TOKEN,
// never from the script. (The results server's credentials: cli/results_flags.h.) Tokens
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
};

// Adds --token and --token-file to `run`.
void add_token_flags(CLI::App* run, TokenArgs* args);

// The token for the load: --token, else the file (read_secret_file), else STRESSQL_TOKEN, else
// empty. Writes the warning for --token and any error to `err`; false (a usage error) when
// the file cannot be read or is empty.
bool read_tokens(const TokenArgs& args, std::ostream& err, std::string* token);

// A secret kept in a file: all of `path` less one trailing line end ("\n" or "\r\n"), its
// blanks kept, into *out. False, with "stressql: <flag>: …" on `err`, when it cannot be read,
// is empty, or holds a line break beyond that one (a secret goes into an HTTP header).
bool read_secret_file(const std::string& flag, const std::string& path, std::ostream& err,
                      std::string* out);

}  // namespace stressql::cli
