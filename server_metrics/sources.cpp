#include "server_metrics/sources.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "base/clock.h"
#include "net/http_client.h"
#include "net/server_address.h"

namespace stressql::server_metrics {
namespace {

bool read_whole(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return true;
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

}  // namespace

std::string Source::label() const {
  return kind == SourceKind::kProc ? "pid " + std::to_string(pid) : host_port;
}

std::string Source::kind_text() const { return kind == SourceKind::kProc ? "/proc" : target; }

bool auto_source(const std::string& address, const net::ApiChoice& ping, Source* out, std::string* why) {
  if (!ping.answered) {
    *why = "server metrics: " + address + " did not answer GET /ping, so it has no metrics source";
    return false;
  }
  out->host_port = address;
  if (ping.api == base::Api::kV1 && !ping.version.empty()) {
    out->kind = SourceKind::kDebugVars;
    out->target = "/debug/vars";
  } else {
    // 2.x, 3.x, and a server without X-Influxdb-Version (VictoriaMetrics) speak Prometheus.
    out->kind = SourceKind::kPrometheus;
    out->target = "/metrics";
  }
  return true;
}

bool source_from_url(const std::string& url, Source* out, std::string* error) {
  net::ServerAddress address;
  const size_t scheme = url.find("://");
  const size_t slash = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  const std::string root = slash == std::string::npos ? url : url.substr(0, slash);
  std::string why;
  if (!net::parse_server_url(root, &address, &why)) {
    *error = "a metrics source is http://host:port/path (" + why + ")";
    return false;
  }
  out->host_port = address.host_port;
  out->target = slash == std::string::npos ? "/metrics" : url.substr(slash);
  out->kind = ends_with(out->target, "/debug/vars") ? SourceKind::kDebugVars : SourceKind::kPrometheus;
  out->authorization = address.authorization();
  return true;
}

bool read_source(const Source& s, const std::vector<std::string>& extra, std::chrono::milliseconds limit,
                 stats::ServerReading* out, Flavour* flavour, std::string* error) {
  *flavour = Flavour::kProcess;
  if (s.kind == SourceKind::kProc) {
    const std::string dir = "/proc/" + std::to_string(s.pid) + "/";
    std::string stat, status, io;
    if (!read_whole(dir + "stat", &stat) || !read_whole(dir + "status", &status)) {
      *error = "no process " + std::to_string(s.pid) + " (" + dir + "stat cannot be read)";
      return false;
    }
    read_whole(dir + "io", &io);  // another user's process: no disk bytes, nothing else lost
    return read_proc(stat, status, io, sysconf(_SC_CLK_TCK), out, error);
  }
  // The whole exchange is bounded, not each wait: a server that drips bytes is slow too.
  const int64_t deadline = base::monotonic_ns() + int64_t(limit.count()) * 1'000'000;
  std::string body;
  bool too_big = false, too_slow = false;
  net::HttpReply reply = net::http_request_streamed(
      s.host_port, "GET", s.target,
      [&](std::string_view piece) {
        if (body.size() + piece.size() > kMaxAnswerBytes) return !(too_big = true);
        if (base::monotonic_ns() > deadline) return !(too_slow = true);
        body.append(piece);
        return true;
      },
      limit, s.authorization);
  if (too_big || too_slow || reply.status < 200 || reply.status > 299) {
    *error = too_big    ? "answer larger than " + std::to_string(kMaxAnswerBytes >> 20) + " MB"
             : too_slow ? "no whole answer within " + std::to_string(limit.count()) + " ms"
             : reply.status == 0 && reply.error.find("time") != std::string::npos
                 ? "no answer within " + std::to_string(limit.count()) + " ms"
                 : net::reply_error_text(reply, 120);
    return false;
  }
  return s.kind == SourceKind::kDebugVars ? read_debug_vars(body, extra, out, error)
                                           : read_prometheus(body, extra, out, flavour, error);
}

}  // namespace stressql::server_metrics
