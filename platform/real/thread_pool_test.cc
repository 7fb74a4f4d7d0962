// The real thread pool. Only what is deterministic is asserted: orders that
// the pool's rules fix, never wall-clock times. Runs under TSan.
#include "platform/real/thread_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace platform_real {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

// Records what the hooks report, and lets a test wait for N completions.
struct Recorder {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> events;  // "start 3", "done 3 OK"
  int done = 0;
  PoolHooks Hooks() {
    return {.on_start =
                [this](int, uint64_t token) {
                  std::lock_guard<std::mutex> lock(mu);
                  events.push_back("start " + std::to_string(token));
                  cv.notify_all();
                },
            .on_done =
                [this](int, uint64_t token, absl::Status s, base::Duration,
                       std::chrono::steady_clock::time_point) {
                  std::lock_guard<std::mutex> lock(mu);
                  events.push_back("done " + std::to_string(token) + " " +
                                   std::string(absl::StatusCodeToString(s.code())));
                  ++done;
                  cv.notify_all();
                }};
  }
  // Waits (up to 10 s, then fails the test) until `event` was recorded.
  void WaitForEvent(const std::string& event) {
    std::unique_lock<std::mutex> lock(mu);
    const bool seen = cv.wait_for(lock, std::chrono::seconds(10), [&] {
      return std::find(events.begin(), events.end(), event) != events.end();
    });
    if (!seen) ADD_FAILURE() << "no \"" << event << "\" within 10 s";
  }
  void WaitFor(int n) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done >= n; });
  }
};

platform::PoolWork Wait(int ms, platform::PoolWork::Kind kind = platform::PoolWork::Kind::kFastIo) {
  platform::PoolWork w;
  w.segments.push_back({platform::Segment::Kind::kWait, base::Duration::Millis(ms)});
  w.kind = kind;
  return w;
}

TEST(ThreadPoolTest, OneThreadRunsWorkInSubmissionOrder) {
  Recorder r;
  ThreadPool pool(1, r.Hooks());
  for (uint64_t i = 1; i <= 5; ++i) pool.Submit(i, Wait(1));
  r.WaitFor(5);
  std::lock_guard<std::mutex> lock(r.mu);
  EXPECT_THAT(r.events, ElementsAre("start 1", "done 1 OK", "start 2", "done 2 OK", "start 3",
                                    "done 3 OK", "start 4", "done 4 OK", "start 5", "done 5 OK"));
  // Deterministic whatever the timing: one thread, so at most one busy; the
  // first task may be taken before the second is queued, so at least 4 and
  // at most 5 waited at once.
  const platform::PoolStats stats = pool.stats();
  EXPECT_EQ(stats.max_busy, 1);
  EXPECT_GE(stats.max_queued, 4);
  EXPECT_LE(stats.max_queued, 5);
  EXPECT_EQ(stats.queued, 0);
}

// Work whose body holds its thread until the test opens the gate.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  platform::PoolWork Held() {
    platform::PoolWork w;
    w.body = [this] {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [this] { return open; });
    };
    return w;
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
    cv.notify_all();
  }
};

TEST(ThreadPoolTest, ThePeakCountsWorkWaitingInTheQueueAndTheInboxAlike) {
  // One thread. While 1 runs, 2 and 3 wait; 2 starts and 3 is left in the
  // pool's queue; 4 and 5 come while 2 runs, so 3, 4 and 5 wait at once,
  // though 4 and 5 are not moved into the queue until it is empty.
  Recorder r;
  ThreadPool pool(1, r.Hooks());
  Gate first, second;
  auto started = [&r](const std::string& event) { r.WaitForEvent(event); };
  pool.Submit(1, first.Held());
  started("start 1");
  pool.Submit(2, second.Held());
  pool.Submit(3, platform::PoolWork{});
  EXPECT_EQ(pool.stats().max_queued, 2);
  first.Open();
  started("start 2");
  pool.Submit(4, platform::PoolWork{});
  pool.Submit(5, platform::PoolWork{});
  second.Open();
  r.WaitFor(5);
  const platform::PoolStats stats = pool.stats();
  EXPECT_EQ(stats.max_queued, 3);
  EXPECT_EQ(stats.queued, 0);
  EXPECT_EQ(stats.max_busy, 1);
}

TEST(ThreadPoolTest, ACancelledTaskNoLongerCountsAsWaiting) {
  // One thread, held by 1: 2 and 3 wait; 3 is cancelled; 4 comes. Two wait
  // at most, never three.
  Recorder r;
  ThreadPool pool(1, r.Hooks());
  Gate gate;
  pool.Submit(1, gate.Held());
  r.WaitForEvent("start 1");
  pool.Submit(2, platform::PoolWork{});
  pool.Submit(3, platform::PoolWork{});
  EXPECT_TRUE(pool.Cancel(3).ok());
  pool.Submit(4, platform::PoolWork{});
  gate.Open();
  r.WaitFor(3);
  const platform::PoolStats stats = pool.stats();
  EXPECT_EQ(stats.max_queued, 2);
  EXPECT_EQ(stats.queued, 0);
}

TEST(ThreadPoolTest, BodiesRunOnPoolThreadsAfterTheirSegments) {
  Recorder r;
  ThreadPool pool(2, r.Hooks());
  std::atomic<bool> on_main{false};
  const std::thread::id main = std::this_thread::get_id();
  platform::PoolWork w = Wait(1);
  w.body = [&] { on_main = std::this_thread::get_id() == main; };
  pool.Submit(1, std::move(w));
  platform::PoolWork bad;
  bad.body = [] { throw std::runtime_error("disk on fire"); };
  pool.Submit(2, std::move(bad));
  r.WaitFor(2);
  EXPECT_FALSE(on_main);
  std::lock_guard<std::mutex> lock(r.mu);
  EXPECT_THAT(r.events, ::testing::Contains("done 2 INTERNAL"));
}

TEST(ThreadPoolTest, CancelRemovesQueuedWorkOnly) {
  Recorder r;
  ThreadPool pool(1, r.Hooks());
  std::atomic<bool> ran{false};
  pool.Submit(1, Wait(50));
  platform::PoolWork queued = Wait(1);
  queued.body = [&] { ran = true; };
  pool.Submit(2, std::move(queued));
  // Work 1 may or may not have started yet; work 2 cannot have: one thread.
  EXPECT_TRUE(pool.Cancel(2).ok());
  EXPECT_EQ(pool.Cancel(2).code(), absl::StatusCode::kFailedPrecondition);
  r.WaitFor(1);
  EXPECT_EQ(pool.Cancel(1).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(ran);
}

// Submit wakes one idle worker at a time, and each woken worker wakes the
// next while work waits: a burst must still reach every thread. Each body
// waits until all `kThreads` bodies run at once, so a worker left asleep
// would hang the test; repeated, with the bursts both before and after the
// workers have gone idle.
TEST(ThreadPoolTest, ABurstOfWorkWakesEveryIdleThread) {
  constexpr int kThreads = 4;
  Recorder r;
  ThreadPool pool(kThreads, r.Hooks());
  for (int round = 0; round < 50; ++round) {
    std::mutex mu;
    std::condition_variable cv;
    int arrived = 0;
    for (int i = 0; i < kThreads; ++i) {
      platform::PoolWork w;
      w.body = [&] {
        std::unique_lock<std::mutex> lock(mu);
        ++arrived;
        cv.notify_all();
        cv.wait(lock, [&] { return arrived >= kThreads; });
      };
      pool.Submit(static_cast<uint64_t>(round * kThreads + i + 1), std::move(w));
    }
    r.WaitFor((round + 1) * kThreads);
    if (round % 2 == 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const platform::PoolStats stats = pool.stats();
  EXPECT_EQ(stats.max_busy, kThreads);
  EXPECT_EQ(stats.busy, 0);
  EXPECT_EQ(stats.queued, 0);
}

// Submissions wait in an inbox the submitter fills without the lock, in
// chunks of 256. A burst of several chunks, against a busy pool and then an
// idle one, must run every task exactly once, and a task still in the inbox
// can be cancelled and counted as queued.
TEST(ThreadPoolTest, ABurstPastTheInboxRunsEveryTaskOnceAndInboxWorkCancels) {
  Recorder r;
  ThreadPool pool(2, r.Hooks());
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  auto blocker = [&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
  };
  platform::PoolWork a, b;
  a.body = blocker;
  b.body = blocker;
  pool.Submit(1, std::move(a));
  pool.Submit(2, std::move(b));
  constexpr int kBurst = 1000;
  std::atomic<int> ran{0};
  for (int i = 0; i < kBurst; ++i) {
    platform::PoolWork w;
    w.body = [&ran] { ran.fetch_add(1); };
    pool.Submit(static_cast<uint64_t>(100 + i), std::move(w));
  }
  // Both threads may still be picking up 1 and 2, but neither has finished:
  // the burst is all queued (in the inbox or the queue).
  // The last one is most likely still in the inbox (drained only when
  // full, or when a worker or Cancel looks): Cancel finds it either way.
  EXPECT_TRUE(pool.Cancel(100 + kBurst - 1).ok()) << "the last one, filed last";
  EXPECT_TRUE(pool.Cancel(100).ok()) << "the first of the burst";
  const platform::PoolStats stats = pool.stats();
  EXPECT_EQ(stats.queued + stats.busy, kBurst);
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  r.WaitFor(kBurst);  // 2 blockers + kBurst - 2 tasks
  EXPECT_EQ(ran.load(), kBurst - 2);
  // And against an idle pool (every worker waiting for work).
  for (int i = 0; i < kBurst; ++i) {
    platform::PoolWork w;
    w.body = [&ran] { ran.fetch_add(1); };
    pool.Submit(static_cast<uint64_t>(10'000 + i), std::move(w));
  }
  r.WaitFor(2 * kBurst);
  EXPECT_EQ(ran.load(), 2 * kBurst - 2);
  EXPECT_EQ(pool.stats().queued, 0);
}

// The inbox grows by chunks while the only thread is held up, and gives
// drained chunks back for reuse: order is kept across chunks, new and
// reused.
TEST(ThreadPoolTest, OneThreadKeepsSubmissionOrderAcrossInboxChunks) {
  Recorder r;
  ThreadPool pool(1, r.Hooks());
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  platform::PoolWork blocker;
  blocker.body = [&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
  };
  pool.Submit(1, std::move(blocker));
  std::vector<uint64_t> order;  // written by the pool's one thread
  auto submit = [&](uint64_t first, int n) {
    for (uint64_t t = first; t < first + n; ++t) {
      platform::PoolWork w;
      w.body = [&order, t] { order.push_back(t); };
      pool.Submit(t, std::move(w));
    }
  };
  submit(2, 3 * 256 + 10);
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  r.WaitFor(1 + 3 * 256 + 10);
  submit(2 + 3 * 256 + 10, 2 * 256);  // into chunks given back
  r.WaitFor(1 + 5 * 256 + 10);
  std::lock_guard<std::mutex> lock(r.mu);  // the hooks' lock orders `order` too
  ASSERT_EQ(order.size(), 5u * 256 + 10);
  for (size_t i = 0; i < order.size(); ++i) ASSERT_EQ(order[i], i + 2) << "at " << i;
}

TEST(ThreadPoolTest, SlowIoHoldsAtMostHalfThePool) {
  // 4 threads: at most 2 slow tasks at once (a slow task holds its slot
  // until its body returns, so the bodies see the cap exactly), and an fs
  // task queued behind four slow ones runs while the first two still do.
  Recorder r;
  ThreadPool pool(4, r.Hooks());
  std::atomic<int> slow_now{0}, slow_max{0}, slow_begun{0};
  std::atomic<int> slow_begun_when_fs_ran{-1};
  for (uint64_t i = 1; i <= 4; ++i) {
    platform::PoolWork w;
    w.kind = platform::PoolWork::Kind::kSlowIo;
    w.body = [&] {
      ++slow_begun;
      const int now = ++slow_now;
      int seen = slow_max;
      while (now > seen && !slow_max.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      --slow_now;
    };
    pool.Submit(i, std::move(w));
  }
  platform::PoolWork fs;
  fs.kind = platform::PoolWork::Kind::kFastIo;
  fs.body = [&] { slow_begun_when_fs_ran = slow_begun.load(); };
  pool.Submit(5, std::move(fs));
  r.WaitFor(5);
  EXPECT_EQ(slow_max, 2);
  EXPECT_LE(slow_begun_when_fs_ran, 2);
}

TEST(ThreadPoolTest, DestroyingABusyPoolDropsQueuedWorkAndStopsRunningWork) {
  Recorder r;
  std::atomic<int> bodies{0};
  {
    ThreadPool pool(2, r.Hooks());
    for (uint64_t i = 1; i <= 10; ++i) {
      platform::PoolWork w;
      w.segments.push_back({platform::Segment::Kind::kCpu, base::Duration::Seconds(3600)});
      w.segments.push_back({platform::Segment::Kind::kWait, base::Duration::Seconds(3600)});
      w.body = [&] { ++bodies; };
      pool.Submit(i, std::move(w));
    }
  }  // must not wait an hour
  EXPECT_EQ(bodies, 0);
  std::lock_guard<std::mutex> lock(r.mu);
  EXPECT_EQ(r.done, 0);
}

TEST(SpinThreadCpuTest, SpinsForTheCallingThreadsCpuTime) {
  timespec a, b;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
  EXPECT_TRUE(SpinThreadCpu(base::Duration::Millis(5), [] { return false; }));
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
  const int64_t spent = (b.tv_sec - a.tv_sec) * 1'000'000'000 + (b.tv_nsec - a.tv_nsec);
  EXPECT_GE(spent, 5'000'000);
  EXPECT_FALSE(SpinThreadCpu(base::Duration::Seconds(3600), [] { return true; }));
}

}  // namespace
}  // namespace platform_real
