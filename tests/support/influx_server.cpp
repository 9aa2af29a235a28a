#include "tests/support/influx_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/engine.h"

namespace stressql::testing {

using Clock = std::chrono::steady_clock;

std::unique_ptr<InfluxServer> InfluxServer::start(std::string* error) {
  return start(Options{}, error);
}

std::unique_ptr<InfluxServer> InfluxServer::start(const Options& options, std::string* error) {
  std::unique_ptr<InfluxServer> s(new InfluxServer());
  s->options_ = options;
  s->dir_ = make_temp_dir("stressql-influxd");
  if (s->dir_.empty()) {
    *error = "cannot create a temporary directory";
    return nullptr;
  }
  // A port found free can be taken before influxd binds it: try a few times.
  for (int attempt = 0; attempt < 5; ++attempt) {
    s->http_port_ = free_port();
    s->rpc_port_ = free_port();
    if (s->launch(error)) return s;
  }
  return nullptr;
}

bool InfluxServer::launch(std::string* error) {
  const std::string conf = dir_ + "/influxdb.conf";
  write_file(conf,
             "reporting-disabled = true\n"
             "bind-address = \"127.0.0.1:" + std::to_string(rpc_port_) + "\"\n"
             "[meta]\n  dir = \"" + dir_ + "/meta\"\n  logging-enabled = false\n"
             "[data]\n  dir = \"" + dir_ + "/data\"\n  wal-dir = \"" + dir_ + "/wal\"\n"
             "  query-log-enabled = false\n"
             // tsi1, not 1.6's default inmem index: with inmem, influxd loses about one run in
             // 150 of a batch it acknowledged (204, counted in /debug/vars' pointsWrittenOK,
             // never returned by a query) when concurrent writes create a new shard (4 of 600
             // runs of 20 concurrent 10-point requests into fresh databases; tsi1: 0 of 1 200;
             // a sink recording stressql's bytes saw every line exactly once in 500 runs).
             "  index-version = \"tsi1\"\n"
             "[monitor]\n  store-enabled = false\n"
             "[subscriber]\n  enabled = false\n"
             "[continuous_queries]\n  enabled = false\n"
             "[http]\n  bind-address = \"127.0.0.1:" + std::to_string(http_port_) + "\"\n"
             "  log-enabled = false\n" +
             (options_.admin_user.empty() ? std::string() : std::string("  auth-enabled = true\n")) +
             (options_.https ? "  https-enabled = true\n  https-certificate = \"" + options_.cert +
                                   "\"\n  https-private-key = \"" + options_.key + "\"\n"
                             : std::string()) +
             "[logging]\n  level = \"warn\"\n  suppress-logo = true\n");
  // setpriv (util-linux, always installed) has the kernel kill influxd when the thread that
  // started it dies: a test binary killed by a time-out or a crash leaves no server behind.
  if (!child_.start({"setpriv", "--pdeathsig", "KILL", "--", "influxd", "run", "-config", conf}, error)) {
    return false;
  }
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < deadline) {
    if (!child_.running()) {
      *error = "influxd exited: " + child_.err();
      return false;
    }
    HttpReply r = request("GET", "/ping", std::chrono::seconds(2));
    if (r.status == 204) return create_admin(error);
    // influxd needs a moment to open its stores; poll its readiness rather than guess.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  child_.stop(SIGKILL, std::chrono::seconds(5));
  *error = "influxd did not answer /ping within 60 s: " + child_.err();
  return false;
}

bool InfluxServer::create_admin(std::string* error) {
  if (options_.admin_user.empty() || admin_created_) return true;
  // With auth on and no user yet, influxd takes exactly this one statement unauthenticated.
  std::string escaped;
  for (char c : options_.admin_password) {
    if (c == '\'' || c == '\\') escaped += '\\';
    escaped += c;
  }
  HttpReply r = http_request(address(), "POST",
                             "/query?q=" + url_escape("CREATE USER \"" + options_.admin_user +
                                                      "\" WITH PASSWORD '" + escaped +
                                                      "' WITH ALL PRIVILEGES"),
                             "", "", std::chrono::seconds(30));
  if (r.status != 200 || r.body.find("\"error\"") != std::string::npos) {
    *error = "cannot create the admin user: HTTP " + std::to_string(r.status) + " " + r.body + r.error;
    return false;
  }
  admin_created_ = true;
  return true;
}

InfluxServer::~InfluxServer() {
  child_.stop(SIGTERM, std::chrono::seconds(10));
  remove_tree(dir_);
}

std::string InfluxServer::address() const { return "127.0.0.1:" + std::to_string(http_port_); }

void InfluxServer::kill() { child_.stop(SIGKILL, std::chrono::seconds(10)); }

bool InfluxServer::restart(std::string* error) {
  child_.stop(SIGTERM, std::chrono::seconds(10));
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (launch(error)) return true;
    // The old socket may linger briefly in the kernel; retry the same port.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

HttpReply InfluxServer::query(const std::string& q, const std::string& db) {
  std::string target = "/query?q=" + url_escape(q);
  if (!db.empty()) target += "&db=" + url_escape(db);
  return request("POST", target, std::chrono::seconds(30));
}

HttpReply InfluxServer::request(const std::string& method, const std::string& target,
                                std::chrono::milliseconds limit) {
  if (!options_.https) {
    const std::string auth =
        options_.admin_user.empty() || target == "/ping"
            ? std::string()
            : "Authorization: Basic " + net::base64(options_.admin_user + ":" + options_.admin_password) + "\r\n";
    return http_request(address(), method, target, "", auth, limit);
  }
  // HTTPS goes through curl, a client independent of stressql's TLS code, verified against
  // the test CA.
  // Readiness (/ping) does not verify, so a server with a bad certificate (a test's
  // point) still comes up.
  std::vector<std::string> argv{"curl", "-sS", "-X", method, "-w", "\n%{http_code}"};
  if (target == "/ping" || !verify_certificate_) argv.push_back("--insecure");
  else argv.insert(argv.end(), {"--cacert", options_.ca.empty() ? options_.cert : options_.ca});
  argv.push_back("https://" + address() + target);
  ProcessResult p = run_process(argv, limit);
  HttpReply r;
  const size_t nl = p.out.rfind('\n');
  if (p.exit_code != 0 || nl == std::string::npos) {
    r.error = "curl: " + p.err;
    return r;
  }
  r.status = std::atoi(p.out.c_str() + nl + 1);
  r.body = p.out.substr(0, nl);
  return r;
}

int64_t InfluxServer::count_points(const std::string& db, const std::string& measurement,
                                   const std::string& field) {
  HttpReply r = query("SELECT count(" + (field == "*" ? std::string("*") : "\"" + field + "\"") +
                          ") FROM \"" + measurement + "\"",
                      db);
  if (r.status != 200) return -1;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded()) return -1;
  const auto& result = j["results"][0];
  if (result.contains("error")) return -1;
  if (!result.contains("series")) return 0;
  // count(*) gives one column per field; every field of a stressql point is always
  // written, so the largest count is the number of points.
  int64_t best = 0;
  const auto& row = result["series"][0]["values"][0];
  for (size_t i = 1; i < row.size(); ++i) {
    if (row[i].is_number_integer()) best = std::max<int64_t>(best, row[i].get<int64_t>());
  }
  return best;
}

}  // namespace stressql::testing
