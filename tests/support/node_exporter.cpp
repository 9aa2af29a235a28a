#include "tests/support/node_exporter.h"

#include <signal.h>

#include <chrono>
#include <thread>

#include "net/http_client.h"

namespace stressql::testing {

using Clock = std::chrono::steady_clock;

constexpr const char* kBinary = "prometheus-node-exporter";

std::unique_ptr<NodeExporter> NodeExporter::start(std::string* error) {
  std::unique_ptr<NodeExporter> s(new NodeExporter());
  for (int attempt = 0; attempt < 5; ++attempt) {  // a free port can be taken meanwhile
    s->port_ = free_port();
    if (s->launch(error)) return s;
  }
  return nullptr;
}

bool NodeExporter::launch(std::string* error) {
  // setpriv: the kernel kills the exporter when the test that started it dies. Only the
  // collectors a database host's load needs: fewer files read per scrape.
  if (!child_.start({"setpriv", "--pdeathsig", "KILL", "--", kBinary,
                     "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--collector.disable-defaults",
                     "--collector.cpu", "--collector.meminfo", "--collector.diskstats", "--collector.netdev",
                     "--log.level=error"},
                    error)) {
    return false;
  }
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < deadline) {
    if (!child_.running()) {
      *error = "prometheus-node-exporter exited: " + child_.err();
      return false;
    }
    net::HttpReply r = net::http_request(address(), "GET", "/metrics", "", "", std::chrono::seconds(2));
    if (r.status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll readiness, bounded
  }
  child_.stop(SIGKILL, std::chrono::seconds(5));
  *error = "prometheus-node-exporter did not answer /metrics within 60 s: " + child_.err();
  return false;
}

NodeExporter::~NodeExporter() { child_.stop(SIGTERM, std::chrono::seconds(10)); }

}  // namespace stressql::testing
