#include "base/block_pool.h"

#include <cstdint>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace base {
namespace {

constexpr size_t kBytes = 80;
constexpr size_t kAlign = 16;

TEST(BlockPoolTest, BlocksAreDistinctAlignedAndWritable) {
  BlockPool* pool = BlockPool::Create(kBytes, kAlign);
  std::set<uintptr_t> seen;
  std::vector<void*> blocks;
  for (int i = 0; i < 200; ++i) {
    void* b = pool->Allocate();
    const auto at = reinterpret_cast<uintptr_t>(b);
    EXPECT_EQ(at % kAlign, 0u);
    EXPECT_TRUE(seen.insert(at).second) << "block " << i << " handed out twice";
    std::memset(b, i, kBytes);
    blocks.push_back(b);
  }
  // No two blocks overlap: each still holds what was written into it.
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(static_cast<unsigned char*>(blocks[i])[kBytes - 1], static_cast<unsigned char>(i));
  }
  EXPECT_EQ(pool->live_blocks(), 200);
  EXPECT_EQ(pool->chunk_count(), 4u);  // 200 blocks in chunks of 64
  for (void* b : blocks) pool->Free(b);
  EXPECT_EQ(pool->live_blocks(), 0);
  pool->Abandon();
}

TEST(BlockPoolTest, FreedBlocksAreReusedBeforeANewChunk) {
  BlockPool* pool = BlockPool::Create(kBytes, kAlign);
  std::vector<void*> first;
  for (size_t i = 0; i < BlockPool::kChunkBlocks; ++i) first.push_back(pool->Allocate());
  ASSERT_EQ(pool->chunk_count(), 1u);
  for (void* b : first) pool->Free(b);
  std::set<void*> again;
  for (size_t i = 0; i < BlockPool::kChunkBlocks; ++i) again.insert(pool->Allocate());
  EXPECT_EQ(again, std::set<void*>(first.begin(), first.end()));
  EXPECT_EQ(pool->chunk_count(), 1u);
  // The last block freed is the first handed out again (it is warm).
  void* last = *again.begin();
  pool->Free(last);
  EXPECT_EQ(pool->Allocate(), last);
  for (void* b : again) pool->Free(b);
  pool->Abandon();
}

TEST(BlockPoolTest, BlocksOutliveTheOwner) {
  // The pool goes with the last block, after Abandon; LeakSanitizer (the
  // asan config) fails this test if it never does, and ASan if it goes early.
  BlockPool* pool = BlockPool::Create(kBytes, kAlign);
  void* a = pool->Allocate();
  void* b = pool->Allocate();
  pool->Abandon();
  std::memset(a, 1, kBytes);
  pool->Free(a);
  std::memset(b, 2, kBytes);
  std::thread([pool, b] { pool->Free(b); }).join();
}

TEST(BlockPoolTest, AnAbandonedPoolWithNoBlocksGoesAtOnce) {
  BlockPool* pool = BlockPool::Create(kBytes, kAlign);
  pool->Free(pool->Allocate());
  pool->Abandon();  // LeakSanitizer checks that it went
}

TEST(BlockPoolTest, OtherThreadsFreeWhileTheOwnerAllocates) {
  // Four threads free what the owner hands them while the owner keeps
  // allocating; every block comes back, and the pool stops growing once
  // blocks circulate. TSan (tag "threads") checks the hand-over.
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  BlockPool* pool = BlockPool::Create(kBytes, kAlign);
  std::vector<std::vector<void*>> handed(kThreads);
  for (int round = 0; round < 4; ++round) {
    for (auto& v : handed) {
      v.clear();
      for (int i = 0; i < kPerThread / 4; ++i) {
        void* b = pool->Allocate();
        std::memset(b, round, kBytes);
        v.push_back(b);
      }
    }
    std::vector<std::thread> freers;
    for (int t = 0; t < kThreads; ++t) {
      freers.emplace_back([pool, &v = handed[t]] {
        for (void* b : v) pool->Free(b);
      });
    }
    // The owner allocates and frees its own meanwhile.
    for (int i = 0; i < 500; ++i) pool->Free(pool->Allocate());
    for (std::thread& f : freers) f.join();
    EXPECT_EQ(pool->live_blocks(), 0) << "round " << round;
  }
  // 2000 blocks were out at most: 32 chunks of 64, and a little slack for
  // the owner's blocks while the others were still in flight.
  EXPECT_LE(pool->chunk_count(), 40u);
  pool->Abandon();
}

}  // namespace
}  // namespace base
