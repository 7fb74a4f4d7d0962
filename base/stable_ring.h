// StableRing: a FIFO sequence with indexed access whose elements never move.
//
// For base::IdTable's window of a loop's requests (and the simulated pool's
// queue, whose chunks the chunk cache keeps between loops): a request's callback runs
// where the request lies while the callback adds more requests, so the
// window must grow without moving what it holds. base::Ring doubled one
// buffer and moved every element into it (for 100,000 queued pool tasks,
// 19 MB allocated and touched per run where 10 MB are live, and a manager
// call per callable moved). Here elements live in chunks of kChunkSlots:
// growing adds a chunk, popping past one retires it, and one retired chunk
// is kept as a spare, so a window that slides steadily allocates nothing.
// The chunk pointers are themselves in a base::Ring (they are few, and
// moving a pointer is cheap), so finding an element is a shift, a mask and
// a few loads.
//
// Like base::Ring, a popped slot is reset to T() at once (unless T is
// trivially destructible), so what it held is released then.
//
// Threading: not thread-safe; one thread at a time.
#ifndef TWINLOOP_BASE_STABLE_RING_H_
#define TWINLOOP_BASE_STABLE_RING_H_

#include <cstddef>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "base/chunk_cache.h"
#include "base/ring.h"

namespace base {

template <typename T, size_t kChunkSlots = 256>
class StableRing {
  static_assert(kChunkSlots > 0 && (kChunkSlots & (kChunkSlots - 1)) == 0, "kChunkSlots must be a power of two");

 public:
  StableRing() = default;
  // A moved-from ring is empty and usable. Moving the ring moves no element.
  StableRing(StableRing&& other) noexcept { *this = std::move(other); }
  StableRing& operator=(StableRing&& other) noexcept {
    if (this != &other) {
      chunks_ = std::move(other.chunks_);
      spare_ = std::move(other.spare_);
      capacity_ = std::exchange(other.capacity_, 0);
      head_ = std::exchange(other.head_, 0);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  StableRing(const StableRing&) = delete;
  StableRing& operator=(const StableRing&) = delete;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The i-th element from the front; i < size(). Its address holds until
  // it is popped.
  T& operator[](size_t i) { return Slot(head_ + i); }
  const T& operator[](size_t i) const { return Slot(head_ + i); }
  T& front() { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }

  // Appends an element and returns it: T() if T is trivially destructible
  // (what a popped slot held is overwritten), else a default-constructed T
  // (a slot of a new chunk) or one reset to T() when it was popped. So a T
  // with a constructor must initialise every member it relies on: a chunk
  // from the chunk cache holds what an earlier ring left there.
  T& emplace_back() {
    const size_t j = head_ + size_;
    if (j == capacity_) AddChunk();
    ++size_;
    T& slot = Slot(j);
    // A trivially destructible element was left as it was when popped.
    if constexpr (std::is_trivially_destructible_v<T>) slot = T();
    return slot;
  }

  void pop_front() {
    ABSL_RAW_CHECK(size_ != 0, "StableRing::pop_front on an empty ring");
    if constexpr (!std::is_trivially_destructible_v<T>) front() = T();
    --size_;
    if (++head_ == kChunkSlots) RetireFrontChunk();
  }

  // Removes the last element (an emplace_back undone).
  void pop_back() {
    ABSL_RAW_CHECK(size_ != 0, "StableRing::pop_back on an empty ring");
    if constexpr (!std::is_trivially_destructible_v<T>) back() = T();
    --size_;
  }

  void clear() {
    while (size_ != 0) pop_front();
  }

  // Forward iteration from the front.
  class iterator {
   public:
    using value_type = T;
    using reference = T&;
    using pointer = T*;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::forward_iterator_tag;
    iterator() = default;
    T& operator*() const { return (*ring_)[i_]; }
    T* operator->() const { return &(*ring_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      ++i_;
      return before;
    }
    bool operator==(const iterator& other) const { return i_ == other.i_; }
    bool operator!=(const iterator& other) const { return i_ != other.i_; }

   private:
    friend class StableRing;
    iterator(StableRing* ring, size_t i) : ring_(ring), i_(i) {}
    StableRing* ring_ = nullptr;
    size_t i_ = 0;
  };
  iterator begin() { return iterator(this, 0); }
  iterator end() { return iterator(this, size_); }
  // Removes the element at `it` and returns the position after it, which
  // now holds the next element. The elements on the shorter side of it move
  // one place towards it (their slots then hold others, the one exception
  // to "elements never move"), as std::deque::erase does: the simulated
  // pool takes work from just behind a held-back head, and cancels.
  iterator erase(iterator it) {
    ABSL_RAW_CHECK(it.i_ < size_, "StableRing::erase past the end");
    const size_t at = it.i_;
    if (at < size_ / 2) {
      for (size_t i = at; i > 0; --i) (*this)[i] = std::move((*this)[i - 1]);
      pop_front();
    } else {
      for (size_t i = at; i + 1 < size_; ++i) (*this)[i] = std::move((*this)[i + 1]);
      pop_back();
    }
    return iterator(this, at);
  }

  // Slots allocated, in use or not (for tests: memory stays bounded).
  size_t capacity() const { return capacity_ + (spare_ ? kChunkSlots : 0); }

 private:
  using Chunk = ChunkPtr<T, kChunkSlots>;

  // The element at offset j from the first chunk's start.
  T& Slot(size_t j) { return chunks_[j / kChunkSlots][j % kChunkSlots]; }
  const T& Slot(size_t j) const { return chunks_[j / kChunkSlots][j % kChunkSlots]; }

  void AddChunk() {
    if (spare_) {
      chunks_.push_back(std::move(spare_));
    } else {
      chunks_.push_back(MakeChunk<T, kChunkSlots>());
    }
    capacity_ += kChunkSlots;
  }

  // The front moved past the first chunk: it becomes the spare (or is freed
  // if there is one), and offsets start again at the next chunk.
  void RetireFrontChunk() {
    Chunk first = std::move(chunks_.front());
    chunks_.pop_front();
    if (!spare_) spare_ = std::move(first);
    capacity_ -= kChunkSlots;
    head_ = 0;
  }

  base::Ring<Chunk> chunks_;
  Chunk spare_;
  size_t capacity_ = 0;  // slots in chunks_
  size_t head_ = 0;      // the front's offset in the first chunk, < kChunkSlots
  size_t size_ = 0;
};

}  // namespace base

#endif  // TWINLOOP_BASE_STABLE_RING_H_
