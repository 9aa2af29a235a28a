#include "cli/results_flags.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <ostream>

#include "cli/token_flags.h"

namespace stressql::cli {

void add_results_url_flag(CLI::App* cmd, ResultsArgs* args, const std::string& help) {
  cmd->add_option("--results", args->url, help)->capture_default_str();
}

void add_results_credential_flags(CLI::App* cmd, ResultsArgs* args) {
  cmd->add_option("--results-user", args->user,
                  "user name at a 1.x --results server (Basic auth); the password comes from "
                  "--results-password-file or STRESSQL_RESULTS_PASSWORD");
  cmd->add_option("--results-password-file", args->password_file,
                  "password of --results-user, from FILE (all of it, less one line end)");
  cmd->add_option("--results-token-file", args->token_file,
                  "API token of the --results server, from FILE (else STRESSQL_RESULTS_TOKEN); "
                  "the load's credentials never go there");
}

bool results_server(const std::string& url, const ResultsArgs& args, std::ostream& err,
                    net::ServerAddress* out) {
  *out = net::ServerAddress();
  std::string error;
  if (!net::parse_server_url(url, out, &error)) {
    err << "stressql: --results: " << error << "\n";
    return false;
  }
  net::Credentials& c = out->credentials;
  if (!args.user.empty()) c.username = args.user;
  if (!args.password_file.empty()) {
    if (!read_secret_file("--results-password-file", args.password_file, err, &c.password)) return false;
  } else if (const char* pw = std::getenv("STRESSQL_RESULTS_PASSWORD"); pw != nullptr && *pw != '\0') {
    c.password = pw;
  }
  if (!args.token_file.empty()) {
    if (!read_secret_file("--results-token-file", args.token_file, err, &c.token)) return false;
  } else if (const char* token = std::getenv("STRESSQL_RESULTS_TOKEN"); token != nullptr && *token != '\0') {
    c.token = token;
  }
  if (!c.password.empty() && c.username.empty()) {
    err << "stressql: a password for the --results server needs --results-user\n";
    return false;
  }
  return true;
}

bool open_results_server(const std::string& url, const ResultsArgs& args, const std::string& org,
                         int64_t timeout_ns, const std::atomic<bool>* stop, std::ostream& err,
                         net::ResultsEndpoint* out) {
  net::ServerAddress server;
  if (!results_server(url, args, err, &server)) return false;
  server.org = org;
  std::string api_text;
  if (base::Status st = net::open_results_endpoint(server, std::chrono::milliseconds(timeout_ns / 1'000'000),
                                                   stop, out, &api_text);
      !st) {
    err << "stressql: " << st.message() << "\n";
    return false;
  }
  return true;
}

}  // namespace stressql::cli
