// Ring: a FIFO sequence with indexed access, in one power-of-two buffer that
// only grows.
//
// For the simulator's and the loop's queues that are pushed at the back and
// popped at the front millions of times: std::deque allocates and frees a
// block every few elements as the sequence moves through memory, and that
// showed in their profiles. A popped slot is reset to T() at once (unless T
// is trivially destructible), so what it held is released then, not when
// the slot is reused.
//
// Threading: not thread-safe; one thread at a time.
#ifndef TWINLOOP_BASE_RING_H_
#define TWINLOOP_BASE_RING_H_

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/internal/raw_logging.h"

namespace base {

template <typename T>
class Ring {
 public:
  Ring() = default;
  // A moved-from ring is empty and usable (its capacity goes with it).
  Ring(Ring&& other) noexcept { *this = std::move(other); }
  Ring& operator=(Ring&& other) noexcept {
    if (this != &other) {
      slots_ = std::move(other.slots_);
      other.slots_.clear();
      capacity_ = std::exchange(other.capacity_, 0);
      mask_ = std::exchange(other.mask_, 0);
      head_ = std::exchange(other.head_, 0);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  Ring(const Ring&) = default;
  Ring& operator=(const Ring&) = default;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The i-th element from the front; i < size().
  T& operator[](size_t i) { return slots_[(head_ + i) & mask_]; }
  const T& operator[](size_t i) const { return slots_[(head_ + i) & mask_]; }
  T& front() { return (*this)[0]; }
  const T& front() const { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  // Appends a T() and returns it. References into the ring are invalidated
  // when it grows.
  T& emplace_back() {
    if (size_ == capacity_) Grow();
    T& slot = (*this)[size_++];
    // A trivially destructible element was left as it was when popped.
    if constexpr (std::is_trivially_destructible_v<T>) slot = T();
    return slot;
  }
  void push_back(T value) { emplace_back() = std::move(value); }

  void pop_front() {
    ABSL_RAW_CHECK(size_ != 0, "Ring::pop_front on an empty ring");
    if constexpr (!std::is_trivially_destructible_v<T>) front() = T();
    head_ = (head_ + 1) & mask_;
    --size_;
  }

  // Removes the last element (an emplace_back undone).
  void pop_back() {
    ABSL_RAW_CHECK(size_ != 0, "Ring::pop_back on an empty ring");
    if constexpr (!std::is_trivially_destructible_v<T>) back() = T();
    --size_;
  }

  void clear() {
    while (size_ != 0) pop_front();
  }

 private:
  void Grow() {
    std::vector<T> bigger(std::max<size_t>(16, 2 * slots_.size()));
    for (size_t i = 0; i < size_; ++i) bigger[i] = std::move((*this)[i]);
    slots_.swap(bigger);
    head_ = 0;
    capacity_ = slots_.size();
    mask_ = capacity_ - 1;
  }

  std::vector<T> slots_;  // empty, or a power of two long
  // slots_.size() and that less one, kept: a vector's size is a division
  // by the element's size, and these are read on every access.
  size_t capacity_ = 0;
  size_t mask_ = 0;
  size_t head_ = 0;       // the front's index in slots_
  size_t size_ = 0;
};

}  // namespace base

#endif  // TWINLOOP_BASE_RING_H_
