#pragma once
// One-second intervals of one statement (SPEC §6.1): requests, points accepted, failures,
// retries and latency p50/p99/max — from the due time and from the send — per second of
// the statement's run, so a report can show when a run went wrong, not only that it did.
//
// A sample belongs to the second of its *due* time, counted from the statement's start:
// interval k is [start + k s, start + (k+1) s). What a sample counts as is the statement
// totals' rule (stats/sample_counts.h), so the intervals add up to the totals exactly.
//
// Failures are also counted by class ("http 404", "timeout", … as in the statement's
// `Failures`), in kIntervalClasses fixed slots per second: the statement's first
// kIntervalClasses − 1 distinct classes each get one, in order of appearance, and any later
// class counts in the last, "other". A fixed array, not a map: a second costs the same
// whatever fails, and a run with many classes (every 4xx of a fuzzing script) stays small.
//
// Memory is fixed per second: while an interval may still receive samples it is *open*
// (counts plus two coarse histograms, ~18 KiB); at most kOpenSeconds are open at a time, in
// a ring (~1.1 MiB, allocated at the first sample, freed by finish()). A closed interval is
// one 104-byte IntervalRecord: a 24-hour statement keeps 86 400 × 104 B ≈ 9 MB.
//
// Threading: none; the control thread's, like the rest of StatementReport.

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace stressql::stats {

// Failure-class slots per second: 7 named classes and "other".
inline constexpr size_t kIntervalClasses = 8;
inline constexpr char kOtherFailureClass[] = "other";

// What one closed second holds (JSON `intervals`, results measurements `interval` and
// `interval_failures`).
struct IntervalRecord {
  int32_t second = 0;          // k: the interval is [start + k s, start + (k+1) s)
  uint32_t requests = 0;       // final attempts a server saw (ok + failed)
  uint32_t failures = 0;       // final failures of any class
  // failures by class: slot i is IntervalStats::failure_classes()[i]; sums to `failures`
  std::array<uint32_t, kIntervalClasses> by_class{};
  uint32_t retries = 0;        // attempts beyond the first
  uint64_t points_accepted = 0;
  // Successful requests only (like the statement's latency), nanoseconds; 0 when none.
  int64_t from_due_p50 = 0, from_due_p99 = 0, from_due_max = 0;
  int64_t from_send_p50 = 0, from_send_p99 = 0, from_send_max = 0;
  bool operator==(const IntervalRecord&) const = default;
};

// Log-linear latency histogram with 2 significant digits: values below 128 ns get a bucket
// each, every power of two above is split into 64 buckets, so a bucket's midpoint is within
// 1/128 (0.8 %) of any value in it. Values from 2^40 ns (~18 min) up share the top bucket;
// max() stays exact. 8.75 KiB, no allocation.
class IntervalHistogram {
 public:
  static constexpr int kSubBits = 7;
  static constexpr int kMaxBits = 40;
  static constexpr size_t kBuckets = (size_t{1} << kSubBits) +
                                     static_cast<size_t>(kMaxBits - kSubBits) * (size_t{1} << (kSubBits - 1));

  void record(int64_t value_ns);  // negative values count as 0
  void reset();
  uint64_t count() const { return count_; }
  int64_t max() const { return count_ == 0 ? 0 : max_; }
  // Nearest rank (as Histogram::value_at_percentile): the bucket midpoint of the
  // ceil(percent/100 × count)-th smallest value, clamped to [min, max]; 0 when empty.
  int64_t value_at_percentile(double percent) const;

  static size_t bucket_index(uint64_t v);
  static uint64_t bucket_lowest(size_t index);
  static uint64_t bucket_width(size_t index);

 private:
  std::array<uint32_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  int64_t min_ = 0, max_ = 0;
};

// The by_class slot of failure class `name` among *classes (slot names in order), adding
// it while slots are free; once kIntervalClasses − 1 are taken, new classes share the last
// slot, named kOtherFailureClass.
size_t failure_class_slot(std::vector<std::string>* classes, const std::string& name);

// `stressql report`: adds `count` failures of class `name` to second `second` of `closed`
// (sorted by second), the class's slot chosen by failure_class_slot. False (nothing added)
// when `closed` has no such second.
bool add_restored_failures(std::deque<IntervalRecord>* closed, std::vector<std::string>* classes,
                           int64_t second, const std::string& name, uint32_t count);

class IntervalStats {
 public:
  // Seconds that can be open at once. A sample due more than this after the oldest open
  // interval closes the oldest ones early.
  static constexpr int64_t kOpenSeconds = 64;

  // REQUIRES: called before add(). `start_unix_ns`: the statement's start (wall clock).
  void start(int64_t start_unix_ns);
  // Buckets one sample by its due time. A sample due before start counts in second 0; one
  // due in an interval already closed counts in the oldest open one, and in late_samples().
  // Offline samples (never sent) count nowhere.
  void add(const engine::Sample& s);
  // Closes every interval that ends at or before `unix_ns` (seconds with no sample become
  // empty records, so closed() is contiguous from second 0). The caller picks `unix_ns` so
  // that no sample can still be due in them: now minus the request timeout and a margin.
  void close_before(int64_t unix_ns);
  // Closes the open intervals up to the last second that received a sample and frees the
  // ring. Idempotent; samples added after it count nowhere (the controller only finishes
  // early a statement whose in-flight requests it gave up on).
  void finish();

  // Closed intervals, in order of `second`.
  const std::deque<IntervalRecord>& closed() const { return closed_; }
  // Samples that came after their interval had closed (counted in a later one).
  uint64_t late_samples() const { return late_samples_; }
  size_t open_count() const { return static_cast<size_t>(end_open_ - first_open_); }
  int64_t start_unix_ns() const { return start_unix_ns_; }
  // The names of the records' by_class slots, in slot order (at most kIntervalClasses; the
  // last is kOtherFailureClass once more classes came).
  const std::vector<std::string>& failure_classes() const { return classes_; }

  // `stressql report`: the intervals as stored in _stressTest.
  void restore(std::deque<IntervalRecord> closed, std::vector<std::string> failure_classes,
               uint64_t late_samples, int64_t start_unix_ns);

 private:
  struct Open {
    uint32_t requests = 0, failures = 0, retries = 0;
    uint64_t points_accepted = 0;
    std::array<uint32_t, kIntervalClasses> by_class{};
    IntervalHistogram from_due, from_send;
  };
  Open& slot(int64_t second) { return ring_[static_cast<size_t>(second % kOpenSeconds)]; }
  void open_through(int64_t second);  // opens every second up to and including `second`
  void close_oldest();

  int64_t start_unix_ns_ = 0;
  std::vector<Open> ring_;    // kOpenSeconds slots once the first sample came; empty otherwise
  int64_t first_open_ = 0;    // seconds before this are closed
  int64_t end_open_ = 0;      // seconds [first_open_, end_open_) are open
  std::deque<IntervalRecord> closed_;  // a deque: no 2× slack as it grows for hours
  std::vector<std::string> classes_;   // names of the by_class slots
  uint64_t late_samples_ = 0;
  bool finished_ = false;
};

}  // namespace stressql::stats
