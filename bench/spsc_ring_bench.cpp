// SpscRing against a mutex + deque queue of the same capacity, in one run: a producer
// thread pushes items, the benchmark thread pops them. Prints the throughput ratio.

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "engine/spsc_ring.h"

namespace {

using stressql::engine::SpscRing;

struct Item {  // the size of a Sample-bearing event, roughly
  uint64_t a, b, c, d, e, f, g, h;
};

constexpr size_t kCapacity = 4096;
constexpr uint64_t kBatch = 1 << 18;

class MutexQueue {
 public:
  bool try_push(const Item& it) {
    std::lock_guard<std::mutex> lock(mu_);
    if (q_.size() >= kCapacity) return false;
    q_.push_back(it);
    return true;
  }
  // Batch pop under one lock: the fair counterpart of SpscRing::pop_n.
  size_t pop_n(Item* out, size_t max) {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    while (n < max && !q_.empty()) {
      out[n++] = q_.front();
      q_.pop_front();
    }
    return n;
  }

 private:
  std::mutex mu_;
  std::deque<Item> q_;
};

template <typename Queue>
void transfer(benchmark::State& state, Queue& q) {
  for (auto _ : state) {
    std::thread producer([&] {
      for (uint64_t i = 0; i < kBatch; ++i) {
        Item it{i, 0, 0, 0, 0, 0, 0, 0};
        while (!q.try_push(it)) std::this_thread::yield();
      }
    });
    // The consumer drains in batches, as Engine::poll does.
    uint64_t sum = 0;
    Item items[64];
    for (uint64_t got = 0; got < kBatch;) {
      const size_t n = q.pop_n(items, 64);
      for (size_t i = 0; i < n; ++i) sum += items[i].a;
      got += n;
      if (n == 0) std::this_thread::yield();
    }
    producer.join();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
}

void BM_SpscRing(benchmark::State& state) {
  SpscRing<Item> q(kCapacity);
  transfer(state, q);
}
void BM_MutexDeque(benchmark::State& state) {
  MutexQueue q;
  transfer(state, q);
}
BENCHMARK(BM_SpscRing)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_MutexDeque)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      auto it = r.counters.find("items_per_second");
      if (it != r.counters.end()) rate_[r.benchmark_name()] = it->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  double rate(const std::string& prefix) const {
    for (auto& [name, v] : rate_) {
      if (name.rfind(prefix, 0) == 0) return v;
    }
    return 0;
  }

 private:
  std::map<std::string, double> rate_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double spsc = reporter.rate("BM_SpscRing");
  const double mutex = reporter.rate("BM_MutexDeque");
  if (spsc > 0 && mutex > 0) {
    std::printf("\nSpscRing %.1f M items/s, mutex+deque %.1f M items/s: ratio %.2fx\n", spsc / 1e6,
                mutex / 1e6, spsc / mutex);
  }
  benchmark::Shutdown();
  return 0;
}
