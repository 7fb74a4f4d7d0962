// BlockPool: fixed-size blocks for objects that one thread makes, that any
// thread may free, and that may outlive their maker (a Timer a user still
// holds after its loop is gone).
//
// Why: a loop makes and frees a timer's Timeout on its own thread, up to a
// million at a time, and glibc's malloc spent about 360 instructions on each
// (its fast caches hold a few chunks; the rest took its consolidating slow
// path; issue #12). Here a block comes off the owner's free list, or else off
// a chunk of kChunkBlocks by a bump pointer; a freed block goes on a
// lock-free stack that the owner takes whole when its own list runs dry.
// Chunks are given back (to the freeing thread's chunk cache,
// base/chunk_cache.h) only when the pool itself goes, so a loop keeps
// its peak timer memory until it ends (as a libuv program keeps the
// uv_timer_t structs it made).
//
// Lifetime: the owner holds the pool until Abandon(); every allocated block
// holds it as well. The pool deletes itself once the owner has abandoned it
// and the last block is freed, whichever comes last. So one block kept
// after its owner is gone (a Timer a program holds past its loop) keeps
// every chunk, the loop's peak, until it is freed.
//
// Threading: Allocate and Abandon on the owner's thread (one thread at a
// time); Free on any thread.
#ifndef TWINLOOP_BASE_BLOCK_POOL_H_
#define TWINLOOP_BASE_BLOCK_POOL_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace base {

class BlockPool {
 public:
  static constexpr size_t kChunkBlocks = 64;

  // A pool of blocks of `block_bytes`, aligned to `block_align` (a power of
  // two); a block must have room for a pointer.
  static BlockPool* Create(size_t block_bytes, size_t block_align);
  // What one block of such a pool takes: its size rounded up to its
  // alignment.
  static constexpr size_t BlockBytes(size_t block_bytes, size_t block_align) {
    return (block_bytes + block_align - 1) & ~(block_align - 1);
  }

  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  // Uninitialised storage for one object. Owner's thread.
  void* Allocate();
  // Gives back a block from Allocate, its object already destroyed. Any
  // thread; the pool may be gone when this returns.
  void Free(void* block);
  // The owner lets go. Blocks still allocated stay valid until freed.
  void Abandon();

  // Blocks allocated and not yet freed, as the owner's thread sees them:
  // exact once every Free has happened before the call (tests). Before
  // Abandon only.
  int64_t live_blocks() const;
  size_t chunk_count() const { return chunks_.size(); }

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  BlockPool(size_t block_bytes, size_t block_align);
  ~BlockPool();
  void AddChunk();
  size_t chunk_bytes() const { return block_bytes_ * kChunkBlocks; }
  void Poison(void* block) const;
  void Unpoison(void* block) const;

  const size_t block_bytes_;
  const size_t block_align_;
  // The owner's: its allocations touch only these.
  int64_t credit_ = 0;  // see refs_
  FreeBlock* free_ = nullptr;
  char* bump_ = nullptr;  // the newest chunk's next block
  char* bump_end_ = nullptr;
  std::vector<void*> chunks_;  // the owner's until the pool is deleted
  // What other threads write, on a cache line of its own. 1 for the owner,
  // 1 per allocated block, plus `credit_`: the owner takes counts
  // kChunkBlocks at a time, so allocating costs no atomic operation.
  alignas(64) std::atomic<int64_t> refs_{1};
  // Freed blocks, pushed by any thread; the owner takes the whole stack at
  // once, so a block it pops can't come back under it (no ABA).
  std::atomic<FreeBlock*> returned_{nullptr};
};

}  // namespace base

#endif  // TWINLOOP_BASE_BLOCK_POOL_H_
