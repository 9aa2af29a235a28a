#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "stats/statement_report.h"
#include "tests/support/report_builders.h"

namespace stressql::stats {
namespace {

std::vector<engine::Sample> mixed_samples(int64_t first_due, int n) {
  return testing::retried_and_failed_samples(first_due, n);
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
