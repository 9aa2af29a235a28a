#pragma once
// Helpers for the engine's tests: a simple RequestSource and a sink that collects events.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "tests/support/fault_server.h"

namespace stressql::engine::testing {

using base::Status;

// POST /write?db=<db> with body "<measurement>,src=test idx=<index>i <index>\n" repeated
// `lines` times (distinct timestamps), or GET <target> when `get`.
class LineSource : public RequestSource {
 public:
  LineSource(std::string db, std::string measurement, uint32_t lines = 1, size_t pad = 0)
      : db_(std::move(db)), measurement_(std::move(measurement)), lines_(lines), pad_(pad) {}
  size_t max_target_bytes() const override { return 64 + db_.size(); }
  size_t max_body_bytes() const override { return lines_ * (measurement_.size() + 80 + pad_); }
  Rendered render(uint64_t index, char* target, char* body) const override {
    Rendered r;
    r.target_len = static_cast<uint32_t>(snprintf(target, max_target_bytes(), "/write?db=%s", db_.c_str()));
    size_t n = 0;
    for (uint32_t i = 0; i < lines_; ++i) {
      const uint64_t ts = 1'700'000'000'000'000'000ull + index * lines_ + i;
      n += static_cast<size_t>(snprintf(body + n, max_body_bytes() - n, "%s,src=test idx=%llui",
                                        measurement_.c_str(), static_cast<unsigned long long>(index)));
      if (pad_ > 0) {
        std::memcpy(body + n, ",pad=\"", 6);
        n += 6;
        std::memset(body + n, 'x', pad_ - 8);
        n += pad_ - 8;
        body[n++] = '"';
      }
      n += static_cast<size_t>(snprintf(body + n, max_body_bytes() - n, " %llu\n", static_cast<unsigned long long>(ts)));
    }
    r.body_len = static_cast<uint32_t>(n);
    r.points = lines_;
    return r;
  }

 private:
  std::string db_;
  std::string measurement_;
  uint32_t lines_;
  size_t pad_;
};

// The body's "idx=<index>i" (LineSource), or -1.
inline long long body_index(const std::string& body) {
  const size_t at = body.find(" idx=");
  return at == std::string::npos ? -1 : std::stoll(body.substr(at + 5));
}

class GetSource : public RequestSource {
 public:
  explicit GetSource(std::string target) : target_(std::move(target)) {}
  size_t max_target_bytes() const override { return target_.size(); }
  size_t max_body_bytes() const override { return 0; }
  Rendered render(uint64_t, char* target, char*) const override {
    std::memcpy(target, target_.data(), target_.size());
    Rendered r;
    r.target_len = static_cast<uint32_t>(target_.size());
    return r;
  }

 private:
  std::string target_;
};

class CollectSink : public EventSink {
 public:
  void on_sample(const Sample& s) override {
    if (finished_job(s.job)) sample_after_finish = true;
    samples.push_back(s);
  }
  void on_job_finished(const JobResult& r) override { results.push_back(r); }
  bool finished_job(JobId id) const {
    for (const JobResult& r : results) {
      if (r.job == id) return true;
    }
    return false;
  }
  const JobResult* result(JobId id) const {
    for (const JobResult& r : results) {
      if (r.job == id) return &r;
    }
    return nullptr;
  }
  std::vector<Sample> of(JobId id) const {
    std::vector<Sample> out;
    for (const Sample& s : samples) {
      if (s.job == id) out.push_back(s);
    }
    return out;
  }
  std::vector<Sample> samples;
  std::vector<JobResult> results;
  bool sample_after_finish = false;
};

// Polls until job `id` has finished or `limit` passes; true when it finished.
inline bool wait_job(Engine* engine, CollectSink* sink, JobId id,
                     std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!sink->finished_job(id)) {
    if (std::chrono::steady_clock::now() > end) return false;
    engine->poll(sink, 50'000'000);
  }
  return true;
}

// Polls until `done()` holds or `limit` passes; true when it held.
template <typename Done>
bool poll_until(Engine* engine, CollectSink* sink, Done done,
                std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    engine->poll(sink, 10'000'000);
  }
  return true;
}

inline Address addr(const std::string& host_port) {
  Address a;
  Status s = resolve_address(host_port, &a);
  if (!s.is_ok()) std::fprintf(stderr, "resolve %s: %s\n", host_port.c_str(), s.message().c_str());
  return a;
}

inline stressql::testing::FaultReply ok204() { return stressql::testing::FaultReply{stressql::testing::FaultReply::Mode::kNormal, stressql::testing::FaultServer::response(204)}; }

inline std::unique_ptr<Engine> make_engine(int reactors = 2, bool zc = false) {
  EngineOptions o;
  o.reactors = reactors;
  o.send_zc = zc;
  o.max_connections_per_reactor = 256;
  std::unique_ptr<Engine> e;
  Status s = Engine::start(o, &e);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return e;
}

inline JobSpec write_job(const std::string& address, uint64_t requests, uint32_t concurrency) {
  JobSpec spec;
  spec.method = Method::kPost;
  spec.source = std::make_shared<LineSource>("db", "m");
  spec.requests = requests;
  spec.concurrency = concurrency;
  spec.timeout_ns = 5'000'000'000;
  spec.backoff_base_ns = 1'000'000;
  spec.backoff_max_ns = 20'000'000;
  spec.extra_headers = "Content-Type: text/plain; charset=utf-8\r\n";
  spec.targets.push_back(addr(address));
  return spec;
}


// Every index 0..n-1 has exactly one final sample; returns the finals by index.
inline std::map<uint64_t, Sample> finals_exactly_once(const std::vector<Sample>& samples, uint64_t n) {
  std::map<uint64_t, Sample> finals;
  for (const Sample& s : samples) {
    if (!s.final) continue;
    EXPECT_TRUE(finals.emplace(s.request_index, s).second) << "two finals for " << s.request_index;
  }
  EXPECT_EQ(finals.size(), n);
  if (!finals.empty()) {
    EXPECT_EQ(finals.rbegin()->first, n - 1);
  }
  return finals;
}

}  // namespace stressql::engine::testing
