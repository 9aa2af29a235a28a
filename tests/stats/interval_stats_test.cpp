// IntervalStats: samples land in the second of their due time, late ones in the oldest
// open second (and are counted), closing turns seconds into records that add up to the
// statement's totals, percentiles stay within the coarse histogram's error, and memory
// stays bounded however long the statement runs.
#include "stats/interval_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "base/random.h"
#include "stats/statement_report.h"

using namespace stressql::base;
namespace stressql::stats {
namespace {

constexpr int64_t kStart = 1'790'000'000'000'000'000;
constexpr int64_t kSec = 1'000'000'000;

engine::Sample ok_sample(int64_t due_offset_ns, int64_t latency_ns, uint32_t points = 10) {
  engine::Sample s;
  s.status = 204;
  s.points = points;
  s.latency_ns = latency_ns;
  s.due_unix_ns = kStart + due_offset_ns;
  return s;
}

TEST(IntervalHistogram, BucketsCoverEveryValueOnceAndStayWithinOnePart128) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{129},
                     uint64_t{255}, uint64_t{256}, uint64_t{1'000'000}, uint64_t{123'456'789},
                     (uint64_t{1} << 40) - 1}) {
    const size_t i = IntervalHistogram::bucket_index(v);
    ASSERT_LT(i, IntervalHistogram::kBuckets) << v;
    EXPECT_LE(IntervalHistogram::bucket_lowest(i), v);
    EXPECT_LT(v, IntervalHistogram::bucket_lowest(i) + IntervalHistogram::bucket_width(i));
    if (v >= 128) {
      EXPECT_LE(IntervalHistogram::bucket_width(i) * 64, IntervalHistogram::bucket_lowest(i)) << v;
    }
  }
  for (size_t i = 1; i < IntervalHistogram::kBuckets; ++i) {  // contiguous, no gaps
    ASSERT_EQ(IntervalHistogram::bucket_lowest(i),
              IntervalHistogram::bucket_lowest(i - 1) + IntervalHistogram::bucket_width(i - 1)) << i;
  }
  EXPECT_EQ(IntervalHistogram::bucket_index(uint64_t{1} << 50), IntervalHistogram::kBuckets - 1);
}

TEST(IntervalHistogram, PercentilesWithinTheCoarseError) {
  base::SplitMix64 rng(42);
  std::vector<int64_t> values;
  IntervalHistogram h;
  for (int i = 0; i < 10'000; ++i) {
    const int64_t v = 50'000 + static_cast<int64_t>(rng.next() % 50'000'000);
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {50.0, 90.0, 99.0}) {
    const int64_t exact = values[static_cast<size_t>(p / 100 * values.size()) - 1];
    const int64_t got = h.value_at_percentile(p);
    EXPECT_LE(std::abs(got - exact), exact / 128 + 1) << p;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.value_at_percentile(100), values.back());
  EXPECT_EQ(h.count(), 10'000u);
}

TEST(IntervalStats, BucketsBySecondOfDueTimeNotOfArrival) {
  IntervalStats iv;
  iv.start(kStart);
  iv.add(ok_sample(0, 5 * kSec));           // due in second 0, answered in second 5
  iv.add(ok_sample(kSec - 1, 1000));        // still second 0
  iv.add(ok_sample(kSec, 2000));            // second 1
  iv.add(ok_sample(-kSec, 3000));           // due before the start: second 0
  iv.add(ok_sample(3 * kSec + 5, 4000));    // second 3; second 2 stays empty
  iv.finish();
  ASSERT_EQ(iv.closed().size(), 4u);
  EXPECT_EQ(iv.closed()[0].second, 0);
  EXPECT_EQ(iv.closed()[0].requests, 3u);
  EXPECT_EQ(iv.closed()[0].points_accepted, 30u);
  EXPECT_EQ(iv.closed()[0].from_due_max, 5 * kSec);
  EXPECT_EQ(iv.closed()[1].requests, 1u);
  EXPECT_EQ(iv.closed()[2], IntervalRecord{.second = 2});
  EXPECT_EQ(iv.closed()[3].requests, 1u);
  EXPECT_EQ(iv.closed()[3].from_due_p50, 4000);
  EXPECT_EQ(iv.late_samples(), 0u);
  EXPECT_EQ(iv.open_count(), 0u);
}

TEST(IntervalStats, CountsFollowTheStatementTotalsRule) {
  IntervalStats iv;
  RequestStats totals;
  iv.start(kStart);
  std::vector<engine::Sample> samples;
  samples.push_back(ok_sample(0, 100));
  engine::Sample retried = ok_sample(0, 200);
  retried.status = 503;
  retried.failure = engine::Failure::kHttpStatus;
  retried.final = false;
  samples.push_back(retried);
  engine::Sample retry = ok_sample(kSec, 300);
  retry.attempt = 2;
  samples.push_back(retry);
  engine::Sample partial = ok_sample(kSec, 400, 10);
  partial.status = 400;
  partial.failure = engine::Failure::kHttpStatus;
  partial.dropped = 3;  // a partial write: 7 taken
  samples.push_back(partial);
  engine::Sample timeout = ok_sample(2 * kSec, 500);
  timeout.status = 0;
  timeout.failure = engine::Failure::kTimeout;
  samples.push_back(timeout);
  engine::Sample lagged = ok_sample(2 * kSec, 900);
  lagged.lag_ns = 600;
  samples.push_back(lagged);
  for (const auto& s : samples) {
    iv.add(s);
    totals.add(s);
  }
  iv.finish();
  uint64_t requests = 0, failures = 0, retries = 0, points = 0;
  for (const IntervalRecord& r : iv.closed()) {
    requests += r.requests;
    failures += r.failures;
    retries += r.retries;
    points += r.points_accepted;
  }
  EXPECT_EQ(requests, totals.requests_ok + totals.requests_failed);
  EXPECT_EQ(failures, totals.requests_failed);
  EXPECT_EQ(retries, totals.retries);
  EXPECT_EQ(points, totals.points_accepted);
  ASSERT_EQ(iv.closed().size(), 3u);
  EXPECT_EQ(iv.closed()[1].retries, 1u);
  EXPECT_EQ(iv.closed()[1].failures, 1u);
  EXPECT_EQ(iv.closed()[1].points_accepted, 17u);
  EXPECT_EQ(iv.closed()[2].from_due_max, 900);  // failures carry no latency, as in the totals
  EXPECT_EQ(iv.closed()[2].from_send_max, 300);
}

engine::Sample failed_sample(int64_t due_offset_ns, uint16_t status, engine::Failure failure) {
  engine::Sample s = ok_sample(due_offset_ns, 100);
  s.status = status;
  s.failure = failure;
  return s;
}

// Each second's failures by class add up to its failures, and over the seconds to the
// statement's `Failures`; the eighth class on shares "other".
TEST(IntervalStats, FailuresByClassAddUpAndLaterClassesShareOther) {
  IntervalStats iv;
  RequestStats totals;
  iv.start(kStart);
  std::vector<engine::Sample> samples;
  // Second 0: 404 twice, then a timeout; second 1: 503, 404 and then seven new 4xx classes.
  samples.push_back(failed_sample(0, 404, engine::Failure::kHttpStatus));
  samples.push_back(failed_sample(100, 404, engine::Failure::kHttpStatus));
  samples.push_back(failed_sample(200, 0, engine::Failure::kTimeout));
  samples.push_back(ok_sample(300, 100));
  samples.push_back(failed_sample(kSec, 503, engine::Failure::kHttpStatus));
  samples.push_back(failed_sample(kSec, 404, engine::Failure::kHttpStatus));
  for (uint16_t status = 410; status < 417; ++status) {
    samples.push_back(failed_sample(kSec + status, status, engine::Failure::kHttpStatus));
  }
  for (const auto& s : samples) {
    iv.add(s);
    totals.add(s);
  }
  iv.finish();
  ASSERT_EQ(iv.failure_classes(), (std::vector<std::string>{"http 404", "timeout", "http 503", "http 410",
                                                            "http 411", "http 412", "http 413", "other"}));
  ASSERT_EQ(iv.closed().size(), 2u);
  const IntervalRecord& first = iv.closed()[0];
  const IntervalRecord& second = iv.closed()[1];
  EXPECT_EQ(first.by_class, (std::array<uint32_t, kIntervalClasses>{2, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(second.by_class, (std::array<uint32_t, kIntervalClasses>{1, 0, 1, 1, 1, 1, 1, 3}));
  std::map<std::string, uint64_t> summed;
  for (const IntervalRecord& r : iv.closed()) {
    uint32_t sum = 0;
    for (size_t i = 0; i < kIntervalClasses; ++i) {
      sum += r.by_class[i];
      if (r.by_class[i] != 0) summed[iv.failure_classes()[i]] += r.by_class[i];
    }
    EXPECT_EQ(sum, r.failures) << r.second;
  }
  for (const auto& [name, n] : totals.failures) {  // "other" holds http 414 to 416
    if (name < "http 414" || name > "http 416") {
      EXPECT_EQ(summed[name], n) << name;
    }
  }
  EXPECT_EQ(summed["other"], totals.failures["http 414"] + totals.failures["http 415"] + totals.failures["http 416"]);
}

// `stressql report` puts the stored class rows back into the seconds they came with.
TEST(IntervalStats, RestoredFailuresFindTheirSecondAndSlot) {
  std::deque<IntervalRecord> closed = {IntervalRecord{.second = 0, .failures = 3},
                                       IntervalRecord{.second = 2, .failures = 1}};
  std::vector<std::string> classes;
  EXPECT_TRUE(add_restored_failures(&closed, &classes, 0, "http 404", 2));
  EXPECT_TRUE(add_restored_failures(&closed, &classes, 0, "timeout", 1));
  EXPECT_TRUE(add_restored_failures(&closed, &classes, 2, "http 404", 1));
  EXPECT_FALSE(add_restored_failures(&closed, &classes, 1, "timeout", 5)) << "no such second";
  EXPECT_EQ(classes, (std::vector<std::string>{"http 404", "timeout"}));
  EXPECT_EQ(closed[0].by_class[0], 2u);
  EXPECT_EQ(closed[0].by_class[1], 1u);
  EXPECT_EQ(closed[1].by_class[0], 1u);
  IntervalStats iv;
  iv.restore(std::move(closed), std::move(classes), 0, kStart);
  EXPECT_EQ(iv.failure_classes().size(), 2u);
}

TEST(IntervalStats, OfflineSamplesCountNowhere) {
  IntervalStats iv;
  iv.start(kStart);
  engine::Sample s = ok_sample(0, 0);
  s.failure = engine::Failure::kNotSent;
  iv.add(s);
  iv.finish();
  EXPECT_TRUE(iv.closed().empty());
}

TEST(IntervalStats, FinishIsIdempotentAndFreezesTheRecords) {
  IntervalStats iv;
  iv.start(kStart);
  iv.add(ok_sample(0, 100));
  iv.finish();
  iv.finish();
  iv.add(ok_sample(0, 100));
  iv.close_before(kStart + 10 * kSec);
  ASSERT_EQ(iv.closed().size(), 1u);
  EXPECT_EQ(iv.closed()[0].requests, 1u);
  EXPECT_EQ(iv.open_count(), 0u);
}

TEST(IntervalStats, ClosingEarlyAndLateSamples) {
  IntervalStats iv;
  iv.start(kStart);
  iv.add(ok_sample(0, 100));
  iv.add(ok_sample(2 * kSec, 100));
  iv.close_before(kStart + 2 * kSec - 1);  // second 1 has not ended yet: only 0 closes
  ASSERT_EQ(iv.closed().size(), 1u);
  iv.close_before(kStart + 2 * kSec);      // seconds 0 and 1 are over
  ASSERT_EQ(iv.closed().size(), 2u);
  EXPECT_EQ(iv.closed()[1], IntervalRecord{.second = 1});
  iv.add(ok_sample(kSec / 2, 100));        // due in closed second 0: into second 2, counted
  EXPECT_EQ(iv.late_samples(), 1u);
  iv.close_before(kStart + 10 * kSec);     // empty seconds close too: contiguous records
  ASSERT_EQ(iv.closed().size(), 10u);
  EXPECT_EQ(iv.closed()[2].requests, 2u);
  iv.finish();
  EXPECT_EQ(iv.closed().size(), 10u);      // nothing open was left
  for (size_t i = 0; i < iv.closed().size(); ++i) EXPECT_EQ(iv.closed()[i].second, static_cast<int32_t>(i));
}

TEST(IntervalStats, FixedMemoryOverAHundredThousandSeconds) {
  static_assert(sizeof(IntervalRecord) == 104);  // the README says 9 MB a day
  IntervalStats iv;
  iv.start(kStart);
  constexpr int64_t kSeconds = 100'000;
  size_t most_open = 0;
  for (int64_t sec = 0; sec < kSeconds; ++sec) {
    for (int i = 0; i < 3; ++i) iv.add(ok_sample(sec * kSec + i * 300'000'000, 1'000'000 + i));
    // The controller closes what ended more than the timeout (here 10 s) + margin ago.
    iv.close_before(kStart + (sec + 1) * kSec - 12 * kSec);
    most_open = std::max(most_open, iv.open_count());
  }
  EXPECT_LE(most_open, static_cast<size_t>(IntervalStats::kOpenSeconds));
  EXPECT_LE(most_open, 13u);
  iv.finish();
  ASSERT_EQ(iv.closed().size(), static_cast<size_t>(kSeconds));
  uint64_t requests = 0;
  for (const IntervalRecord& r : iv.closed()) requests += r.requests;
  EXPECT_EQ(requests, 3u * kSeconds);
  EXPECT_EQ(iv.closed().back().from_due_max, 1'000'002);
}

TEST(IntervalStats, ASampleFarAheadClosesTheOldestOpenSeconds) {
  IntervalStats iv;
  iv.start(kStart);
  iv.add(ok_sample(0, 1));
  iv.add(ok_sample(100 * kSec, 1));  // nobody closed anything: the ring makes room itself
  EXPECT_LE(iv.open_count(), static_cast<size_t>(IntervalStats::kOpenSeconds));
  EXPECT_EQ(iv.closed().size(), static_cast<size_t>(100 - IntervalStats::kOpenSeconds + 1));
  iv.finish();
  EXPECT_EQ(iv.closed().size(), 101u);
  EXPECT_EQ(iv.closed()[0].requests, 1u);
  EXPECT_EQ(iv.closed()[100].requests, 1u);
}

}  // namespace
}  // namespace stressql::stats
