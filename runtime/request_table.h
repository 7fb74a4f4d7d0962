// RequestTable: a loop's outstanding requests, by the id each was given.
//
// Ids are handed out in increasing order (they are the platform's tokens and
// the trace's ids), and most requests end in about the order they began: the
// pool is a FIFO, and round trips of one latency end in order. So the table
// is a window over the ids, a deque whose front is the oldest live id:
// finding a request is an index, not a hash, and a deep queue's requests lie
// next to each other in memory (a hash map of 100,000 queued requests missed
// the cache on every completion). A request that outlives many later ones (a
// TCP listen, a slow file) would hold the window open; when an Add finds the
// window more than twice the requests live in it, the oldest live ones move
// to a side map, so memory stays within a constant factor of the most
// requests ever live at once. Each request moves at most once.
//
// Threading: not thread-safe; the loop's thread only.
#ifndef TWINLOOP_RUNTIME_REQUEST_TABLE_H_
#define TWINLOOP_RUNTIME_REQUEST_TABLE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/internal/raw_logging.h"
#include "absl/container/flat_hash_map.h"

namespace runtime {

template <typename T>
class RequestTable {
 public:
  // The window never shrinks below this many slots by moving requests out.
  static constexpr size_t kMinWindow = 64;

  explicit RequestTable(uint64_t first_id = 1) : base_(first_id) {}

  // The id the next Add returns.
  uint64_t next_id() const { return base_ + window_.size(); }

  // Stores `value` under next_id() and returns that id.
  uint64_t Add(T value) { return Emplace(std::move(value)); }
  // Builds the value in place from `args`.
  template <typename... Args>
  uint64_t Emplace(Args&&... args) {
    if (window_.size() >= kMinWindow && window_.size() > 2 * in_window_) Compact();
    const uint64_t id = next_id();
    window_.emplace_back(std::in_place, std::forward<Args>(args)...);
    ++in_window_;
    return id;
  }

  // Uses up an id without storing anything under it (a platform operation
  // nobody waits for still needs its own token).
  uint64_t Skip() {
    const uint64_t id = next_id();
    if (window_.empty()) {
      ++base_;
    } else {
      window_.emplace_back();
    }
    return id;
  }

  // The request with this id, or nullptr. Valid until the next Add or Take.
  T* Find(uint64_t id) {
    if (id >= base_ && id < next_id()) {
      std::optional<T>& slot = window_[id - base_];
      return slot ? &*slot : nullptr;
    }
    if (side_.empty()) return nullptr;
    auto it = side_.find(id);
    return it == side_.end() ? nullptr : &it->second;
  }

  // Removes the request with this id and returns it (nullopt if absent).
  std::optional<T> Take(uint64_t id) {
    std::optional<T> out;
    if (id >= base_ && id < next_id()) {
      std::optional<T>& slot = window_[id - base_];
      if (!slot) return out;
      out = std::move(slot);
      slot.reset();
      --in_window_;
      TrimFront();
      return out;
    }
    auto it = side_.find(id);
    if (it == side_.end()) return out;
    out = std::move(it->second);
    side_.erase(it);
    return out;
  }

  size_t size() const { return in_window_ + side_.size(); }
  bool empty() const { return size() == 0; }

  // Every live id, in increasing order.
  std::vector<uint64_t> Ids() const {
    std::vector<uint64_t> ids;
    ids.reserve(size());
    for (const auto& [id, unused] : side_) ids.push_back(id);
    std::sort(ids.begin(), ids.end());  // all side ids are below the window's
    for (size_t i = 0; i < window_.size(); ++i) {
      if (window_[i]) ids.push_back(base_ + i);
    }
    return ids;
  }

  // Slots the window spans (for tests: memory stays bounded).
  size_t window_size() const { return window_.size(); }

 private:
  // Drops freed slots from the window's front: it starts at a live request.
  void TrimFront() {
    while (!window_.empty() && !window_.front()) {
      window_.pop_front();
      ++base_;
    }
  }

  // Moves the oldest live requests out until the window is at most twice
  // the requests still in it.
  void Compact() {
    while (window_.size() > kMinWindow / 2 && window_.size() > 2 * in_window_) {
      std::optional<T>& front = window_.front();
      if (front) {
        side_.emplace(base_, std::move(*front));
        --in_window_;
      }
      window_.pop_front();
      ++base_;
    }
    TrimFront();
    ABSL_RAW_CHECK(window_.size() <= 2 * in_window_ + kMinWindow, "the window did not shrink");
  }

  uint64_t base_;  // the id of window_.front()
  std::deque<std::optional<T>> window_;
  size_t in_window_ = 0;  // live requests in window_
  absl::flat_hash_map<uint64_t, T> side_;
};

}  // namespace runtime

#endif  // TWINLOOP_RUNTIME_REQUEST_TABLE_H_
