// IdTable: values kept under increasing 64-bit ids, found by index.
//
// For ids that are handed out in increasing order and mostly released in
// about the same order: a loop's requests (its ids are the platform's tokens
// and the trace's ids; the pool is a FIFO, and round trips of one latency
// end in order). So the table is a window over the ids, starting at the
// oldest live one: finding a value is an index, not a hash, and a deep
// queue's values lie next to each other in memory (a hash map of 100,000
// queued requests missed the cache on every completion). The window is a
// base::StableRing: a std::deque allocated and freed a block every few
// requests, and a base::Ring moved every value as it doubled.
//
// A value that outlives many later ones (a TCP listen, a slow file) would
// hold the window open; when an insertion finds the window more than twice
// the values live in it, the oldest live ones move to a side map, so memory
// stays within a constant factor of the most values ever live at once. Each
// value moves there at most once.
//
// Ids come either from the table (Add, Emplace, Skip: next_id() onwards) or
// from the caller (Put: any id not live, usually increasing, gaps allowed).
//
// Detach takes a value out of the table, for a callback that runs where its
// request lies (moving the callable out of the table was a tenth of the
// simulator's virtual hour). A detached window value stays where it is until
// Release, whatever is added meanwhile: window slots never move, and
// compaction stops short of it. (A detached side-map value moves once, out of
// the map, which moves its values as it rehashes.)
//
// Threading: not thread-safe; one thread at a time.
#ifndef TWINLOOP_BASE_ID_TABLE_H_
#define TWINLOOP_BASE_ID_TABLE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/internal/raw_logging.h"
#include "absl/container/flat_hash_map.h"
#include "base/stable_ring.h"

namespace base {

template <typename T>
class IdTable {
 public:
  // The window never shrinks below this many slots by moving values out.
  static constexpr size_t kMinWindow = 64;

  explicit IdTable(uint64_t first_id = 1) : base_(first_id) {}

  // The id the next Add returns.
  uint64_t next_id() const { return base_ + window_.size(); }

  // Stores `value` under next_id() and returns that id.
  uint64_t Add(T value) { return Emplace(std::move(value)); }
  // Builds the value in place from `args`.
  template <typename... Args>
  uint64_t Emplace(Args&&... args) {
    if (window_.size() >= kMinWindow && window_.size() > 2 * in_window_) Compact();
    const uint64_t id = next_id();
    BuildAtBack(std::forward<Args>(args)...);
    ++in_window_;
    return id;
  }

  // Stores a value built from `args` under `id`, which must not be live.
  // Past next_id() (the usual case) the ids between are left empty and
  // next_id() becomes id + 1; below it, the value takes its empty slot, or
  // goes to the side map if the window has moved past it.
  // While a value is detached, `id` may not be the detached one, nor leave a
  // gap wider than the window is worth (the window cannot start again while
  // the detached value is in it).
  template <typename... Args>
  void Put(uint64_t id, Args&&... args) {
    ABSL_RAW_CHECK(id != detached_id_, "IdTable::Put of a detached id");
    if (id < next_id()) {
      if (id >= base_) {
        std::optional<T>& slot = At(id - base_);
        ABSL_RAW_CHECK(!slot.has_value(), "IdTable::Put over a live id");
        slot.emplace(std::forward<Args>(args)...);
        ++in_window_;
      } else {
        ++moves_;  // the side map may rehash
        const bool added = side_.try_emplace(id, std::forward<Args>(args)...).second;
        ABSL_RAW_CHECK(added, "IdTable::Put over a live id");
      }
      return;
    }
    if (window_.empty()) {
      base_ = id;
    } else if (id - next_id() > 2 * in_window_ + kMinWindow) {
      // A gap wider than the window is worth: everything live moves out
      // and the window starts again at `id`.
      ABSL_RAW_CHECK(!DetachedInWindow(), "IdTable::Put: a wide gap while a value is detached");
      SpillAll();
      base_ = id;
    } else {
      while (next_id() < id) PushBack();
    }
    Emplace(std::forward<Args>(args)...);
  }

  // Uses up an id without storing anything under it (a platform operation
  // nobody waits for still needs its own token).
  uint64_t Skip() {
    const uint64_t id = next_id();
    if (window_.empty()) {
      ++base_;
    } else {
      PushBack();
    }
    return id;
  }

  // The value with this id, or nullptr. Valid until the next insertion or Take.
  T* Find(uint64_t id) {
    if (id >= base_ && id < next_id()) {
      std::optional<T>& slot = At(id - base_);
      return slot && id != detached_id_ ? &*slot : nullptr;
    }
    if (side_.empty()) return nullptr;
    auto it = side_.find(id);
    return it == side_.end() ? nullptr : &it->second;
  }

  // Removes the value with this id and returns it (nullopt if absent).
  std::optional<T> Take(uint64_t id) {
    if (id == detached_id_) return std::nullopt;
    ++moves_;
    if (id >= base_ && id < next_id()) {
      std::optional<T>& slot = At(id - base_);
      if (!slot) return std::nullopt;
      std::optional<T> out(std::move(slot));
      --in_window_;
      if (id == base_) {
        // The usual case (requests end in about the order they began): the
        // slot leaves the window with what the move left in it.
        PopFront();
        TrimFront();
      } else {
        slot.reset();
      }
      return out;
    }
    auto it = side_.find(id);
    if (it == side_.end()) return std::nullopt;
    std::optional<T> out(std::move(it->second));
    side_.erase(it);
    return out;
  }

  // Takes the value with this id out of the table, leaving it where it is:
  // until Release, Find and Take do not see it and size() and Ids() leave it
  // out, but it stays valid and in place, and its id may not be Put. Returns
  // nullptr if the id is not live. One value at a time may be detached.
  T* Detach(uint64_t id) {
    ABSL_RAW_CHECK(detached_id_ == kNone, "IdTable::Detach with a value detached already");
    if (id >= base_ && id < next_id()) {
      std::optional<T>& slot = At(id - base_);
      if (!slot) return nullptr;
      --in_window_;
      detached_id_ = id;
      ++moves_;  // Find no longer sees it
      return &*slot;
    }
    auto it = side_.find(id);
    if (it == side_.end()) return nullptr;
    // The side map moves its values as it rehashes: this one waits outside.
    ++moves_;
    detached_side_.emplace(std::move(it->second));
    side_.erase(it);
    detached_id_ = id;
    return &*detached_side_;
  }

  // Destroys the detached value; its id is free for Put again.
  void Release() {
    ABSL_RAW_CHECK(detached_id_ != kNone, "IdTable::Release with nothing detached");
    const uint64_t id = std::exchange(detached_id_, kNone);
    ++moves_;
    if (detached_side_) {
      detached_side_.reset();
      return;
    }
    At(id - base_).reset();
    if (id == base_) {
      PopFront();
      TrimFront();
    }
  }

  size_t size() const { return in_window_ + side_.size(); }
  // Changes whenever a live value may have moved, been destroyed or been
  // detached (a Take, a Detach, a Release, a value moved to the side map):
  // while it does not, a pointer from Find stays valid and Find gives it
  // again. A caller that holds one across code that may
  // use the table looks again only if it changed.
  uint64_t moves() const { return moves_; }
  bool empty() const { return size() == 0; }

  // Every live id, in increasing order.
  std::vector<uint64_t> Ids() const {
    std::vector<uint64_t> ids;
    ids.reserve(size());
    for (const auto& [id, unused] : side_) ids.push_back(id);
    std::sort(ids.begin(), ids.end());  // all side ids are below the window's
    for (size_t i = 0; i < window_.size(); ++i) {
      if (At(i) && base_ + i != detached_id_) ids.push_back(base_ + i);
    }
    return ids;
  }

  // Slots the window spans (for tests: memory stays bounded).
  size_t window_size() const { return window_.size(); }

 private:
  // The window's i-th slot (id base_ + i).
  std::optional<T>& At(size_t i) { return window_[i]; }
  const std::optional<T>& At(size_t i) const { return window_[i]; }

  // Extends the window by one slot holding a value built from `args`; if
  // building throws, the window is as it was (its front stays live). The
  // arguments must not refer into the table: Emplace's compaction and Put's
  // spill move values into the side map, which moves them as it rehashes.
  template <typename... Args>
  void BuildAtBack(Args&&... args) {
    std::optional<T>& slot = PushBack();
    try {
      slot.emplace(std::forward<Args>(args)...);
    } catch (...) {
      window_.pop_back();
      throw;
    }
  }

  // Extends the window by one empty slot and returns it.
  std::optional<T>& PushBack() { return window_.emplace_back(); }

  void PopFront() {
    window_.pop_front();
    ++base_;
  }

  // Drops freed slots from the window's front: it starts at a live value.
  void TrimFront() {
    while (!window_.empty() && !At(0)) PopFront();
  }

  // Drops the window's first slot, moving its value (if any) to the side map.
  void SpillFront() {
    std::optional<T>& front = At(0);
    if (front) {
      ++moves_;
      side_.emplace(base_, std::move(*front));
      --in_window_;
    }
    PopFront();
  }

  // Moves every live value to the side map and empties the window.
  void SpillAll() {
    while (!window_.empty()) SpillFront();
  }

  bool DetachedInWindow() const { return detached_id_ != kNone && !detached_side_; }

  // Moves the oldest live values out until the window is at most twice
  // the values still in it, or its front is the detached value (which
  // stays put; the window shrinks at a later insertion).
  void Compact() {
    while (window_.size() > kMinWindow / 2 && window_.size() > 2 * in_window_ &&
           base_ != detached_id_) {
      SpillFront();
    }
    TrimFront();
    ABSL_RAW_CHECK(window_.size() <= 2 * in_window_ + kMinWindow || DetachedInWindow(),
                   "the window did not shrink");
  }

  static constexpr uint64_t kNone = ~uint64_t{0};

  uint64_t base_;  // the id of the window's first slot
  // Chunks of 64 slots: a loop with a few requests allocates one small chunk.
  base::StableRing<std::optional<T>, 64> window_;
  size_t in_window_ = 0;  // live values in the window, the detached one not counted
  absl::flat_hash_map<uint64_t, T> side_;
  uint64_t detached_id_ = kNone;
  std::optional<T> detached_side_;  // a detached value that was in side_
  uint64_t moves_ = 0;
};

}  // namespace base

#endif  // TWINLOOP_BASE_ID_TABLE_H_
