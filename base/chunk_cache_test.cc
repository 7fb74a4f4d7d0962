// The chunk cache: what a thread frees it gets back, by size and alignment,
// up to its limit; other threads keep their own. Runs under ASan and TSan.
#include "base/chunk_cache.h"

#include <cstdint>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "absl/base/config.h"

#ifdef ABSL_HAVE_ADDRESS_SANITIZER
#include <sanitizer/asan_interface.h>
#endif

namespace base {
namespace {

class ChunkCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ReleaseCachedChunks();
    SetChunkCacheLimit(kDefaultChunkCacheLimit);
  }
  void TearDown() override {
    ReleaseCachedChunks();
    SetChunkCacheLimit(kDefaultChunkCacheLimit);
  }
};

TEST_F(ChunkCacheTest, AFreedChunkComesBackForTheSameSizeAndAlignmentOnly) {
  void* a = AllocateChunk(4096, 16);
  FreeChunk(a, 4096, 16);
  EXPECT_EQ(CachedChunkBytes(), 4096u);
  void* other_size = AllocateChunk(2048, 16);
  void* other_align = AllocateChunk(4096, 64);
  EXPECT_NE(other_size, a);
  EXPECT_NE(other_align, a);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(other_align) % 64, 0u);
  EXPECT_EQ(AllocateChunk(4096, 16), a);
  EXPECT_EQ(CachedChunkBytes(), 0u);
  FreeChunk(a, 4096, 16);
  FreeChunk(other_size, 2048, 16);
  FreeChunk(other_align, 4096, 64);
  EXPECT_EQ(CachedChunkBytes(), 4096u + 2048u + 4096u);
}

TEST_F(ChunkCacheTest, AChunkTooSmallForTheLinkIsNotKept) {
  void* tiny = AllocateChunk(4, 4);
  FreeChunk(tiny, 4, 4);
  EXPECT_EQ(CachedChunkBytes(), 0u);
}

TEST_F(ChunkCacheTest, ChunksComeBackLastFreedFirst) {
  void* a = AllocateChunk(512, 16);
  void* b = AllocateChunk(512, 16);
  FreeChunk(a, 512, 16);
  FreeChunk(b, 512, 16);
  EXPECT_EQ(AllocateChunk(512, 16), b);
  EXPECT_EQ(AllocateChunk(512, 16), a);
  FreeChunk(a, 512, 16);
  FreeChunk(b, 512, 16);
}

TEST_F(ChunkCacheTest, TheLimitBoundsWhatIsKeptAndLoweringItFreesTheRest) {
  SetChunkCacheLimit(2 * 1024);
  std::vector<void*> chunks;
  for (int i = 0; i < 3; ++i) chunks.push_back(AllocateChunk(1024, 16));
  for (void* c : chunks) FreeChunk(c, 1024, 16);
  EXPECT_EQ(CachedChunkBytes(), 2u * 1024);  // the third went to operator delete
  SetChunkCacheLimit(1024);
  EXPECT_EQ(CachedChunkBytes(), 1024u);
  SetChunkCacheLimit(0);
  EXPECT_EQ(CachedChunkBytes(), 0u);
  void* c = AllocateChunk(1024, 16);
  FreeChunk(c, 1024, 16);
  EXPECT_EQ(CachedChunkBytes(), 0u);  // off
}

TEST_F(ChunkCacheTest, ASizePastTheClassesIsKeptOnlyOnceAClassEmpties) {
  std::vector<void*> held;
  for (int i = 0; i < kChunkSizeClasses; ++i) held.push_back(AllocateChunk(64 * (i + 1), 16));
  for (int i = 0; i < kChunkSizeClasses; ++i) FreeChunk(held[i], 64 * (i + 1), 16);
  const size_t all = CachedChunkBytes();
  FreeChunk(AllocateChunk(8192, 16), 8192, 16);
  EXPECT_EQ(CachedChunkBytes(), all);  // every class holds a chunk
  // The 64-byte class empties, and the next new size takes it.
  void* small = AllocateChunk(64, 16);
  EXPECT_EQ(small, held[0]);
  void* big = AllocateChunk(8192, 16);
  FreeChunk(big, 8192, 16);
  EXPECT_EQ(CachedChunkBytes(), all - 64 + 8192);
  EXPECT_EQ(AllocateChunk(8192, 16), big);
  FreeChunk(big, 8192, 16);
  FreeChunk(small, 64, 16);  // no class left for 64 bytes
  EXPECT_EQ(CachedChunkBytes(), all - 64 + 8192);
}

TEST_F(ChunkCacheTest, AChunkFreedOnAnotherThreadJoinsThatThreadsCache) {
  void* a = AllocateChunk(4096, 16);
  size_t there = 0;
  std::thread t([&] {
    FreeChunk(a, 4096, 16);
    there = CachedChunkBytes();
    // Its exit frees it (a leak would fail the ASan config).
  });
  t.join();
  EXPECT_EQ(there, 4096u);
  EXPECT_EQ(CachedChunkBytes(), 0u);
}

struct Counted {
  static inline int live = 0;
  int value = 7;
  Counted() { ++live; }
  ~Counted() { --live; }
};

TEST_F(ChunkCacheTest, MakeChunkBuildsEveryElementEvenInAReusedChunkAndItsDeleterDestroys) {
  int* first = nullptr;
  {
    ChunkPtr<int, 64> ints = MakeChunk<int, 64>();
    for (int i = 0; i < 64; ++i) ints[i] = i + 1;
    first = ints.get();
  }
  ChunkPtr<int, 64> again = MakeChunk<int, 64>();
  EXPECT_EQ(again.get(), first);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(again[i], 0) << i;
  {
    ChunkPtr<Counted, 16> counted = MakeChunk<Counted, 16>();
    EXPECT_EQ(Counted::live, 16);
    for (int i = 0; i < 16; ++i) counted[i].value = -1;
  }
  {
    ChunkPtr<Counted, 16> counted = MakeChunk<Counted, 16>();
    for (int i = 0; i < 16; ++i) EXPECT_EQ(counted[i].value, 7) << i;
  }
  EXPECT_EQ(Counted::live, 0);
}

#ifdef ABSL_HAVE_ADDRESS_SANITIZER
TEST_F(ChunkCacheTest, ACachedChunkIsPoisonedWhole) {
  char* a = static_cast<char*>(AllocateChunk(256, 16));
  FreeChunk(a, 256, 16);
  EXPECT_TRUE(__asan_address_is_poisoned(a));
  EXPECT_TRUE(__asan_address_is_poisoned(a + 8));
  EXPECT_TRUE(__asan_address_is_poisoned(a + 255));
  EXPECT_EQ(AllocateChunk(256, 16), a);
  EXPECT_FALSE(__asan_address_is_poisoned(a + 255));
  FreeChunk(a, 256, 16);
}
#endif

}  // namespace
}  // namespace base
