#pragma once
// Where server metrics come from (SPEC §7.1): SET ServerMetrics' `auto` (each address's
// `/ping` says what it is, net/api_probe.h), its URLs, and --server-pid. Pure, but for
// read_source(), which sends one request (or reads /proc) and is the sampler thread's.

#include <chrono>
#include <string>
#include <vector>

#include "net/api_probe.h"
#include "server_metrics/readings.h"
#include "stats/server_stats.h"

namespace stressql::server_metrics {

enum class SourceKind { kDebugVars, kPrometheus, kProc };

struct Source {
  SourceKind kind = SourceKind::kPrometheus;
  std::string host_port;      // HTTP sources
  std::string target;         // "/debug/vars", "/metrics", …
  std::string authorization;  // a header line, or ""
  int pid = 0;                // kProc
  // "127.0.0.1:8086" or "pid 1234": what the report calls it.
  std::string label() const;
  // "/debug/vars", "/metrics" (or the URL's path), "/proc".
  std::string kind_text() const;
  bool operator==(const Source& o) const {
    return kind == o.kind && host_port == o.host_port && target == o.target && pid == o.pid;
  }
};

// `auto` for one address: `/debug/vars` when `ping` says InfluxDB 1.x, `/metrics` when it
// says 2.x or 3.x or answered without a version (VictoriaMetrics); false (no source, *why
// says so) when the address did not answer.
bool auto_source(const std::string& address, const net::ApiChoice& ping, Source* out, std::string* why);

// A URL of SET ServerMetrics ("http://[user:pass@]host:port/path"): `/debug/vars` JSON when
// the path ends so, else Prometheus text. False and *error for anything else.
bool source_from_url(const std::string& url, Source* out, std::string* error);

// One reading of `s`, bounded by `limit` (an HTTP source: the whole exchange, and at most
// kMaxAnswerBytes of answer). False and *error (one line; a server's bytes sanitized).
// *flavour: what a Prometheus source turned out to be.
constexpr size_t kMaxAnswerBytes = 32u << 20;
bool read_source(const Source& s, const std::vector<std::string>& extra, std::chrono::milliseconds limit,
                 stats::ServerReading* out, Flavour* flavour, std::string* error);

}  // namespace stressql::server_metrics
