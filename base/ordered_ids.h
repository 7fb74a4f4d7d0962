// OrderedIds: small values under ids that mostly increase, taken mostly in
// the order they were added.
//
// For the simulated network's round trips in flight (the event of each, by
// the request's token, for Cancel): tokens increase, but the loop shares
// them with pool and file work, so an IdTable's window over them is half
// empty slots, and filling and trimming those showed in the virtual hour's
// profile. Here only the ids added take room: a sorted ring of (id, value),
// where taking the front is O(1) and taking any other is a binary search
// that leaves a dead entry until it reaches the front. When dead entries
// outnumber live ones (one long round trip holding the front while many
// later ones end), the ring is compacted, so memory stays within a constant
// factor of the most values ever live at once, at O(1) amortised per add.
// An id that is not greater than every id added before (a caller that does
// not number in order) goes to a side map instead.
//
// Threading: not thread-safe; one thread at a time.
#ifndef TWINLOOP_BASE_ORDERED_IDS_H_
#define TWINLOOP_BASE_ORDERED_IDS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/container/flat_hash_map.h"
#include "base/ring.h"

namespace base {

template <typename V>
class OrderedIds {
  static_assert(std::is_trivially_copyable_v<V>, "OrderedIds holds small plain values");

 public:
  // The ring is compacted only past this many entries.
  static constexpr size_t kMinCompact = 64;

  // Adds `value` under `id`, which must not be live.
  void Add(uint64_t id, V value) {
    if (!ring_.empty() && id <= ring_.back().id) {
      const bool added = Search(id) == kNone && side_.try_emplace(id, value).second;
      ABSL_RAW_CHECK(added, "OrderedIds::Add over a live id");
      return;
    }
    if (ring_.size() >= kMinCompact && ring_.size() > 2 * live_) Compact();
    Entry& e = ring_.emplace_back();
    e.id = id;
    e.value = value;
    e.live = true;
    ++live_;
  }

  // Removes the value under `id` and returns it (nullopt if absent).
  std::optional<V> Take(uint64_t id) {
    const size_t i = Search(id);
    if (i == kNone) {
      if (side_.empty()) return std::nullopt;
      auto it = side_.find(id);
      if (it == side_.end()) return std::nullopt;
      const V value = it->second;
      side_.erase(it);
      return value;
    }
    Entry& e = ring_[i];
    e.live = false;
    --live_;
    const V value = e.value;
    while (!ring_.empty() && !ring_.front().live) ring_.pop_front();
    return value;
  }

  size_t size() const { return live_ + side_.size(); }
  bool empty() const { return size() == 0; }
  // Entries held, live or dead (for tests: memory stays bounded).
  size_t entries() const { return ring_.size(); }

 private:
  struct Entry {
    uint64_t id;
    V value;
    bool live;
  };

  static constexpr size_t kNone = SIZE_MAX;

  // The index of the live ring entry with this id, or kNone.
  size_t Search(uint64_t id) const {
    if (ring_.empty()) return kNone;
    if (ring_.front().id == id) return 0;  // the usual case
    // Binary search for the first entry with an id >= `id`.
    size_t lo = 0, hi = ring_.size();
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (ring_[mid].id < id) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo < ring_.size() && ring_[lo].id == id && ring_[lo].live ? lo : kNone;
  }

  // Drops the dead entries.
  void Compact() {
    Ring<Entry> kept;
    for (size_t i = 0; i < ring_.size(); ++i) {
      if (ring_[i].live) kept.emplace_back() = ring_[i];
    }
    ring_ = std::move(kept);
  }

  Ring<Entry> ring_;  // by increasing id; the front is live
  size_t live_ = 0;   // live entries in the ring
  absl::flat_hash_map<uint64_t, V> side_;  // ids added out of order
};

}  // namespace base

#endif  // TWINLOOP_BASE_ORDERED_IDS_H_
