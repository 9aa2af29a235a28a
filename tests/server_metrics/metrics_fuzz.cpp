// libFuzzer target: arbitrary bytes as a metrics source's answer, through the reader byte 0
// chooses (0: /debug/vars JSON, 1: Prometheus text, 2: /proc/PID's stat, status and io
// texts, split at the first two NUL bytes), with --server-metric names asked for. Built only
// with -DSTRESSQL_FUZZ=ON (the `fuzz` preset); its corpus (tests/server_metrics/metrics_corpus/)
// is replayed in every build by readings_test.cpp. Besides the sanitizers, it checks: a
// reader that fails says why in one line, and one that succeeds gives no NaN and only the
// extra names it was asked for, once each.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server_metrics/readings.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stressql;
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::vector<std::string> extra = {"shard.writePointsOk", "vm_rows_inserted_total", "x"};
  stats::ServerReading r;
  std::string error;
  bool ok = false;
  switch (data[0] % 3) {
    case 0:
      ok = server_metrics::read_debug_vars(body, extra, &r, &error);
      break;
    case 1: {
      server_metrics::Flavour f{};
      ok = server_metrics::read_prometheus(body, extra, &r, &f, &error);
      break;
    }
    default: {
      const size_t a = body.find('\0');
      const size_t b = a == std::string_view::npos ? a : body.find('\0', a + 1);
      const std::string_view stat = body.substr(0, a);
      const std::string_view status = a == std::string_view::npos ? "" : body.substr(a + 1, b - a - 1);
      const std::string_view io = b == std::string_view::npos ? "" : body.substr(b + 1);
      ok = server_metrics::read_proc(stat, status, io, 100, &r, &error);
      break;
    }
  }
  if (!ok) {
    check(!error.empty() && error.find('\n') == std::string::npos);
    return 0;
  }
  for (const auto& v : r.values) check(!v || !std::isnan(*v));
  check(r.extra.size() <= extra.size());
  for (size_t i = 0; i < r.extra.size(); ++i) {
    for (size_t j = i + 1; j < r.extra.size(); ++j) check(r.extra[i].first != r.extra[j].first);
  }
  return 0;
}
