// The loop rejects calls from threads other than its own. Runs under TSan.
#include <gtest/gtest.h>

#include <latch>
#include <thread>
#include <utility>
#include <vector>

#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

namespace runtime {
namespace {

TEST(LoopThreadTest, CallsFromAnotherThreadFailAndChangeNothing) {
  auto sim = platform_sim::SimulatedPlatform::Create({}).value();
  Loop loop(sim.get());
  absl::Status set, tick, run, alive;
  std::thread other([&] {
    set = loop.SetTimeout([] {}, 1).status();
    tick = loop.NextTick([] {});
    run = loop.Run().status();
    alive = loop.Alive().status();
  });
  other.join();
  EXPECT_EQ(set.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(set.message(),
            "Loop::SetTimeout called from a thread that does not own the loop; a Loop may "
            "only be used from the thread that created it");
  EXPECT_EQ(tick.message(),
            "Loop::NextTick called from a thread that does not own the loop; a Loop may "
            "only be used from the thread that created it");
  EXPECT_EQ(run.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(alive.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(loop.Alive().value()) << "the rejected SetTimeout left no timer";
  bool ran = false;
  ASSERT_TRUE(loop.RunScript([&] { ran = true; }).ok());
  EXPECT_TRUE(ran) << "the rejected NextTick left nothing queued either";
}

TEST(LoopThreadTest, TimersMayBeDroppedOnAnyThreadAndOutliveTheLoop) {
  // A Timeout's block goes back to its loop's pool from whichever thread
  // drops the last Timer, and the pool outlives the loop for Timers still
  // held. TSan checks the hand-over; ASan and LeakSanitizer that nothing is
  // used after it goes or left behind.
  std::vector<Timer> held;
  {
    auto sim = platform_sim::SimulatedPlatform::Create({}).value();
    Loop loop(sim.get());
    int fired = 0;
    for (int i = 0; i < 200; ++i) held.push_back(loop.SetTimeout([&] { ++fired; }, 1).value());
    ASSERT_TRUE(loop.Run().ok());
    ASSERT_EQ(fired, 200);
    // Another thread drops the fired timers while this one makes more.
    std::latch go(2);
    std::thread dropper([&go, batch = std::move(held)]() mutable {
      go.arrive_and_wait();
      batch.clear();
    });
    held.clear();
    go.arrive_and_wait();
    for (int i = 0; i < 200; ++i) held.push_back(loop.SetTimeout([&] { ++fired; }, 5).value());
    dropper.join();
    ASSERT_TRUE(loop.Run().ok());
    EXPECT_EQ(fired, 400);
    for (int i = 0; i < 10; ++i) held.push_back(loop.SetTimeout([] {}, 5).value());
  }
  // The loop is gone; its last ten timers were cleared with it.
  EXPECT_EQ(held.back()->duration_ms(), -1);
  std::thread([batch = std::move(held)]() mutable { batch.clear(); }).join();
}

TEST(LoopThreadTest, TheWakerWakesThePollFromAnotherThread) {
  // A network reply 50 ms away: a poll would wait for it, but a wake from
  // another thread makes it return at once, before any virtual time passes.
  auto sim = platform_sim::SimulatedPlatform::Create({}).value();
  Loop loop(sim.get());
  bool replied = false;
  ASSERT_TRUE(loop.StartNetwork(base::Duration::Millis(50), [&](absl::Status) { replied = true; }).ok());
  std::shared_ptr<platform::Waker> waker = loop.waker();
  std::thread other([waker] { waker->Wake(); });
  other.join();
  absl::StatusOr<bool> alive = loop.Run(RunMode::kOnce);
  ASSERT_TRUE(alive.ok());
  EXPECT_TRUE(*alive);
  EXPECT_FALSE(replied);
  EXPECT_EQ(sim->Now(), base::Instant::Epoch());
  ASSERT_TRUE(loop.Run().ok());
  EXPECT_TRUE(replied);
}

}  // namespace
}  // namespace runtime
