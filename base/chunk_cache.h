// Chunk cache: a thread's store of freed chunks, for the next loop it makes.
//
// Why: a loop keeps its requests, its simulated pool's tasks and its timers
// in chunks of a few kilobytes (base::StableRing, base::StableSlab,
// base::BlockPool). A sweep of seeds makes a fresh loop per seed; when one
// ended, glibc took its freed chunks back into the heap's top and returned
// the pages to the kernel (it trims a top past 128 KiB), and the next loop
// faulted the same pages in again, zeroed: 100,000 queued pool tasks are
// 21 MB, and faulting them was 30% of the simulator's pool benchmark
// (issue #12). Here a freed chunk joins its size's list in the freeing
// thread's cache, up to a limit, and the next chunk of that size that
// thread asks for comes off the list, its pages still mapped.
//
// The limit is 64 MiB per thread by default, glibc's own ceiling for the
// trim threshold it raises as a program frees large blocks
// (DEFAULT_MMAP_THRESHOLD_MAX * 2 on 64-bit). Past it, and while chunks of
// kChunkSizeClasses other sizes are held, a freed chunk goes straight back
// to operator delete (a loop's containers use three sizes or so).
// SetChunkCacheLimit(0) turns a thread's cache off; ReleaseCachedChunks()
// frees what it holds. A thread's cache is freed when the thread exits.
//
// Under AddressSanitizer a cached chunk is poisoned whole, so touching a
// freed container's memory is still reported until the chunk is handed out
// again (to a later loop: a pointer kept across loops is then no longer
// caught). Chunks of fewer than 8 bytes are never kept.
//
// A thread that frees chunks but never allocates any (one that drops the
// last Timer of a gone loop) keeps them too, up to its limit, until it
// exits or calls ReleaseCachedChunks().
//
// Threading: every function acts on the calling thread's cache. A chunk
// may be freed on another thread than the one that allocated it: it joins
// the freeing thread's cache.
#ifndef TWINLOOP_BASE_CHUNK_CACHE_H_
#define TWINLOOP_BASE_CHUNK_CACHE_H_

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>

namespace base {

inline constexpr size_t kDefaultChunkCacheLimit = size_t{64} << 20;
inline constexpr int kChunkSizeClasses = 8;

// `bytes` (> 0) aligned to `align` (a power of two): a cached chunk of that
// size and alignment if this thread holds one, else operator new's.
void* AllocateChunk(size_t bytes, size_t align);
// Gives back a chunk from AllocateChunk(bytes, align), on any thread.
void FreeChunk(void* chunk, size_t bytes, size_t align) noexcept;

// This thread's cache: the most bytes it keeps (what it holds past a lower
// limit is freed now), what it holds, and freeing all of it.
void SetChunkCacheLimit(size_t bytes);
size_t CachedChunkBytes();
void ReleaseCachedChunks();

// An array of N T in a chunk, for containers of chunks: each built by its
// default constructor, or zeroed if T has none that does anything (an int
// is 0, not what the chunk held before). Not value-initialised otherwise: a
// class with an implicit constructor would be zeroed first, and for the
// simulated pool's 96-byte tasks that was a `rep stos` per task, half of
// the time it took to queue one.
template <typename T, size_t N>
struct ChunkDeleter {
  void operator()(T* chunk) const noexcept {
    std::destroy_n(chunk, N);
    FreeChunk(chunk, sizeof(T) * N, alignof(T));
  }
};
template <typename T, size_t N>
using ChunkPtr = std::unique_ptr<T[], ChunkDeleter<T, N>>;

template <typename T, size_t N>
ChunkPtr<T, N> MakeChunk() {
  T* chunk = static_cast<T*>(AllocateChunk(sizeof(T) * N, alignof(T)));
  try {
    if constexpr (std::is_trivially_default_constructible_v<T>) {
      std::uninitialized_value_construct_n(chunk, N);
    } else {
      std::uninitialized_default_construct_n(chunk, N);
    }
  } catch (...) {
    FreeChunk(chunk, sizeof(T) * N, alignof(T));
    throw;
  }
  return ChunkPtr<T, N>(chunk);
}

}  // namespace base

#endif  // TWINLOOP_BASE_CHUNK_CACHE_H_
