// StableSlab: a growable array whose elements never move.
//
// For slabs whose slots are reused through base::FreeSlots and referenced
// while the slab grows (the simulated pool's tasks: a task's body may
// submit more work while it runs). Elements live in fixed chunks of
// kChunk, so finding one is two loads and a shift, growing allocates one
// chunk per kChunk elements, and nothing is ever copied or moved (a
// std::vector copied every task as it doubled; a std::deque's indexing and
// one allocation per task both showed in the simulator's profile).
//
// Threading: not thread-safe; one thread at a time.
#ifndef TWINLOOP_BASE_STABLE_SLAB_H_
#define TWINLOOP_BASE_STABLE_SLAB_H_

#include <cstddef>
#include <memory>
#include <vector>

#include "base/chunk_cache.h"

namespace base {

template <typename T, size_t kChunk = 256>
class StableSlab {
  static_assert(kChunk > 0 && (kChunk & (kChunk - 1)) == 0, "kChunk must be a power of two");

 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return chunks_[i / kChunk][i % kChunk]; }
  const T& operator[](size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  // Appends a default-constructed T (it already exists in its chunk).
  T& emplace_back() {
    if (size_ % kChunk == 0) chunks_.push_back(MakeChunk<T, kChunk>());
    return (*this)[size_++];
  }

 private:
  std::vector<ChunkPtr<T, kChunk>> chunks_;
  size_t size_ = 0;
};

}  // namespace base

#endif  // TWINLOOP_BASE_STABLE_SLAB_H_
