#include "cli/token_flags.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <ostream>

namespace stressql::cli {

bool read_secret_file(const std::string& flag, const std::string& path, std::ostream& err,
                      std::string* out) {
  // The whole file, less one line end: a secret may begin or end with blanks, and they are
  // part of it (as kubectl's and docker's secret files are read).
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) {
    err << "stressql: " << flag << ": cannot read " << path << "\n";
    return false;
  }
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
  }
  if (text.empty()) {
    err << "stressql: " << flag << ": " << path << " is empty; expected the secret\n";
    return false;
  }
  // It goes into an HTTP header: a line break there would start another header.
  if (text.find_first_of("\r\n") != std::string::npos) {
    err << "stressql: " << flag << ": " << path
        << " holds more than one line; expected the secret alone (one line end after it at most)\n";
    return false;
  }
  *out = std::move(text);
  return true;
}

void add_token_flags(CLI::App* run, TokenArgs* args) {
  run->add_option("--token", args->token,
                  "API token for InfluxDB 2.x/3.x (visible in `ps`: prefer --token-file or "
                  "STRESSQL_TOKEN); never printed or stored");
  run->add_option("--token-file", args->token_file, "read the API token from FILE (all of it, less one line end)");
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
