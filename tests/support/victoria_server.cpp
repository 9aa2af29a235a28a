#include "tests/support/victoria_server.h"

#include <signal.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "net/http_client.h"
#include "statements/http_target.h"

namespace stressql::testing {

using Clock = std::chrono::steady_clock;

std::unique_ptr<VictoriaServer> VictoriaServer::start(std::string* error) {
  std::unique_ptr<VictoriaServer> s(new VictoriaServer());
  s->dir_ = make_temp_dir("stressql-vm");
  if (s->dir_.empty()) {
    *error = "cannot create a temporary directory";
    return nullptr;
  }
  for (int attempt = 0; attempt < 5; ++attempt) {  // a free port can be taken meanwhile
    s->port_ = free_port();
    if (s->launch(error)) return s;
  }
  return nullptr;
}

bool VictoriaServer::launch(std::string* error) {
  // setpriv: the kernel kills the server when the test that started it dies.
  if (!child_.start({"setpriv", "--pdeathsig", "KILL", "--", "victoria-metrics",
                     "-httpListenAddr=127.0.0.1:" + std::to_string(port_),
                     "-storageDataPath=" + dir_ + "/data", "-loggerLevel=ERROR",
                     "-search.latencyOffset=0s", "-selfScrapeInterval=0"},
                    error)) {
    return false;
  }
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < deadline) {
    if (!child_.running()) {
      *error = "victoria-metrics exited: " + child_.err();
      return false;
    }
    net::HttpReply r = net::http_request(address(), "GET", "/health", "", "",
                                                     std::chrono::seconds(2));
    if (r.status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll readiness, bounded
  }
  child_.stop(SIGKILL, std::chrono::seconds(5));
  *error = "victoria-metrics did not answer /health within 60 s: " + child_.err();
  return false;
}

VictoriaServer::~VictoriaServer() {
  child_.stop(SIGTERM, std::chrono::seconds(10));
  remove_tree(dir_);
}

std::string VictoriaServer::an_hour_ago() {
  std::time_t t = std::time(nullptr) - 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

int64_t VictoriaServer::count_points(const std::string& name, int64_t expected) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int64_t n = export_count(name);
  while (n != expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // polling a condition
    n = export_count(name);
  }
  return n;
}

int64_t VictoriaServer::export_count(const std::string& name) {
  // Rows wait in memory for up to a second before they are searchable: flush them first.
  if (net::http_request(address(), "GET", "/internal/force_flush", "", "").status != 200) return -1;
  const std::string match = "{__name__=\"" + name + "\"}";
  net::HttpReply r = net::http_request(
      address(), "GET", "/api/v1/export?match[]=" + statements::url_escape(match), "", "",
      std::chrono::seconds(30));
  if (r.status != 200) return -1;
  // One JSON object per line and series: {"metric":{…},"values":[…],"timestamps":[…]}.
  int64_t n = 0;
  std::istringstream lines(r.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("timestamps")) return -1;
    n += static_cast<int64_t>(j["timestamps"].size());
  }
  return n;
}

}  // namespace stressql::testing
