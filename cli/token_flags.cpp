#include "cli/token_flags.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <ostream>

namespace stressql::cli {

bool read_secret_file(const std::string& flag, const std::string& path, std::ostream& err,
                      std::string* out) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    err << "stressql: " << flag << ": cannot read " << path << "\n";
    return false;
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.pop_back();
  }
  if (line.empty()) {
    err << "stressql: " << flag << ": " << path << " starts with an empty line; expected the secret\n";
    return false;
  }
  *out = line;
  return true;
}

void add_token_flags(CLI::App* run, TokenArgs* args) {
  run->add_option("--token", args->token,
                  "API token for InfluxDB 2.x/3.x (visible in `ps`: prefer --token-file or "
                  "STRESSQL_TOKEN); never printed or stored");
  run->add_option("--token-file", args->token_file, "read the API token from FILE (first line)");
}

bool read_tokens(const TokenArgs& args, std::ostream& err, std::string* token) {
  token->clear();
  if (!args.token.empty()) {
    err << "stressql: warning: --token is visible to every user in `ps`; use --token-file or "
           "STRESSQL_TOKEN\n";
    *token = args.token;
  } else if (!args.token_file.empty()) {
    if (!read_secret_file("--token-file", args.token_file, err, token)) return false;
  } else if (const char* env = std::getenv("STRESSQL_TOKEN"); env != nullptr) {
    *token = env;
  }
  return true;
}

}  // namespace stressql::cli
