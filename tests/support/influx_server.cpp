#include "tests/support/influx_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/engine.h"

namespace stressql::testing {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Decodes a chunked body; returns false when it is malformed or incomplete.
bool dechunk(const std::string& in, std::string* out) {
  size_t pos = 0;
  out->clear();
  while (true) {
    size_t eol = in.find("\r\n", pos);
    if (eol == std::string::npos) return false;
    size_t n = std::strtoul(in.substr(pos, eol - pos).c_str(), nullptr, 16);
    pos = eol + 2;
    if (n == 0) return true;
    if (pos + n > in.size()) return false;
    out->append(in, pos, n);
    pos += n + 2;
  }
}

}  // namespace

std::string url_escape(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

HttpReply http_request(const std::string& host_port, const std::string& method,
                       const std::string& target, const std::string& body,
                       const std::string& extra_headers, std::chrono::milliseconds limit) {
  HttpReply reply;
  engine::Address addr;
  if (engine::Status st = engine::resolve_address(host_port, &addr); !st) {
    reply.error = st.message();
    return reply;
  }
  auto deadline = Clock::now() + limit;
  int fd = socket(addr.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    reply.error = std::strerror(errno);
    return reply;
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: " + host_port +
                    "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\n" + extra_headers + "\r\n" + body;
  std::string raw;
  bool ok = true;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr.addr), addr.len) != 0 && errno != EINPROGRESS) {
    reply.error = std::string("connect: ") + std::strerror(errno);
    ok = false;
  }
  size_t sent = 0;
  while (ok && sent < req.size()) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, remaining_ms(deadline)) <= 0) {
      reply.error = "timed out sending";
      ok = false;
      break;
    }
    ssize_t n = send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN) {
      reply.error = std::string("send: ") + std::strerror(errno);
      ok = false;
    } else if (n > 0) {
      sent += static_cast<size_t>(n);
    }
  }
  char buf[65536];
  while (ok) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, remaining_ms(deadline)) <= 0) {
      reply.error = "timed out waiting for the answer";
      ok = false;
      break;
    }
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0 && errno != EAGAIN) {
      reply.error = std::string("recv: ") + std::strerror(errno);
      ok = false;
    } else if (n > 0) {
      raw.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  if (!ok) return reply;
  size_t head_end = raw.find("\r\n\r\n");
  if (raw.compare(0, 9, "HTTP/1.1 ") != 0 || head_end == std::string::npos) {
    reply.error = "malformed answer";
    return reply;
  }
  reply.status = std::atoi(raw.c_str() + 9);
  std::string head = raw.substr(0, head_end);
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string rest = raw.substr(head_end + 4);
  if (head.find("transfer-encoding: chunked") != std::string::npos) {
    if (!dechunk(rest, &reply.body)) reply.error = "malformed chunked body";
  } else {
    reply.body = rest;
  }
  return reply;
}

std::unique_ptr<InfluxServer> InfluxServer::start(std::string* error) {
  std::unique_ptr<InfluxServer> s(new InfluxServer());
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
             "[monitor]\n  store-enabled = false\n"
             "[subscriber]\n  enabled = false\n"
             "[continuous_queries]\n  enabled = false\n"
             "[http]\n  bind-address = \"127.0.0.1:" + std::to_string(http_port_) + "\"\n"
             "  log-enabled = false\n"
             "[logging]\n  level = \"warn\"\n  suppress-logo = true\n");
  if (!child_.start({"influxd", "run", "-config", conf}, error)) return false;
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < deadline) {
    if (!child_.running()) {
      *error = "influxd exited: " + child_.err();
      return false;
    }
    HttpReply r = http_request(address(), "GET", "/ping", "", "", std::chrono::seconds(2));
    if (r.status == 204) return true;
    // influxd needs a moment to open its stores; poll its readiness rather than guess.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  child_.stop(SIGKILL, std::chrono::seconds(5));
  *error = "influxd did not answer /ping within 60 s: " + child_.err();
  return false;
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
  return http_request(address(), "POST", target);
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
