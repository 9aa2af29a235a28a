#pragma once
// The credentials of the results server (--results), for every command that speaks to it:
// run and find-max (rows, barriers), report and compare (reading rows back).
// --results-user with --results-password-file or STRESSQL_RESULTS_PASSWORD (1.x), or
// --results-token-file or STRESSQL_RESULTS_TOKEN (2.x/3.x); a user and password in the URL
// (http://user:password@host:port) count too. Never the load's credentials: the results
// server may be someone else's. Never printed or stored.

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "net/results_endpoint.h"

namespace CLI {
class App;
}

namespace stressql::cli {

struct ResultsArgs {
  std::string url = "http://localhost:8086";  // report and compare; run's is RunOptions'
  std::string user;                           // --results-user
  std::string password_file;                  // --results-password-file
  std::string token_file;                     // --results-token-file
};

// Adds --results (into args->url) to report and compare.
void add_results_url_flag(CLI::App* cmd, ResultsArgs* args, const std::string& help);
// Adds --results-user, --results-password-file and --results-token-file.
void add_results_credential_flags(CLI::App* cmd, ResultsArgs* args);

// The results server `url` with its credentials (the files, then the environment, then the
// URL's userinfo; --results-user over the URL's user). False, with a message on `err`, for
// a malformed URL or a secret file that cannot be read.
bool results_server(const std::string& url, const ResultsArgs& args, std::ostream& err,
                    net::ServerAddress* out);

// results_server(), then its API asked (GET /ping) and the endpoint built. `org` is the
// 2.x organisation (--org). False with a message on `err`; nothing else was sent.
bool open_results_server(const std::string& url, const ResultsArgs& args, const std::string& org,
                         int64_t timeout_ns, const std::atomic<bool>* stop, std::ostream& err,
                         net::ResultsEndpoint* out);

}  // namespace stressql::cli
