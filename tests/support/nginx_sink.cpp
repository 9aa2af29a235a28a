#include "tests/support/nginx_sink.h"

#include <signal.h>

#include <thread>

#include "net/http_client.h"

namespace stressql::testing {
namespace {

void replace_all(std::string* s, const std::string& from, const std::string& to) {
  for (size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size())) {
    s->replace(at, from.size(), to);
  }
}

// The benchmark's configuration without its HTTPS listener (as bench/nginx-sink does).
std::string config(const std::string& dir, int port, const NginxSink::Options& options) {
  std::string conf;
  const std::string in = read_file(std::string(STRESSQL_SOURCE_DIR) + "/bench/nginx.conf.in");
  size_t pos = 0;
  while (pos < in.size()) {
    size_t eol = in.find('\n', pos);
    if (eol == std::string::npos) eol = in.size();
    const std::string line = in.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.find("@TLS_PORT@") != std::string::npos || line.find("ssl_") != std::string::npos) continue;
    conf += line + "\n";
  }
  replace_all(&conf, "@PREFIX@", dir);
  replace_all(&conf, "@PORT@", std::to_string(port));
  if (options.connections > 0) {
    // Twice the room: nginx closes idle keep-alive connections ("worker_connections are
    // not enough, reusing connections") once fewer than 1/16 of its slots are free.
    replace_all(&conf, "worker_connections 1024;", "worker_connections " + std::to_string(2 * options.connections + 64) + ";");
    replace_all(&conf, "worker_processes 1;\n", "worker_processes 1;\nworker_rlimit_nofile " +
                                                    std::to_string(2 * options.connections + 128) + ";\n");
  }
  if (options.keepalive_requests > 0) {
    replace_all(&conf, "keepalive_requests 1000000;", "keepalive_requests " + std::to_string(options.keepalive_requests) + ";");
  }
  const bool delay = options.write_requests_per_sec > 0;
  if (delay || options.refuse_over_per_sec > 0) {
    // One zone for every client ($scheme is always "http" here); a large burst queues the
    // excess instead of answering 503, `nodelay` with a small one answers 503 beyond it.
    const int rate = delay ? options.write_requests_per_sec : options.refuse_over_per_sec;
    const std::string burst = delay ? "burst=100000" : "burst=" + std::to_string(options.refuse_burst) + " nodelay";
    replace_all(&conf, "http {\n", "http {\n  limit_req_zone $scheme zone=writes:1m rate=" +
                                       std::to_string(rate) + "r/s;\n");
    // `return` runs before limit_req would (rewrite phase), so the throttled /write answers
    // through try_files, which runs after it, in a named location.
    replace_all(&conf, "    location /write {\n",
                "    location @written {\n      return 204;\n    }\n"
                "    location /write {\n      limit_req zone=writes " + burst + ";\n"
                "      try_files /nonexistent @written;\n");
    replace_all(&conf, "      try_files /nonexistent @written;\n      client_body_buffer_size 1m;\n"
                       "      client_max_body_size 16m;\n      return 204;\n",
                "      try_files /nonexistent @written;\n      client_body_buffer_size 1m;\n"
                "      client_max_body_size 16m;\n");
  }
  return conf;
}

}  // namespace

std::unique_ptr<NginxSink> NginxSink::start(const Options& options, std::string* error) {
  std::unique_ptr<NginxSink> s(new NginxSink());
  s->dir_ = make_temp_dir("stressql-nginx");
  if (s->dir_.empty()) {
    *error = "cannot create a temporary directory";
    return nullptr;
  }
  // A port found free can be taken before nginx binds it: try a few times.
  for (int attempt = 0; attempt < 5; ++attempt) {
    s->port_ = free_port();
    if (s->launch(options, error)) return s;
  }
  return nullptr;
}

bool NginxSink::launch(const Options& options, std::string* error) {
  const std::string conf = dir_ + "/nginx.conf";
  write_file(conf, config(dir_, port_, options));
  // setpriv: the kernel kills nginx when the thread that started it dies (see influx_server).
  if (!child_.start({"setpriv", "--pdeathsig", "KILL", "--", "nginx", "-p", dir_, "-c", conf, "-e",
                     dir_ + "/error.log"},
                    error)) {
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!child_.running()) {
      *error = "nginx exited: " + read_file(dir_ + "/error.log") + child_.err();
      return false;
    }
    net::HttpReply r =
        net::http_request(address(), "POST", "/write", "x", "", std::chrono::seconds(2));
    if (r.status == 204) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling for readiness
  }
  child_.stop(SIGKILL, std::chrono::seconds(5));
  *error = "nginx did not answer within 30 s: " + read_file(dir_ + "/error.log");
  return false;
}

NginxSink::~NginxSink() {
  child_.stop(SIGTERM, std::chrono::seconds(10));
  remove_tree(dir_);
}

std::string NginxSink::address() const { return "127.0.0.1:" + std::to_string(port_); }

}  // namespace stressql::testing
