#pragma once
// TimerHeap: at most one timer per id (a reactor's slot), ordered by time, in an indexed
// binary heap: arming, moving and clearing a timer cost O(log n), the earliest is O(1),
// and nothing is allocated after reset(). A reactor arms a slot's timer when the slot
// starts to wait (a pause, a backoff, an attempt's deadline) and handles only the timers
// that are due, instead of scanning every slot. One thread only.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace stressql::engine {

class TimerHeap {
 public:
  // Room for ids [0, max_ids); drops every timer.
  void reset(uint32_t max_ids) {
    heap_.clear();
    heap_.reserve(max_ids);
    pos_.assign(max_ids, kUnarmed);
  }
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  // The earliest timer. REQUIRES: !empty().
  int64_t top_time() const { return heap_.front().at; }
  // The id of the earliest timer. REQUIRES: !empty().
  uint32_t top_id() const { return heap_.front().id; }
  bool armed(uint32_t id) const { return pos_[id] != kUnarmed; }

  // Arms id's timer for `at`, or moves it there when it is armed. REQUIRES: id < max_ids.
  void set(uint32_t id, int64_t at) {
    if (pos_[id] == kUnarmed) {
      heap_.push_back({at, id});
      pos_[id] = static_cast<uint32_t>(heap_.size() - 1);
      sift_up(heap_.size() - 1);
      return;
    }
    const size_t i = pos_[id];
    const int64_t old = heap_[i].at;
    heap_[i].at = at;
    if (at < old) sift_up(i);
    else sift_down(i);
  }
  // Disarms id's timer; nothing when it is not armed.
  void clear(uint32_t id) {
    if (pos_[id] == kUnarmed) return;
    remove_at(pos_[id]);
  }
  // Removes the earliest timer and returns its id. REQUIRES: !empty().
  uint32_t pop() {
    const uint32_t id = heap_.front().id;
    remove_at(0);
    return id;
  }

 private:
  static constexpr uint32_t kUnarmed = UINT32_MAX;
  struct Entry {
    int64_t at;
    uint32_t id;
  };

  void remove_at(size_t i) {
    pos_[heap_[i].id] = kUnarmed;
    const Entry last = heap_.back();
    heap_.pop_back();
    if (i == heap_.size()) return;
    put(i, last);
    sift_up(i);
    sift_down(pos_[last.id]);
  }
  void put(size_t i, const Entry& e) {
    heap_[i] = e;
    pos_[e.id] = static_cast<uint32_t>(i);
  }
  void sift_up(size_t i) {
    const Entry e = heap_[i];
    while (i > 0) {
      const size_t parent = (i - 1) / 2;
      if (heap_[parent].at <= e.at) break;
      put(i, heap_[parent]);
      i = parent;
    }
    put(i, e);
  }
  void sift_down(size_t i) {
    const Entry e = heap_[i];
    const size_t n = heap_.size();
    for (;;) {
      size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap_[child + 1].at < heap_[child].at) ++child;
      if (e.at <= heap_[child].at) break;
      put(i, heap_[child]);
      i = child;
    }
    put(i, e);
  }

  std::vector<Entry> heap_;
  std::vector<uint32_t> pos_;  // id -> index in heap_, or kUnarmed
};

}  // namespace stressql::engine
