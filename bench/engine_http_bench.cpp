// Drives the Engine against an HTTP server with one fixed body for a fixed time (or
// request count) and prints requests/s, bytes/s and the process's own CPU seconds, in one
// "key=value" line for bench/engine_vs_wrk.sh. Traffic goes where --target says; the
// harness only ever points it at 127.0.0.1.
//
//   engine_http_bench --target 127.0.0.1:PORT --body-file F [--seconds S] [--requests N]
//                     [--concurrency C] [--reactors R] [--pin] [--zc] [--tls-ca FILE]
//   --tls-ca FILE: HTTPS, verifying the server against FILE (the harness's test CA).

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/engine.h"
#include "engine/tls_context.h"

namespace {

using namespace stressql::engine;

class FixedSource : public RequestSource {
 public:
  FixedSource(std::string target, std::string body, uint32_t points)
      : target_(std::move(target)), body_(std::move(body)), points_(points) {}
  size_t max_target_bytes() const override { return target_.size(); }
  size_t max_body_bytes() const override { return body_.size(); }
  Rendered render(uint64_t, char* target, char* body) const override {
    std::memcpy(target, target_.data(), target_.size());
    std::memcpy(body, body_.data(), body_.size());
    Rendered r;
    r.target_len = static_cast<uint32_t>(target_.size());
    r.body_len = static_cast<uint32_t>(body_.size());
    r.points = points_;
    return r;
  }
  bool fixed_request() const override { return true; }  // wrk, too, sends one fixed body

 private:
  std::string target_;
  std::string body_;
  uint32_t points_;
};

class CountSink : public EventSink {
 public:
  void on_sample(const Sample& s) override {
    if (s.failure == Failure::kNone) {
      ++ok;
      bytes += s.request_bytes;
    } else if (s.failure != Failure::kCancelled) {
      ++errors;
    }
  }
  void on_job_finished(const JobResult&) override { finished = true; }
  uint64_t ok = 0, errors = 0, bytes = 0;
  bool finished = false;
};

double cpu_seconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int usage() {
  std::fprintf(stderr,
               "usage: engine_http_bench --target HOST:PORT --body-file FILE [--seconds S]\n"
               "       [--requests N] [--concurrency C] [--reactors R] [--pin] [--zc] [--tls-ca FILE]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string target, body_file, tls_ca;
  double seconds = 5;
  uint64_t requests = 0;
  uint32_t concurrency = 16;
  EngineOptions options;
  options.reactors = 1;
  options.pin = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--target") target = next();
    else if (a == "--body-file") body_file = next();
    else if (a == "--seconds") seconds = std::atof(next());
    else if (a == "--requests") requests = std::strtoull(next(), nullptr, 10);
    else if (a == "--concurrency") concurrency = static_cast<uint32_t>(std::atoi(next()));
    else if (a == "--reactors") options.reactors = std::atoi(next());
    else if (a == "--pin") options.pin = true;
    else if (a == "--zc") options.send_zc = true;
    else if (a == "--tls-ca") tls_ca = next();
    else return usage();
  }
  if (target.empty() || body_file.empty() || seconds <= 0 || seconds > 600) return usage();
  std::ifstream in(body_file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string body = ss.str();
  uint32_t points = 0;
  for (char c : body) points += c == '\n';

  std::unique_ptr<Engine> engine;
  stressql::base::Status s = Engine::start(options, &engine);
  if (!s.is_ok()) {
    std::fprintf(stderr, "engine: %s\n", s.message().c_str());
    return 1;
  }
  JobSpec spec;
  spec.method = Method::kPost;
  spec.source = std::make_shared<FixedSource>("/write?db=bench", body, points);
  spec.requests = requests > 0 ? requests : ~uint64_t{0} >> 1;
  spec.concurrency = concurrency;
  spec.max_attempts = 1;
  spec.extra_headers = "Content-Type: text/plain; charset=utf-8\r\n";
  Address a;
  if (!(s = resolve_address(target, &a)).is_ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return 1;
  }
  spec.targets.push_back(a);
  if (!tls_ca.empty()) {
    TlsOptions tls;
    tls.ca_file = tls_ca;
    if (!(s = TlsContext::create(tls, &spec.tls)).is_ok()) {
      std::fprintf(stderr, "tls: %s\n", s.message().c_str());
      return 1;
    }
  }

  CountSink sink;
  const double cpu0 = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  const auto end = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(seconds));
  if (!(s = engine->submit(1, spec)).is_ok()) {
    std::fprintf(stderr, "submit: %s\n", s.message().c_str());
    return 1;
  }
  bool cancelled = false;
  const auto hard_end = end + std::chrono::seconds(30);
  while (!sink.finished && std::chrono::steady_clock::now() < hard_end) {
    if (!cancelled && std::chrono::steady_clock::now() >= end) {
      engine->cancel(1);
      cancelled = true;
    }
    engine->poll(&sink, 20'000'000);
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  std::printf("requests=%llu errors=%llu seconds=%.3f rps=%.1f bytes_per_s=%.0f cpu_s=%.3f points=%u\n",
              static_cast<unsigned long long>(sink.ok), static_cast<unsigned long long>(sink.errors),
              elapsed, static_cast<double>(sink.ok) / elapsed, static_cast<double>(sink.bytes) / elapsed, cpu,
              points);
  return sink.finished ? 0 : 1;
}
