#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "stats/statement_report.h"

namespace stressql::stats {
namespace {

// A mixed run: successes, a 503 retried, final failures of two classes, late sends.
std::vector<engine::Sample> mixed_samples(int64_t first_due, int n) {
  std::vector<engine::Sample> out;
  for (int i = 0; i < n; ++i) {
    engine::Sample s;
    s.status = 204;
    s.final = true;
    s.attempt = 1;
    s.points = 10;
    s.request_bytes = 500 + i;
    s.body_bytes = 400 + i;
    s.raw_body_bytes = 900 + i;
    s.response_bytes = 3;
    s.due_unix_ns = first_due + i * 1'000'000;
    s.lag_ns = (i * 7919) % 3'000'000;
    s.latency_ns = s.lag_ns + 200'000 + (i * 104729) % 5'000'000;
    if (i % 7 == 3) {  // a 503, then its retry
      engine::Sample failed = s;
      failed.status = 503;
      failed.final = false;
      failed.failure = engine::Failure::kHttpStatus;
      out.push_back(failed);
      s.attempt = 2;
      s.lag_ns += 1'000'000;
      s.latency_ns += 1'000'000;
    }
    if (i % 11 == 5) {
      s.status = i % 2 ? 500 : 404;
      s.failure = engine::Failure::kHttpStatus;
    }
    out.push_back(s);
  }
  return out;
}

std::string summary(const RequestStats& s) {
  std::string out;
  for (uint64_t v : {s.requests_ok, s.requests_failed, s.attempts, s.retries, s.points_accepted, s.points_dropped,
                     s.points_failed, s.request_bytes, s.response_bytes, s.requests_retried, s.sends,
                     s.sent_points, s.sent_body_bytes, s.raw_body_bytes, s.encoded_body_bytes, s.sent_late,
                     uint64_t{s.most_attempts}, static_cast<uint64_t>(s.retry_lost_total_ns),
                     static_cast<uint64_t>(s.first_due_unix_ns), static_cast<uint64_t>(s.last_send_unix_ns)}) {
    out += std::to_string(v) + " ";
  }
  for (const auto& [k, n] : s.failures) out += k + "=" + std::to_string(n) + " ";
  for (const auto& [k, n] : s.statuses) out += std::to_string(k) + "=" + std::to_string(n) + " ";
  for (const Histogram* h : {&s.latency, &s.latency_from_send, &s.lag, &s.retry_lost}) out += h->encode_text() + " ";
  return out;
}

TEST(RequestStats, MergeOfPartsEqualsAddingEverySample) {
  const std::vector<engine::Sample> samples = mixed_samples(1'700'000'000'000'000'000, 400);
  RequestStats all;
  for (const auto& s : samples) all.add(s);
  // The samples in three parts, in a different order than they came.
  RequestStats parts[3];
  for (size_t i = 0; i < samples.size(); ++i) parts[(i * 5) % 3].add(samples[i]);
  RequestStats merged;
  for (int k : {2, 0, 1}) merged.merge(parts[k]);
  EXPECT_EQ(summary(merged), summary(all));
  EXPECT_GT(all.requests_failed, 0u);
  EXPECT_GT(all.requests_retried, 0u);
  EXPECT_EQ(all.most_attempts, 2u);
  // Merging nothing changes nothing.
  merged.merge(RequestStats());
  EXPECT_EQ(summary(merged), summary(all));
}

TEST(RequestStats, ResetIsAFreshOne) {
  RequestStats s;
  for (const auto& x : mixed_samples(1'700'000'000'000'000'000, 50)) s.add(x);
  s.reset();
  EXPECT_EQ(summary(s), summary(RequestStats()));
  for (const auto& x : mixed_samples(1'800'000'000'000'000'000, 30)) s.add(x);
  RequestStats fresh;
  for (const auto& x : mixed_samples(1'800'000'000'000'000'000, 30)) fresh.add(x);
  EXPECT_EQ(summary(s), summary(fresh));
}

}  // namespace
}  // namespace stressql::stats
