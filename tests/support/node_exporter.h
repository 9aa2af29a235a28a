#pragma once
// A real node exporter (Debian's prometheus-node-exporter) on a free loopback port: the
// host's CPU, memory, disks and network as Prometheus text at /metrics, as on a database
// host. Started per test; stopped by the destructor.

#include <memory>
#include <string>

#include "tests/support/process.h"

namespace stressql::testing {

class NodeExporter {
 public:
  // Starts it and waits until /metrics answers (up to 60 s). nullptr and *error on failure.
  static std::unique_ptr<NodeExporter> start(std::string* error);
  ~NodeExporter();

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  NodeExporter() = default;
  bool launch(std::string* error);
  int port_ = 0;
  Child child_;
};

}  // namespace stressql::testing
