#pragma once
// A real VictoriaMetrics (Debian's victoria-metrics) on a free loopback port with a
// temporary storage path: a second real server that takes InfluxDB line protocol (at
// /write and /api/v2/write, gzip too). Started per test; stopped and deleted by the
// destructor. Mind its retention (one month by default): write recent timestamps.

#include <cstdint>
#include <memory>
#include <string>

#include "tests/support/process.h"

namespace stressql::testing {

class VictoriaServer {
 public:
  // Starts victoria-metrics and waits until /health answers (up to 60 s). nullptr and
  // *error on failure.
  static std::unique_ptr<VictoriaServer> start(std::string* error);
  ~VictoriaServer();

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // An hour ago, RFC 3339, for a script's SET StartDate: recent enough for the retention,
  // and in the past so that the export (which ends now) sees every point.
  static std::string an_hour_ago();

  // Points of metric `name` (line protocol's `<measurement>_<field>`) counted back through
  // the export API after a forced flush; -1 on error. Even after the flush, a series VM
  // has just created is not always in its export yet (seen twice in loaded suite runs:
  // 0 of 20 000 points, then all of them): count_points counts until it sees `expected`
  // or 10 s pass, and returns the last count (a wrong count still fails the test).
  int64_t count_points(const std::string& name, int64_t expected);

 private:
  VictoriaServer() = default;
  bool launch(std::string* error);
  int64_t export_count(const std::string& name);
  std::string dir_;
  int port_ = 0;
  Child child_;
};

}  // namespace stressql::testing
