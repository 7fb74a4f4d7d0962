#include "base/block_pool.h"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <latch>
#include <set>
#include <thread>
#include <vector>

#include "absl/base/config.h"
#include "gtest/gtest.h"

#ifdef ABSL_HAVE_ADDRESS_SANITIZER
#include <sanitizer/asan_interface.h>
#endif

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
  // Four threads free what the owner handed them, all at once, while the
  // owner keeps allocating and freeing: every block comes back intact, none
  // is handed out twice, and the pool stops growing once blocks circulate.
  // TSan (tag "threads") checks the hand-over.
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  BlockPool* pool = BlockPool::Create(kBytes, kAlign);
  uint64_t next_tag = 1;
  for (int round = 0; round < 4; ++round) {
    std::vector<std::vector<void*>> handed(kThreads);
    std::set<void*> out;
    for (auto& v : handed) {
      for (int i = 0; i < kPerThread; ++i) {
        void* b = pool->Allocate();
        ASSERT_TRUE(out.insert(b).second) << "a block handed out twice in round " << round;
        // A tag past the free-list link, which the freer checks.
        std::memcpy(static_cast<char*>(b) + 8, &next_tag, sizeof next_tag);
        ++next_tag;
        v.push_back(b);
      }
    }
    std::latch go(kThreads + 1);
    std::atomic<int> done{0};
    std::atomic<int> bad_tags{0};
    std::vector<std::thread> freers;
    for (int t = 0; t < kThreads; ++t) {
      freers.emplace_back([&, t] {
        go.arrive_and_wait();
        uint64_t last = 0;
        for (void* b : handed[t]) {
          uint64_t tag;
          std::memcpy(&tag, static_cast<char*>(b) + 8, sizeof tag);
          if (tag <= last) bad_tags.fetch_add(1);
          last = tag;
          pool->Free(b);
        }
        done.fetch_add(1, std::memory_order_release);
      });
    }
    go.arrive_and_wait();
    // The owner allocates as the others free, taking their blocks back.
    int owner_rounds = 0;
    while (done.load(std::memory_order_acquire) < kThreads || owner_rounds < 100) {
      void* b = pool->Allocate();
      std::memset(b, 0xab, kBytes);
      pool->Free(b);
      ++owner_rounds;
    }
    for (std::thread& f : freers) f.join();
    EXPECT_EQ(bad_tags.load(), 0) << "round " << round;
    EXPECT_EQ(pool->live_blocks(), 0) << "round " << round;
  }
  // At most 2000 + 1 blocks were ever out at once: 32 chunks of 64. A block
  // lost on the way back would have made the later rounds grow it.
  EXPECT_EQ(pool->chunk_count(), 32u);
  pool->Abandon();
}

TEST(BlockPoolTest, AbandonRacesTheLastFrees) {
  // The owner abandons while other threads free the last blocks: whichever
  // is last deletes the pool, once. ASan and LeakSanitizer check that it
  // goes exactly once and after the last Free; TSan the ordering.
  for (int run = 0; run < 50; ++run) {
    BlockPool* pool = BlockPool::Create(kBytes, kAlign);
    std::vector<void*> a, b;
    for (int i = 0; i < 100; ++i) (i % 2 ? a : b).push_back(pool->Allocate());
    std::latch go(3);
    auto free_all = [&](std::vector<void*>& v) {
      go.arrive_and_wait();
      for (void* p : v) pool->Free(p);
    };
    std::thread t1(free_all, std::ref(a));
    std::thread t2(free_all, std::ref(b));
    go.arrive_and_wait();
    pool->Abandon();
    t1.join();
    t2.join();
  }
}

#ifdef ABSL_HAVE_ADDRESS_SANITIZER
TEST(BlockPoolTest, AFreedBlockIsPoisonedPastItsLink) {
  BlockPool* pool = BlockPool::Create(kBytes, kAlign);
  auto* b = static_cast<char*>(pool->Allocate());
  EXPECT_FALSE(__asan_region_is_poisoned(b, kBytes));
  pool->Free(b);
  EXPECT_FALSE(__asan_address_is_poisoned(b));  // the free-list link
  EXPECT_TRUE(__asan_address_is_poisoned(b + 8));
  EXPECT_TRUE(__asan_address_is_poisoned(b + kBytes - 1));
  EXPECT_EQ(pool->Allocate(), b);
  EXPECT_FALSE(__asan_region_is_poisoned(b, kBytes));
  pool->Free(b);
  pool->Abandon();
}
#endif

}  // namespace
}  // namespace base
