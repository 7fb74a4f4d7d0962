#include "platform/sim/simulated_pool.h"

#include <stdexcept>
#include <string>
#include <utility>
#include <functional>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace platform_sim {
namespace {

using base::Duration;

constexpr int64_t Ms(int64_t ms) { return ms * 1'000'000; }
using platform::Segment;

struct Fixture {
  explicit Fixture(int cores, int size)
      : cpu(&events, cores, [this](absl::Status s) { faults.push_back(std::move(s)); }),
        pool(
            &events, &cpu, size, &trace,
            [this](uint64_t token, absl::Status s, Duration queue_wait) {
              done.push_back({token, clock.Now().nanos(), s.code()});
              waits.push_back(queue_wait);
            },
            [this](absl::Status s) { faults.push_back(std::move(s)); }) {}
  struct Done {
    uint64_t token;
    int64_t at;
    absl::StatusCode code;
    bool operator==(const Done&) const = default;
  };
  fakeclock::VirtualClock clock;
  fakeclock::EventQueue events{&clock};
  platform::MemoryTraceSink trace;
  SimulatedCpu cpu;
  SimulatedPool pool;
  std::vector<Done> done;
  std::vector<Duration> waits;  // in completion order
  std::vector<absl::Status> faults;
};

platform::PoolWork Cpu(int64_t ms) {
  return {.segments = {{Segment::Kind::kCpu, Duration::Millis(ms)}}};
}
platform::PoolWork Wait(int64_t ms) {
  return {.segments = {{Segment::Kind::kWait, Duration::Millis(ms)}}};
}

// A task on a thread other than the first runs CPU, wait and CPU segments
// in turn: each CPU segment's end names its thread and the next segment.
TEST(SimulatedPoolTest, SegmentsContinueOnTheirOwnThread) {
  Fixture f(2, 2);
  f.pool.Submit(0, Cpu(30));
  f.pool.Submit(1, {.segments = {{Segment::Kind::kCpu, Duration::Millis(10)},
                                 {Segment::Kind::kWait, Duration::Millis(5)},
                                 {Segment::Kind::kCpu, Duration::Millis(10)}}});
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(f.done, (std::vector<Fixture::Done>{{1, Ms(25), absl::StatusCode::kOk},
                                                {0, Ms(30), absl::StatusCode::kOk}}));
  // Task 1 started and finished on pool thread 1.
  std::vector<std::string> on_thread_1;
  for (const platform::TraceEvent& e : f.trace.events()) {
    if (e.thread == "pool-1") on_thread_1.push_back(absl::StrCat(e.id));
  }
  EXPECT_EQ(on_thread_1, (std::vector<std::string>{"1", "1"}));
}

TEST(SimulatedPoolTest, SixHashesOnFourThreadsAndTwoCores) {
  Fixture f(2, 4);
  for (uint64_t i = 0; i < 6; ++i) f.pool.Submit(i, Cpu(100));
  EXPECT_EQ(f.pool.busy(), 4);
  EXPECT_EQ(f.pool.queued(), 2u);
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  std::vector<int64_t> at;
  for (const auto& d : f.done) at.push_back(d.at);
  EXPECT_EQ(at, (std::vector<int64_t>{Ms(200), Ms(200), Ms(200),
                                    Ms(200), Ms(300), Ms(300)}));
  // The 5th and 6th waited for the first four to finish.
  EXPECT_EQ(f.waits, (std::vector<Duration>{Duration::Zero(), Duration::Zero(), Duration::Zero(),
                                            Duration::Zero(), Duration::Millis(200),
                                            Duration::Millis(200)}));
  const platform::PoolStats stats = f.pool.stats();
  EXPECT_EQ(stats.max_busy, 4);
  EXPECT_EQ(stats.max_queued, 2);
  EXPECT_EQ(stats.busy, 0);
  EXPECT_EQ(stats.queued, 0);
}

TEST(SimulatedPoolTest, WaitSegmentsHoldAThreadButNoCore) {
  // One core, two threads: a 50 ms wait and a 50 ms hash overlap fully.
  Fixture f(1, 2);
  f.pool.Submit(0, Wait(50));
  f.pool.Submit(1, Cpu(50));
  f.pool.Submit(2, Cpu(10));  // queued until a thread frees at 50 ms
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(f.done, (std::vector<Fixture::Done>{
                        {0, Ms(50), absl::StatusCode::kOk},
                        {1, Ms(50), absl::StatusCode::kOk},
                        {2, Ms(60), absl::StatusCode::kOk}}));
}

TEST(SimulatedPoolTest, SegmentsRunInOrderThenTheBody) {
  Fixture f(2, 1);
  int64_t body_at = -1;
  f.pool.Submit(7, {.body = [&] { body_at = f.clock.Now().nanos(); },
                    .segments = {{Segment::Kind::kWait, Duration::Millis(5)},
                                 {Segment::Kind::kCpu, Duration::Millis(3)}}});
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(body_at, Ms(8));
  ASSERT_EQ(f.done.size(), 1u);
  EXPECT_EQ(f.done[0].at, Ms(8));
}

TEST(SimulatedPoolTest, CancelOnlyBeforeStart) {
  Fixture f(1, 1);
  f.pool.Submit(1, Cpu(10));
  f.pool.Submit(2, Cpu(10));
  EXPECT_EQ(f.pool.Cancel(1).message(), "pool work 1 already started or finished");
  ASSERT_TRUE(f.pool.Cancel(2).ok());
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(f.done, (std::vector<Fixture::Done>{
                        {2, 0, absl::StatusCode::kCancelled},
                        {1, Ms(10), absl::StatusCode::kOk}}));
}

TEST(SimulatedPoolTest, TracesEnqueueStartFinishOnTheRightThreads) {
  Fixture f(2, 2);
  f.pool.Submit(0, Wait(1));
  f.pool.Submit(1, Wait(2));
  f.pool.Submit(2, Wait(1));
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(f.trace.ToJsonLines(),
            R"({"t":0,"th":"loop","ev":"pool_enqueue","id":0}
{"t":0,"th":"pool-0","ev":"pool_start","id":0}
{"t":0,"th":"loop","ev":"pool_enqueue","id":1}
{"t":0,"th":"pool-1","ev":"pool_start","id":1}
{"t":0,"th":"loop","ev":"pool_enqueue","id":2}
{"t":1000000,"th":"pool-0","ev":"pool_finish","id":0}
{"t":1000000,"th":"pool-0","ev":"pool_start","id":2}
{"t":2000000,"th":"pool-1","ev":"pool_finish","id":1}
{"t":2000000,"th":"pool-0","ev":"pool_finish","id":2}
)");
}

TEST(SimulatedPoolTest, ABodyThatThrowsCompletesWithInternal) {
  Fixture f(1, 1);
  f.pool.Submit(1, {.body = [] { throw std::runtime_error("disk on fire"); },
                    .segments = {{Segment::Kind::kWait, Duration::Millis(2)}}});
  f.pool.Submit(2, Wait(1));
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(f.done, (std::vector<Fixture::Done>{
                        {1, Ms(2), absl::StatusCode::kInternal},
                        {2, Ms(3), absl::StatusCode::kOk}}));
  EXPECT_EQ(f.pool.busy(), 0) << "the thread was freed";
}

TEST(SimulatedPoolTest, ManyFreeTasksBehindABusyThreadDoNotRecurse) {
  // 300,000 tasks with no cost queue behind one busy thread; when it frees,
  // they all finish at that instant without deep recursion.
  Fixture f(1, 1);
  f.pool.Submit(0, Wait(1));
  for (uint64_t i = 1; i <= 300'000; ++i) f.pool.Submit(i, {});
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  ASSERT_EQ(f.done.size(), 300'001u);
  EXPECT_EQ(f.done.back().token, 300'000u);
  EXPECT_EQ(f.done.back().at, Ms(1));
}

// In the simulator a body runs on the loop's thread and may submit more
// work. A chain of tasks with no cost, each submitting the next from its
// body, runs without recursing as deep as the chain is long, each task
// completing (and its thread freeing) before the one it submitted starts.
TEST(SimulatedPoolTest, BodiesThatSubmitTheNextTaskDoNotRecurse) {
  Fixture f(1, 2);
  constexpr uint64_t kChain = 300'000;
  std::function<platform::PoolWork(uint64_t)> link = [&](uint64_t i) {
    platform::PoolWork w;
    w.body = [&f, &link, i] {
      if (i < kChain) f.pool.Submit(i + 1, link(i + 1));
    };
    return w;
  };
  f.pool.Submit(1, link(1));
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  ASSERT_EQ(f.done.size(), kChain);
  for (uint64_t i = 0; i < kChain; ++i) ASSERT_EQ(f.done[i].token, i + 1);
}

TEST(SimulatedPoolTest, WorkSubmittedFromABodyStartsAfterItsSubmitterFinishes) {
  // Thread 0 runs 1 and 2 (no cost; 1's body submits 3): 3 goes to the
  // next free thread in the pass (thread 1), after 1 finished.
  Fixture f(1, 2);
  platform::PoolWork first;
  first.body = [&f] { f.pool.Submit(3, Wait(1)); };
  f.pool.Submit(1, std::move(first));
  f.pool.Submit(2, Wait(2));
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(f.trace.ToJsonLines(),
            R"({"t":0,"th":"loop","ev":"pool_enqueue","id":1}
{"t":0,"th":"pool-0","ev":"pool_start","id":1}
{"t":0,"th":"loop","ev":"pool_enqueue","id":3}
{"t":0,"th":"pool-0","ev":"pool_finish","id":1}
{"t":0,"th":"pool-1","ev":"pool_start","id":3}
{"t":0,"th":"loop","ev":"pool_enqueue","id":2}
{"t":0,"th":"pool-0","ev":"pool_start","id":2}
{"t":1000000,"th":"pool-1","ev":"pool_finish","id":3}
{"t":2000000,"th":"pool-0","ev":"pool_finish","id":2}
)");
}

TEST(SimulatedPoolTest, SlowIoHoldsAtMostHalfThePool) {
  // libuv: slow I/O (getaddrinfo) gets (4+1)/2 = 2 of 4 threads; fs work
  // queued behind the slow work still starts at once.
  Fixture f(2, 4);
  auto slow = [] {
    platform::PoolWork w = Wait(10);
    w.kind = platform::PoolWork::Kind::kSlowIo;
    return w;
  };
  for (uint64_t i = 0; i < 4; ++i) f.pool.Submit(i, slow());
  platform::PoolWork fs = Wait(10);
  fs.kind = platform::PoolWork::Kind::kFastIo;
  f.pool.Submit(4, std::move(fs));
  EXPECT_EQ(f.pool.busy(), 3);
  EXPECT_EQ(f.pool.queued(), 2u);
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(f.done, (std::vector<Fixture::Done>{{0, Ms(10), absl::StatusCode::kOk},
                                                 {1, Ms(10), absl::StatusCode::kOk},
                                                 {4, Ms(10), absl::StatusCode::kOk},
                                                 {2, Ms(20), absl::StatusCode::kOk},
                                                 {3, Ms(20), absl::StatusCode::kOk}}));
}

TEST(SimulatedPoolTest, APoolOfOneStillRunsSlowIo) {
  Fixture f(1, 1);
  platform::PoolWork w = Wait(5);
  w.kind = platform::PoolWork::Kind::kSlowIo;
  f.pool.Submit(0, std::move(w));
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(f.done, (std::vector<Fixture::Done>{{0, Ms(5), absl::StatusCode::kOk}}));
}

}  // namespace
}  // namespace platform_sim
