// Loop::Metrics on the simulated platform, where every number is exact.
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

namespace runtime {
namespace {

using platform::Segment;

constexpr Duration kMs = Duration::Millis(1);

int64_t In(const LoopMetrics& m, Phase p) { return m.callbacks[static_cast<int>(p)]; }

std::unique_ptr<platform_sim::SimulatedPlatform> Sim(int cores, int pool) {
  return std::move(platform_sim::SimulatedPlatform::Create({.cores = cores, .pool_size = pool}).value());
}

TEST(LoopMetricsTest, SixSignupsOnFourThreadsAndTwoCores) {
  auto sim = Sim(2, 4);
  Loop loop(sim.get());
  int done = 0;
  ASSERT_TRUE(loop.RunScript([&] {
                    for (int i = 0; i < 6; ++i) {
                      ASSERT_TRUE(loop.QueueWork({.segments = {{Segment::Kind::kCpu, 100 * kMs}}},
                                                 [&](absl::Status s) {
                                                   ASSERT_TRUE(s.ok());
                                                   ++done;
                                                 })
                                      .ok());
                    }
                  }).ok());
  ASSERT_TRUE(loop.Run().ok());
  ASSERT_EQ(done, 6);
  const LoopMetrics m = loop.Metrics().value();
  // Four start at once; the 5th and 6th wait for the first four to finish
  // at 200 ms.
  EXPECT_EQ(m.queue_wait.count, 6);
  EXPECT_EQ(m.queue_wait.p50, Duration::Zero());
  EXPECT_EQ(m.queue_wait.p99, 200 * kMs);
  EXPECT_EQ(m.queue_wait.max, 200 * kMs);
  EXPECT_EQ(m.pool.max_busy, 4);
  EXPECT_EQ(m.pool.max_queued, 2);
  EXPECT_EQ(m.pool.busy, 0);
  EXPECT_EQ(m.pool.queued, 0);
  EXPECT_EQ(In(m, Phase::kMain), 1);
  EXPECT_EQ(In(m, Phase::kPoll), 6);
  EXPECT_EQ(In(m, Phase::kTimers), 0);
  // Two waits in poll: 0 -> 200 ms (four done), 200 -> 300 ms (two done).
  EXPECT_EQ(m.iterations, 2);
  EXPECT_EQ(m.idle, 300 * kMs);
  EXPECT_EQ(m.elapsed, 300 * kMs);
  EXPECT_EQ(m.utilization, 0.0);
  EXPECT_EQ(m.timer_lag.count, 0);
}

TEST(LoopMetricsTest, TimerLagIsHowLateEachTimerRanPastItsDueTime) {
  auto sim = Sim(1, 4);
  Loop loop(sim.get());
  ASSERT_TRUE(loop.RunScript([&] {
                    ASSERT_TRUE(loop.SetTimeout([] {}, 10).ok());
                    ASSERT_TRUE(loop.SetTimeout([] {}, 20).ok());
                    ASSERT_TRUE(loop.ConsumeCpu(30 * kMs).ok());  // the main script blocks
                  }).ok());
  ASSERT_TRUE(loop.Run().ok());
  const LoopMetrics m = loop.Metrics().value();
  EXPECT_EQ(In(m, Phase::kTimers), 2);
  EXPECT_EQ(m.timer_lag.count, 2);
  EXPECT_EQ(m.timer_lag.max, 20 * kMs);
  // 10 ms lies in the histogram bucket [9'961'472, 10'485'759] ns; the
  // percentile is that bucket's top.
  EXPECT_EQ(m.timer_lag.p50, Duration::Nanos(10'485'759));
  EXPECT_EQ(m.timer_lag.p99, 20 * kMs);
  // All 30 ms were computing, none waiting.
  EXPECT_EQ(m.elapsed, 30 * kMs);
  EXPECT_EQ(m.idle, Duration::Zero());
  EXPECT_EQ(m.utilization, 1.0);
}

// libuv stamps the event provider's entry only for a poll that may wait
// (timeout != 0): polls kept from blocking by an idle handle count no idle
// time, even when each costs time (SimConfig::idle_poll_cost), while the
// wait for the timer that stops the handle does.
TEST(LoopMetricsTest, PollsThatMayNotWaitCountNoIdleTime) {
  auto sim = std::move(platform_sim::SimulatedPlatform::Create(
                           {.cores = 1, .pool_size = 4, .idle_poll_cost = kMs})
                           .value());
  Loop loop(sim.get());
  HandleId idle = loop.NewHandle(HandleType::kIdle).value();
  int spins = 0;
  ASSERT_TRUE(loop.RunScript([&] {
                    ASSERT_TRUE(loop.StartHandle(idle, [&] {
                                      if (++spins == 10) {
                                        ASSERT_TRUE(loop.StopHandle(idle).ok());
                                        ASSERT_TRUE(loop.SetTimeout([] {}, 40).ok());
                                      }
                                    }).ok());
                  }).ok());
  ASSERT_TRUE(loop.Run().ok());
  const LoopMetrics m = loop.Metrics().value();
  EXPECT_EQ(spins, 10);
  // The handle ran before nine polls of 1 ms each; its tenth run (at 9 ms)
  // stopped it and started the timer, so the tenth poll waited 40 ms.
  EXPECT_EQ(m.idle, 40 * kMs);
  EXPECT_EQ(m.elapsed, 49 * kMs);
}

// A poll that may not wait and finds nothing leaves the loop time (libuv's
// uv__io_poll returns before epoll, without a time update, when nothing is
// watched): a setImmediate chain reads the clock once per iteration, at its
// start. Each empty poll here costs 1 ms, so the check phase runs 1 ms after
// the loop time it sees.
TEST(LoopMetricsTest, AnEmptyPollThatMayNotWaitLeavesTheLoopTime) {
  auto sim = std::move(platform_sim::SimulatedPlatform::Create(
                           {.cores = 1, .pool_size = 4, .idle_poll_cost = kMs})
                           .value());
  Loop loop(sim.get());
  std::vector<int64_t> seen_ms;
  std::function<void()> next = [&] {
    seen_ms.push_back(loop.NowMs().value());
    if (seen_ms.size() < 3) {
      ASSERT_TRUE(loop.SetImmediate(next).ok());
    }
  };
  ASSERT_TRUE(loop.RunScript([&] { ASSERT_TRUE(loop.SetImmediate(next).ok()); }).ok());
  ASSERT_TRUE(loop.Run().ok());
  EXPECT_EQ(seen_ms, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(sim->Now(), base::Instant::Epoch() + 3 * kMs);
}

TEST(LoopMetricsTest, UtilizationIsActiveOverElapsedAsNodeComputesIt) {
  auto sim = Sim(1, 4);
  Loop loop(sim.get());
  ASSERT_TRUE(loop.RunScript([&] {
                    ASSERT_TRUE(loop.SetTimeout([&] { ASSERT_TRUE(loop.ConsumeCpu(25 * kMs).ok()); },
                                                50)
                                    .ok());
                  }).ok());
  ASSERT_TRUE(loop.Run().ok());
  const LoopMetrics m = loop.Metrics().value();
  EXPECT_EQ(m.idle, 50 * kMs);
  EXPECT_EQ(m.elapsed, 75 * kMs);
  EXPECT_DOUBLE_EQ(m.utilization, 25.0 / 75.0);
  EXPECT_EQ(m.timer_lag.max, Duration::Zero());  // it ran on time
}

TEST(LoopMetricsTest, CallbacksAreCountedPerPhaseAndTasksPerQueue) {
  auto sim = Sim(1, 4);
  Loop loop(sim.get());
  ASSERT_TRUE(loop.RunScript([&] {
                    ASSERT_TRUE(loop.NextTick([] {}).ok());
                    ASSERT_TRUE(loop.QueueMicrotask([] {}).ok());
                    ASSERT_TRUE(loop.SetImmediate([&] { ASSERT_TRUE(loop.NextTick([] {}).ok()); }).ok());
                    ASSERT_TRUE(loop.SetImmediate([] {}).ok());
                    ASSERT_TRUE(loop.StartNetwork(5 * kMs, [](absl::Status) {}).ok());
                    HandleId h = loop.NewHandle(HandleType::kPrepare).value();
                    ASSERT_TRUE(loop.StartHandle(h, [&loop, h] {
                                      ASSERT_TRUE(loop.CloseHandle(h, [] {}).ok());
                                    }).ok());
                  }).ok());
  ASSERT_TRUE(loop.Run().ok());
  const LoopMetrics m = loop.Metrics().value();
  EXPECT_EQ(In(m, Phase::kMain), 1);
  EXPECT_EQ(In(m, Phase::kCheck), 2);
  EXPECT_EQ(In(m, Phase::kPrepare), 1);
  EXPECT_EQ(In(m, Phase::kClose), 1);
  EXPECT_EQ(In(m, Phase::kPoll), 1);
  EXPECT_EQ(m.next_ticks, 2);
  EXPECT_EQ(m.microtasks, 1);
  // A network round trip holds no pool thread and waits in no queue.
  EXPECT_EQ(m.queue_wait.count, 0);
  EXPECT_EQ(m.pool.max_busy, 0);
}

TEST(LoopMetricsTest, WorkCancelledBeforeItStartedHasNoQueueWait) {
  auto sim = Sim(1, 1);
  Loop loop(sim.get());
  ASSERT_TRUE(loop.RunScript([&] {
                    ASSERT_TRUE(loop.QueueWork({.segments = {{Segment::Kind::kWait, 10 * kMs}}},
                                               [](absl::Status) {})
                                    .ok());
                    RequestId second =
                        loop.QueueWork({.segments = {{Segment::Kind::kWait, 10 * kMs}}},
                                       [](absl::Status s) { EXPECT_TRUE(absl::IsCancelled(s)); })
                            .value();
                    ASSERT_TRUE(loop.CancelWork(second).ok());
                  })
                  .ok());
  ASSERT_TRUE(loop.Run().ok());
  const LoopMetrics m = loop.Metrics().value();
  EXPECT_EQ(m.queue_wait.count, 1);
  EXPECT_EQ(m.pool.max_queued, 1);
  EXPECT_EQ(In(m, Phase::kPoll), 2);  // the cancelled one's callback runs too
}

TEST(LoopMetricsTest, ReadableAfterCloseButOnlyOnTheLoopThread) {
  auto sim = Sim(1, 4);
  Loop loop(sim.get());
  ASSERT_TRUE(loop.RunScript([] {}).ok());
  ASSERT_TRUE(loop.Close().ok());
  absl::StatusOr<LoopMetrics> m = loop.Metrics();
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(In(*m, Phase::kMain), 1);
  absl::Status other;
  std::thread([&] { other = loop.Metrics().status(); }).join();
  EXPECT_EQ(other.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(other.message(),
            "Loop::Metrics called from a thread that does not own the loop; a Loop may only be "
            "used from the thread that created it");
}

}  // namespace
}  // namespace runtime
