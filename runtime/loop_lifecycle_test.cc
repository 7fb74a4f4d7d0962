// The loop's lifecycle (Close, Shutdown, the destructor) and the pending
// phase, after uv_loop_close, tokio's runtime shutdown and libuv's
// loop->pending_queue.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

namespace runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using platform::Segment;

constexpr Duration kMs = Duration::Millis(1);

std::vector<std::string> Events(const platform::MemoryTraceSink& trace,
                                platform::TraceEventKind kind) {
  std::vector<std::string> out;
  for (const auto& e : trace.events()) {
    if (e.event == kind) out.push_back(absl::StrCat(e.phase, ":", e.kind, e.detail.empty() ? "" : ":", e.detail));
  }
  return out;
}

std::vector<int64_t> Ids(const platform::MemoryTraceSink& trace, platform::TraceEventKind kind) {
  std::vector<int64_t> out;
  for (const auto& e : trace.events()) {
    if (e.event == kind) out.push_back(e.id);
  }
  return out;
}

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::move(platform_sim::SimulatedPlatform::Create({.pool_size = 1, .trace = &trace_}).value());
    loop_ = std::make_unique<Loop>(sim_.get());
  }
  Loop::Done Record(std::string name) {
    return [this, name](absl::Status s) { log_.push_back(absl::StrCat(name, ":", s.ToString())); };
  }

  platform::MemoryTraceSink trace_;
  std::unique_ptr<platform_sim::SimulatedPlatform> sim_;
  std::unique_ptr<Loop> loop_;
  std::vector<std::string> log_;
};

TEST_F(LifecycleTest, AnIdleLoopClosesAndRefusesEverythingAfter) {
  ASSERT_TRUE(loop_->RunScript([] {}).ok());
  ASSERT_TRUE(loop_->Close().ok());
  EXPECT_TRUE(loop_->closed());
  EXPECT_EQ(loop_->SetTimeout([] {}, 1).status(),
            absl::FailedPreconditionError("Loop::SetTimeout: the loop is closed"));
  EXPECT_EQ(loop_->Run().status(), absl::FailedPreconditionError("Loop::Run: the loop is closed"));
  EXPECT_EQ(loop_->NextTick([] {}), absl::FailedPreconditionError("Loop::NextTick: the loop is closed"));
  EXPECT_EQ(loop_->Close(), absl::FailedPreconditionError("Loop::Close: the loop is closed"));
  EXPECT_TRUE(loop_->Shutdown().ok()) << "a no-op once closed";
  EXPECT_THAT(Events(trace_, platform::TraceEventKind::kLoopClose), ElementsAre("main:"));
}

TEST_F(LifecycleTest, CloseRefusesABusyLoopAsUvLoopCloseDoes) {
  ASSERT_TRUE(loop_->RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout([] {}, 5).ok());
    ASSERT_TRUE(loop_->SetImmediate([] {}).ok());
    ASSERT_TRUE(loop_->StartNetwork(5 * kMs, Record("net")).ok());
    ASSERT_TRUE(loop_->NewHandle(HandleType::kIdle).ok());
  }).ok());
  EXPECT_EQ(loop_->Close(),
            absl::FailedPreconditionError(
                "Loop::Close: the loop is busy (1 handle open, 1 request pending, 1 timer "
                "pending, 1 immediate queued); close those first, or call Shutdown"));
  EXPECT_FALSE(loop_->closed());
  EXPECT_TRUE(loop_->Run().ok()) << "a refused Close changes nothing";
  EXPECT_THAT(log_, ElementsAre("net:OK"));
}

TEST_F(LifecycleTest, ShutdownCancelsRunsCallbacksClosesHandlesThenCloses) {
  std::vector<std::string> closed;
  bool body_ran = false;
  absl::Status timer_during_shutdown;
  ASSERT_TRUE(loop_->RunScript([&] {
    ASSERT_TRUE(loop_->SetTimeout([&] { log_.push_back("timer ran"); }, 5).ok());
    ASSERT_TRUE(loop_->SetImmediate([&] { log_.push_back("immediate ran"); }).ok());
    // One pool thread: the first job runs, the second waits in the queue.
    ASSERT_TRUE(
        loop_->QueueWork({.segments = {{Segment::Kind::kWait, 10 * kMs}}}, Record("running")).ok());
    ASSERT_TRUE(
        loop_
            ->QueueWork(
                {.body = [&] { body_ran = true; }, .segments = {{Segment::Kind::kWait, 10 * kMs}}},
                [&](absl::Status s) {
                  log_.push_back(absl::StrCat("queued:", s.ToString()));
                  // Ticks still drain; new work is refused.
                  ASSERT_TRUE(loop_->NextTick([&] { log_.push_back("tick"); }).ok());
                  timer_during_shutdown = loop_->SetTimeout([] {}, 1).status();
                })
            .ok());
    ASSERT_TRUE(loop_->StartNetwork(5 * kMs, Record("net")).ok());
    for (int i = 0; i < 2; ++i) {
      const HandleId h = loop_->NewHandle(HandleType::kCheck).value();
      ASSERT_TRUE(loop_->StartHandle(h, [] {}).ok());
    }
  }).ok());
  // Handles close newest first, as libuv's closing stack.
  ASSERT_TRUE(loop_->Shutdown().ok());
  EXPECT_TRUE(loop_->closed());
  EXPECT_THAT(log_, ElementsAre("running:CANCELLED: the loop is shutting down",
                                "queued:CANCELLED: the loop is shutting down", "tick",
                                "net:CANCELLED: the loop is shutting down"));
  EXPECT_EQ(timer_during_shutdown,
            absl::FailedPreconditionError("Loop::SetTimeout: the loop is shutting down"));
  EXPECT_FALSE(body_ran) << "queued work was cancelled at the platform";
  EXPECT_THAT(Events(trace_, platform::TraceEventKind::kLoopShutdown),
              ElementsAre("shutdown::2 handles open, 3 requests pending, 1 timer pending, 1 "
                          "immediate queued"));
  // Request 1 was running (uv_cancel's EBUSY); 2 was queued, 3 in flight.
  EXPECT_THAT(Ids(trace_, platform::TraceEventKind::kPoolCancel), ElementsAre(2));
  EXPECT_THAT(Ids(trace_, platform::TraceEventKind::kIoCancel), ElementsAre(3));
  EXPECT_THAT(Events(trace_, platform::TraceEventKind::kLoopClose), ElementsAre("shutdown:"));
}

TEST_F(LifecycleTest, ShutdownRunsCloseCallbacksAndReportsTheFirstError) {
  const HandleId a = loop_->NewHandle(HandleType::kIdle).value();
  const HandleId b = loop_->NewHandle(HandleType::kIdle).value();
  ASSERT_TRUE(loop_->CloseHandle(a, [&] { log_.push_back("close a"); }).ok());
  ASSERT_TRUE(loop_->StartNetwork(kMs, [](absl::Status) { throw std::runtime_error("boom"); }).ok());
  ASSERT_TRUE(loop_->StartNetwork(kMs, Record("second")).ok());
  (void)b;
  const absl::Status s = loop_->Shutdown();
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(s.message(), HasSubstr("uncaught exception in net callback at t=0.000 ms: boom"));
  EXPECT_TRUE(loop_->closed());
  EXPECT_THAT(log_, ElementsAre("second:CANCELLED: the loop is shutting down", "close a"));
}

TEST_F(LifecycleTest, CompletionsAlreadyReceivedKeepTheirStatus) {
  // Both replies arrive at 5 ms; the first callback throws, so the second
  // was received but has not run when the loop shuts down.
  ASSERT_TRUE(loop_->RunScript([&] {
    ASSERT_TRUE(loop_->StartNetwork(5 * kMs, [](absl::Status) { throw std::runtime_error("x"); }).ok());
    ASSERT_TRUE(loop_->StartNetwork(5 * kMs, Record("received")).ok());
    ASSERT_TRUE(loop_->StartNetwork(9 * kMs, Record("in flight")).ok());
  }).ok());
  EXPECT_EQ(loop_->Run().status().code(), absl::StatusCode::kAborted);
  ASSERT_TRUE(loop_->Shutdown().ok());
  EXPECT_THAT(log_, ElementsAre("received:OK", "in flight:CANCELLED: the loop is shutting down"));
}

TEST(LifecycleDestructorTest, ABusyLoopIsShutDownByItsDestructorAndTheTraceSaysSo) {
  platform::MemoryTraceSink trace;
  auto sim = platform_sim::SimulatedPlatform::Create({.trace = &trace}).value();
  std::vector<std::string> log;
  {
    Loop loop(sim.get());
    ASSERT_TRUE(loop.StartNetwork(kMs, [&](absl::Status s) { log.push_back(s.ToString()); }).ok());
  }
  EXPECT_THAT(log, ElementsAre("CANCELLED: the loop is shutting down"));
  EXPECT_THAT(Events(trace, platform::TraceEventKind::kLoopShutdown),
              ElementsAre("main::destructor of a busy loop: 1 request pending",
                          "shutdown::1 request pending"));
}

TEST(LifecycleDestructorTest, AnIdleLoopIsClosedQuietly) {
  platform::MemoryTraceSink trace;
  auto sim = platform_sim::SimulatedPlatform::Create({.trace = &trace}).value();
  { Loop loop(sim.get()); }
  EXPECT_TRUE(Events(trace, platform::TraceEventKind::kLoopShutdown).empty());
  EXPECT_THAT(Events(trace, platform::TraceEventKind::kLoopClose), ElementsAre("main:"));
}

// A platform that asks for every completion to be deferred, as libuv's
// uv__io_feed does for some I/O callbacks (a write completed at once, a
// connect error). No twinloop platform defers yet; TCP (#9) will.
class DeferringPlatform : public platform::Platform {
 public:
  explicit DeferringPlatform(platform::Platform* inner) : inner_(inner) {}
  Instant Now() override { return inner_->Now(); }
  absl::Status Poll(Duration timeout, std::vector<platform::Completion>* out) override {
    const size_t before = out->size();
    absl::Status s = inner_->Poll(timeout, out);
    for (size_t i = before; i < out->size(); ++i) (*out)[i].deferred = true;
    return s;
  }
  std::shared_ptr<platform::Waker> waker() override { return inner_->waker(); }
  void SubmitWork(uint64_t token, platform::PoolWork&& work) override {
    inner_->SubmitWork(token, std::move(work));
  }
  void SubmitIo(uint64_t token, platform::PoolIo io) override {
    inner_->SubmitIo(token, std::move(io));
  }
  void SubmitNet(uint64_t token, platform::NetOp&& op) override {
    inner_->SubmitNet(token, std::move(op));
  }
  void StartNetwork(uint64_t token, platform::NetworkRoundTrip trip) override {
    inner_->StartNetwork(token, trip);
  }
  absl::Status Cancel(uint64_t token) override { return inner_->Cancel(token); }
  absl::StatusOr<Instant> ConsumeCpu(Duration d) override { return inner_->ConsumeCpu(d); }
  platform::PoolStats pool_stats() override { return inner_->pool_stats(); }
  platform::TraceSink* trace() override { return inner_->trace(); }

 private:
  platform::Platform* inner_;
};

TEST(PendingPhaseTest, DeferredCompletionsRunInThePendingPhaseAfterPoll) {
  // libuv >= 1.45: uv__run_pending runs right after poll (up to 8 rounds),
  // before check.
  platform::MemoryTraceSink trace;
  auto sim = platform_sim::SimulatedPlatform::Create({.trace = &trace}).value();
  DeferringPlatform deferring(sim.get());
  Loop loop(&deferring);
  std::vector<std::string> order;
  ASSERT_TRUE(loop.RunScript([&] {
    ASSERT_TRUE(loop.StartNetwork(5 * kMs, [&](absl::Status) {
      order.push_back("net");
      ASSERT_TRUE(loop.SetImmediate([&] { order.push_back("immediate"); }).ok());
    }).ok());
  }).ok());
  ASSERT_TRUE(loop.Run().ok());
  EXPECT_THAT(order, ElementsAre("net", "immediate"));
  EXPECT_THAT(Events(trace, platform::TraceEventKind::kCallbackBegin),
              ElementsAre("main:main", "pending:net", "check:immediate"));
}

TEST(PendingPhaseTest, WhatAFailedCallbackLeftRunsAtTheStartOfTheNextIteration) {
  platform::MemoryTraceSink trace;
  auto sim = platform_sim::SimulatedPlatform::Create({.trace = &trace}).value();
  DeferringPlatform deferring(sim.get());
  Loop loop(&deferring);
  std::vector<std::string> order;
  ASSERT_TRUE(loop.RunScript([&] {
    ASSERT_TRUE(loop.StartNetwork(5 * kMs, [](absl::Status) { throw std::runtime_error("x"); }).ok());
    ASSERT_TRUE(loop.StartNetwork(5 * kMs, [&](absl::Status) { order.push_back("second"); }).ok());
    ASSERT_TRUE(loop.SetTimeout([&] { order.push_back("timer"); }, 20).ok());
  }).ok());
  EXPECT_EQ(loop.Run().status().code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(order.empty());
  ASSERT_TRUE(loop.Run(RunMode::kOnce).ok());
  EXPECT_THAT(order, ElementsAre("second"));
  EXPECT_EQ(deferring.Now(), Instant::Epoch() + 5 * kMs) << "the pending phase ran before any wait";
  const std::vector<std::string> begins = Events(trace, platform::TraceEventKind::kCallbackBegin);
  EXPECT_EQ(begins.back(), "pending:net");
}

// A clock that jumps back 3 ms once, after a few reads.
class BackwardsClock : public DeferringPlatform {
 public:
  explicit BackwardsClock(platform::Platform* inner) : DeferringPlatform(inner), inner_(inner) {}
  Instant Now() override {
    const Instant t = inner_->Now();
    return ++reads_ == 4 ? t - 3 * kMs : t;
  }
  absl::Status Poll(Duration timeout, std::vector<platform::Completion>* out) override {
    return inner_->Poll(timeout, out);  // nothing deferred
  }

 private:
  platform::Platform* inner_;
  int reads_ = 0;
};

TEST(ClockTest, AClockThatRunsBackwardsIsClampedAndTraced) {
  platform::MemoryTraceSink trace;
  auto sim = platform_sim::SimulatedPlatform::Create({.trace = &trace}).value();
  BackwardsClock clock(sim.get());
  Loop loop(&clock);
  std::vector<Instant> seen;
  ASSERT_TRUE(loop.RunScript([&] {
    ASSERT_TRUE(loop.ConsumeCpu(10 * kMs).ok());
    for (int i = 0; i < 4; ++i) seen.push_back(*loop.HrTime());
  }).ok());
  // The fourth read of the platform's clock said 7 ms; the loop kept 10.
  EXPECT_THAT(seen, ElementsAre(Instant::Epoch() + 10 * kMs, Instant::Epoch() + 10 * kMs,
                                Instant::Epoch() + 10 * kMs, Instant::Epoch() + 10 * kMs));
  ASSERT_TRUE(loop.SetTimeout([] {}, 1).ok());  // reads the clock: UpdateTime
  ASSERT_TRUE(loop.Run().ok());
  EXPECT_GE(*loop.NowMs(), 11);
}

TEST(ClockTest, UpdateTimeTracesABackwardsClock) {
  platform::MemoryTraceSink trace;
  auto sim = platform_sim::SimulatedPlatform::Create({.trace = &trace}).value();
  BackwardsClock clock(sim.get());
  Loop loop(&clock);  // read 1
  ASSERT_TRUE(loop.RunScript([&] {
    ASSERT_TRUE(loop.ConsumeCpu(10 * kMs).ok());
    ASSERT_TRUE(loop.SetTimeout([] {}, 5).ok());  // read 2
    ASSERT_TRUE(loop.SetTimeout([] {}, 6).ok());  // read 3
    ASSERT_TRUE(loop.SetTimeout([] {}, 7).ok());  // read 4: 3 ms back
  }).ok());
  EXPECT_THAT(Events(trace, platform::TraceEventKind::kClockBackwards),
              ElementsAre("main::3000000"));
  EXPECT_EQ(*loop.NowMs(), 10);
}

}  // namespace
}  // namespace runtime
