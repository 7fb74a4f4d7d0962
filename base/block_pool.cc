#include "base/block_pool.h"

#include <new>

#include "absl/base/config.h"
#include "absl/base/internal/raw_logging.h"
#include "base/chunk_cache.h"

// A free block is poisoned under AddressSanitizer (all but its first 8
// bytes, the free-list link), so touching a freed Timeout is reported until
// its block is handed out again. ABSL_HAVE_ADDRESS_SANITIZER, not
// __SANITIZE_ADDRESS__: Clang before 22 (the fuzz config's) defines only
// the feature test.
#ifdef ABSL_HAVE_ADDRESS_SANITIZER
#include <sanitizer/asan_interface.h>
#define TWINLOOP_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define TWINLOOP_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define TWINLOOP_POISON(p, n) ((void)(p), (void)(n))
#define TWINLOOP_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace base {

BlockPool* BlockPool::Create(size_t block_bytes, size_t block_align) {
  ABSL_RAW_CHECK(block_align > 0 && (block_align & (block_align - 1)) == 0,
                 "a block's alignment must be a power of two");
  ABSL_RAW_CHECK(block_bytes >= sizeof(FreeBlock) && block_align >= alignof(FreeBlock),
                 "a block must hold a free-list link");
  return new BlockPool(block_bytes, block_align);
}

BlockPool::BlockPool(size_t block_bytes, size_t block_align)
    : block_bytes_(BlockBytes(block_bytes, block_align)), block_align_(block_align) {}

BlockPool::~BlockPool() {
  for (void* chunk : chunks_) {
    TWINLOOP_UNPOISON(chunk, chunk_bytes());
    FreeChunk(chunk, chunk_bytes(), block_align_);
  }
}

void BlockPool::AddChunk() {
  // Room first, so that a throw (out of memory) leaves no chunk and no
  // null entry behind; push_back can't throw after it.
  if (chunks_.size() == chunks_.capacity()) chunks_.reserve(2 * chunks_.size() + 1);
  char* chunk = static_cast<char*>(AllocateChunk(chunk_bytes(), block_align_));
  chunks_.push_back(chunk);
  TWINLOOP_POISON(chunk, chunk_bytes());
  bump_ = chunk;
  bump_end_ = chunk + chunk_bytes();
}

void BlockPool::Poison(void* block) const {
  TWINLOOP_POISON(static_cast<char*>(block) + sizeof(FreeBlock), block_bytes_ - sizeof(FreeBlock));
}

void BlockPool::Unpoison(void* block) const { TWINLOOP_UNPOISON(block, block_bytes_); }

void* BlockPool::Allocate() {
  void* b;
  if (free_ == nullptr && returned_.load(std::memory_order_relaxed) != nullptr) {
    // Acquire: the freeing thread's last use of each block happened before.
    free_ = returned_.exchange(nullptr, std::memory_order_acquire);
  }
  if (free_ != nullptr) {
    b = free_;
    free_ = free_->next;
  } else {
    if (bump_ == bump_end_) AddChunk();  // may throw: nothing is counted yet
    b = bump_;
    bump_ += block_bytes_;
  }
  // The block is counted only once it exists.
  if (credit_ == 0) {
    refs_.fetch_add(kChunkBlocks, std::memory_order_relaxed);
    credit_ = kChunkBlocks;
  }
  --credit_;
  Unpoison(b);
  return b;
}

void BlockPool::Free(void* block) {
  auto* b = static_cast<FreeBlock*>(block);
  b->next = returned_.load(std::memory_order_relaxed);
  Poison(b);
  while (!returned_.compare_exchange_weak(b->next, b, std::memory_order_release,
                                          std::memory_order_relaxed)) {
  }
  // After the push: until this count goes, the pool can't be deleted.
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

void BlockPool::Abandon() {
  const int64_t mine = 1 + credit_;
  credit_ = 0;
  if (refs_.fetch_sub(mine, std::memory_order_acq_rel) == mine) delete this;
}

int64_t BlockPool::live_blocks() const {
  return refs_.load(std::memory_order_acquire) - 1 - credit_;
}

}  // namespace base
