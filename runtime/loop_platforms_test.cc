// One conformance suite, two platforms: the loop's semantics written once and
// run on the simulated and the real platform. On the real platform only what
// is deterministic there is asserted (orders the rules fix, never a time);
// margins are tens of milliseconds where an order depends on a wait.
//
// Tagged "threads": the real platform's pool runs here, so TSan runs it too.
#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "platform/real/real_platform.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

namespace runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using platform::PoolWork;
using platform::Segment;

constexpr Duration kMs = Duration::Millis(1);

struct PlatformKind {
  std::string name;
  std::function<std::unique_ptr<platform::Platform>(int pool_size)> make;
};

class LoopOnBothPlatforms : public ::testing::TestWithParam<PlatformKind> {
 protected:
  void Make(int pool_size = 4) {
    loop_.reset();
    platform_ = GetParam().make(pool_size);
    loop_ = std::make_unique<Loop>(platform_.get());
  }
  void SetUp() override { Make(); }
  void TearDown() override {
    loop_.reset();
    platform_.reset();
  }
  Loop::Callback Note(std::string what) {
    return [this, what] { order_.push_back(what); };
  }
  Loop::Done NoteDone(std::string what) {
    return [this, what](absl::Status s) {
      order_.push_back(s.ok() ? what : what + ":" + std::string(absl::StatusCodeToString(s.code())));
    };
  }
  static PoolWork Wait(Duration d, PoolWork::Kind kind = PoolWork::Kind::kFastIo) {
    PoolWork w;
    w.segments.push_back({Segment::Kind::kWait, d});
    w.kind = kind;
    return w;
  }

  std::unique_ptr<platform::Platform> platform_;
  std::unique_ptr<Loop> loop_;
  std::vector<std::string> order_;
};

TEST_P(LoopOnBothPlatforms, NextTickThenMicrotasksThenImmediates) {
  ASSERT_TRUE(loop_->RunScript([&] {
    ASSERT_TRUE(loop_->SetImmediate(Note("immediate")).ok());
    ASSERT_TRUE(loop_->QueueMicrotask(Note("microtask")).ok());
    ASSERT_TRUE(loop_->NextTick([&] {
      order_.push_back("tick");
      ASSERT_TRUE(loop_->QueueMicrotask(Note("microtask from tick")).ok());
      ASSERT_TRUE(loop_->NextTick(Note("tick from tick")).ok());
    }).ok());
    order_.push_back("main");
  }).ok());
  ASSERT_TRUE(loop_->Run().ok());
  EXPECT_THAT(order_, ElementsAre("main", "tick", "tick from tick", "microtask",
                                  "microtask from tick", "immediate"));
}

TEST_P(LoopOnBothPlatforms, InsideAPoolCallbackTheImmediateBeatsTimeoutZero) {
  ASSERT_TRUE(loop_->RunScript([&] {
    ASSERT_TRUE(loop_->QueueWork(Wait(kMs), [&](absl::Status s) {
      ASSERT_TRUE(s.ok());
      ASSERT_TRUE(loop_->SetTimeout(Note("timeout 0"), 0).ok());
      ASSERT_TRUE(loop_->SetImmediate(Note("immediate")).ok());
    }).ok());
  }).ok());
  ASSERT_TRUE(loop_->Run().ok());
  EXPECT_THAT(order_, ElementsAre("immediate", "timeout 0"));
}

TEST_P(LoopOnBothPlatforms, OnePoolThreadRunsWorkInOrder) {
  Make(/*pool_size=*/1);
  ASSERT_TRUE(loop_->RunScript([&] {
    for (int i = 1; i <= 5; ++i) {
      ASSERT_TRUE(loop_->QueueWork(Wait(kMs), NoteDone(std::to_string(i))).ok());
    }
  }).ok());
  ASSERT_TRUE(loop_->Run().ok());
  EXPECT_THAT(order_, ElementsAre("1", "2", "3", "4", "5"));
  // The metrics' counts are deterministic on both platforms; their times
  // are not on the real one.
  const LoopMetrics m = loop_->Metrics().value();
  EXPECT_EQ(m.callbacks[static_cast<int>(Phase::kPoll)], 5);
  EXPECT_EQ(m.queue_wait.count, 5);
  EXPECT_GE(m.queue_wait.max, m.queue_wait.p50);
  EXPECT_EQ(m.pool.max_busy, 1);
  EXPECT_EQ(m.pool.busy, 0);
  EXPECT_EQ(m.pool.queued, 0);
  EXPECT_GE(m.elapsed, m.idle);
  EXPECT_GE(m.utilization, 0.0);
  EXPECT_LE(m.utilization, 1.0);
}

TEST_P(LoopOnBothPlatforms, QueuedWorkCanBeCancelledAndNeverRuns) {
  Make(/*pool_size=*/1);
  std::atomic<bool> body_ran{false};
  ASSERT_TRUE(loop_->RunScript([&] {
    ASSERT_TRUE(loop_->QueueWork(Wait(20 * kMs), NoteDone("first")).ok());
    PoolWork second = Wait(kMs);
    second.body = [&] { body_ran = true; };
    const RequestId id = loop_->QueueWork(std::move(second), NoteDone("second")).value();
    ASSERT_TRUE(loop_->CancelWork(id).ok());
    EXPECT_EQ(loop_->CancelWork(id).code(), absl::StatusCode::kFailedPrecondition);
  }).ok());
  ASSERT_TRUE(loop_->Run().ok());
  EXPECT_THAT(order_, ElementsAre("second:CANCELLED", "first"));
  EXPECT_FALSE(body_ran);
}

TEST_P(LoopOnBothPlatforms, SlowIoHoldsAtMostHalfThePool) {
  // Four threads, so two for slow I/O: the fs read queued behind four slow
  // lookups finishes first, and the third and fourth lookups wait for the
  // first two.
  ASSERT_TRUE(loop_->RunScript([&] {
    for (int i = 1; i <= 4; ++i) {
      ASSERT_TRUE(loop_->QueueWork(Wait(50 * kMs, PoolWork::Kind::kSlowIo),
                                   NoteDone("lookup " + std::to_string(i)))
                      .ok());
    }
    ASSERT_TRUE(loop_->QueueWork(Wait(kMs), NoteDone("fs read")).ok());
  }).ok());
  ASSERT_TRUE(loop_->Run().ok());
  ASSERT_EQ(order_.size(), 5u);
  EXPECT_EQ(order_[0], "fs read");
  EXPECT_THAT(std::vector<std::string>(order_.begin() + 1, order_.begin() + 3),
              UnorderedElementsAre("lookup 1", "lookup 2"));
  EXPECT_THAT(std::vector<std::string>(order_.begin() + 3, order_.end()),
              UnorderedElementsAre("lookup 3", "lookup 4"));
}

TEST_P(LoopOnBothPlatforms, UnrefedTimersAndHandlesDoNotKeepTheLoopAlive) {
  Timer t;
  ASSERT_TRUE(loop_->RunScript([&] {
    t = loop_->SetTimeout(Note("unref'd timer"), 10'000).value();
    ASSERT_TRUE(loop_->Unref(t).ok());
    const HandleId h = loop_->NewHandle(HandleType::kCheck).value();
    ASSERT_TRUE(loop_->StartHandle(h, [] {}).ok());
    ASSERT_TRUE(loop_->UnrefHandle(h).ok());
  }).ok());
  EXPECT_FALSE(*loop_->Alive());
  EXPECT_FALSE(*loop_->Run());
  EXPECT_TRUE(order_.empty());
  ASSERT_TRUE(loop_->Ref(t).ok());
  EXPECT_TRUE(*loop_->Alive());
  ASSERT_TRUE(loop_->ClearTimeout(t).ok());
  EXPECT_FALSE(*loop_->Alive());
}

TEST_P(LoopOnBothPlatforms, TheWakerEndsAWaitFromAnotherThread) {
  bool replied = false;
  ASSERT_TRUE(loop_->StartNetwork(Duration::Seconds(3600), [&](absl::Status) { replied = true; }).ok());
  std::shared_ptr<platform::Waker> waker = loop_->waker();
  std::thread other([waker] { waker->Wake(); });
  other.join();
  // The poll would wait an hour; the wake ends it at once.
  absl::StatusOr<bool> alive = loop_->Run(RunMode::kOnce);
  ASSERT_TRUE(alive.ok());
  EXPECT_TRUE(*alive);
  EXPECT_FALSE(replied);
  EXPECT_TRUE(loop_->Shutdown().ok());
  EXPECT_TRUE(replied) << "Shutdown answers it with CANCELLED";
}

TEST_P(LoopOnBothPlatforms, AThrowingCallbackStopsRunAndTheLoopGoesOn) {
  ASSERT_TRUE(loop_->RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout([] { throw std::runtime_error("boom"); }, 1).ok());
    ASSERT_TRUE(loop_->SetTimeout(Note("after"), 30).ok());
  }).ok());
  absl::StatusOr<bool> first = loop_->Run();
  EXPECT_EQ(first.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(first.status().message()), ::testing::HasSubstr("boom"));
  EXPECT_TRUE(order_.empty());
  ASSERT_TRUE(loop_->Run().ok());
  EXPECT_THAT(order_, ElementsAre("after"));
}

INSTANTIATE_TEST_SUITE_P(
    Platforms, LoopOnBothPlatforms,
    ::testing::Values(
        PlatformKind{"Simulated",
                     [](int pool) -> std::unique_ptr<platform::Platform> {
                       return std::move(
                           platform_sim::SimulatedPlatform::Create({.pool_size = pool}).value());
                     }},
        PlatformKind{"Real",
                     [](int pool) -> std::unique_ptr<platform::Platform> {
                       return std::move(
                           platform_real::RealPlatform::Create({.pool_size = pool}).value());
                     }}),
    [](const ::testing::TestParamInfo<PlatformKind>& info) { return info.param.name; });

}  // namespace
}  // namespace runtime
