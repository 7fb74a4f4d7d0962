// The real platform through its interface. Only what is deterministic on a
// real machine is asserted: orders fixed by the rules, lower bounds on time
// (a timer never fires early), never an upper bound. Runs under TSan.
#include "platform/real/real_platform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

namespace platform_real {
namespace {

using base::Duration;
using base::Instant;
using platform::Completion;

std::unique_ptr<RealPlatform> Make(RealConfig c = {}) {
  auto p = RealPlatform::Create(c);
  EXPECT_TRUE(p.ok()) << p.status();
  return std::move(*p);
}

// Polls until `n` completions arrived.
std::vector<Completion> PollFor(RealPlatform& p, size_t n) {
  std::vector<Completion> all, some;
  while (all.size() < n) {
    some.clear();
    EXPECT_TRUE(p.Poll(platform::kWaitForever, &some).ok());
    for (Completion& c : some) all.push_back(std::move(c));
  }
  return all;
}

TEST(RealPlatformTest, RejectsOutOfRangePools) {
  EXPECT_EQ(RealPlatform::Create({.pool_size = 0}).status().message(),
            "pool_size must be in [1, 1024], got 0");
  EXPECT_EQ(RealPlatform::Create({.pool_size = 1025}).status().message(),
            "pool_size must be in [1, 1024], got 1025");
}

TEST(RealPlatformTest, PoolCompletionsArriveInFinishOrderOnOneThread) {
  auto p = Make({.pool_size = 1});
  for (uint64_t i = 1; i <= 4; ++i) {
    p->SubmitWork(i, {.segments = {{platform::Segment::Kind::kWait, Duration::Millis(2)}}});
  }
  const std::vector<Completion> got = PollFor(*p, 4);
  for (uint64_t i = 0; i < 4; ++i) {
    EXPECT_EQ(got[i].token, i + 1);
    EXPECT_TRUE(got[i].status.ok());
  }
  EXPECT_GE(got[3].time, Instant::Epoch() + Duration::Millis(8)) << "FIFO on one thread";
}

TEST(RealPlatformTest, CancelledWorkCompletesWithCancelledAndNeverRuns) {
  auto p = Make({.pool_size = 1});
  std::atomic<bool> ran{false};
  p->SubmitWork(1, {.segments = {{platform::Segment::Kind::kWait, Duration::Millis(30)}}});
  p->SubmitWork(2, {.body = [&] { ran = true; }});
  ASSERT_TRUE(p->Cancel(2).ok());
  const std::vector<Completion> got = PollFor(*p, 2);
  EXPECT_EQ(got[0].token, 2u);
  EXPECT_EQ(got[0].status, absl::CancelledError("work cancelled before it started"));
  EXPECT_EQ(got[1].token, 1u);
  EXPECT_EQ(p->Cancel(1).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(ran);
}

// What the loop's thread makes (a socket operation's error, a cancellation)
// comes out in the order it happened, whatever lock each takes. (The pool's
// own completion may come first or last: it finishes on its thread.)
TEST(RealPlatformTest, LoopThreadCompletionsKeepTheirOrder) {
  auto p = Make({.pool_size = 1});
  p->SubmitWork(1, {.segments = {{platform::Segment::Kind::kWait, Duration::Millis(30)}}});
  p->SubmitWork(2, {});
  p->SubmitNet(3, {.op = platform::NetOp::Op::kWrite, .stream = 999, .data = "x"});  // EBADF now
  ASSERT_TRUE(p->Cancel(2).ok());
  p->SubmitNet(4, {.op = platform::NetOp::Op::kShutdown, .stream = 999});  // EBADF now
  std::vector<uint64_t> loop_made;
  bool pool_done = false;
  for (const Completion& c : PollFor(*p, 4)) {
    if (c.token == 1) {
      EXPECT_TRUE(c.status.ok());
      pool_done = true;
      continue;
    }
    loop_made.push_back(c.token);
    if (c.token == 2) {
      EXPECT_TRUE(absl::IsCancelled(c.status));
    }
    if (c.token == 3) {
      EXPECT_EQ(c.status.message(), "write EBADF");
    }
  }
  EXPECT_TRUE(pool_done);
  EXPECT_THAT(loop_made, ::testing::ElementsAre(3u, 2u, 4u));
}

// The loop reads the time as soon as a poll returns: the first Now after a
// poll that stamped completions gives that stamp; a later one, or one after
// any other call, reads the clock.
TEST(RealPlatformTest, TheFirstNowAfterAPollIsItsStampUnlessACallCameBetween) {
  auto p = Make();
  p->SubmitNet(1, {.op = platform::NetOp::Op::kWrite, .stream = 999, .data = "x"});  // EBADF
  std::vector<Completion> got = PollFor(*p, 1);
  EXPECT_EQ(p->Now(), got[0].time);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_GE(p->Now(), got[0].time + Duration::Millis(2)) << "only the first Now";

  p->SubmitNet(2, {.op = platform::NetOp::Op::kWrite, .stream = 999, .data = "x"});
  got = PollFor(*p, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  p->StartNetwork(3, {.nominal_latency = Duration::Millis(1000)});
  EXPECT_GE(p->Now(), got[0].time + Duration::Millis(2)) << "a call came between";
  EXPECT_TRUE(p->Cancel(3).ok());
}

TEST(RealPlatformTest, ANetworkRoundTripIsATimerThatNeverFiresEarly) {
  auto p = Make();
  const Instant start = p->Now();
  p->StartNetwork(7, {Duration::Millis(20)});
  p->StartNetwork(8, {Duration::Millis(5)});
  const std::vector<Completion> got = PollFor(*p, 2);
  EXPECT_EQ(got[0].token, 8u);
  EXPECT_EQ(got[1].token, 7u);
  EXPECT_GE(got[1].time - start, Duration::Millis(20));
}

TEST(RealPlatformTest, ANetworkRoundTripCanBeCancelled) {
  auto p = Make();
  p->StartNetwork(1, {Duration::Seconds(3600)});
  ASSERT_TRUE(p->Cancel(1).ok());
  const std::vector<Completion> got = PollFor(*p, 1);
  EXPECT_EQ(got[0].status, absl::CancelledError("network round trip cancelled"));
}

TEST(RealPlatformTest, PollWaitsAtLeastItsTimeout) {
  auto p = Make();
  const Instant start = p->Now();
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(Duration::Millis(10), &out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_GE(p->Now() - start, Duration::Millis(10));
  ASSERT_TRUE(p->Poll(Duration::Zero(), &out).ok());
  EXPECT_TRUE(out.empty());
}

// Regression: libuv (1.44) runs due timers at the start of uv_run, then
// polls with whatever timers are left. A poll timer that became due between
// starting it and entering uv_run (a millisecond boundary passed) fired
// first, and the poll then blocked with no timeout at all. Thousands of
// 1 ms polls cross such a boundary many times; every one must return.
TEST(RealPlatformTest, ShortPollsAlwaysReturn) {
  auto p = Make();
  std::vector<Completion> out;
  for (int i = 0; i < 3000; ++i) {
    ASSERT_TRUE(p->Poll(Duration::Millis(1), &out).ok());
    ASSERT_TRUE(out.empty());
  }
}

TEST(RealPlatformTest, TheWakerEndsAPollWithNoTimeoutFromAnotherThread) {
  auto p = Make();
  std::shared_ptr<platform::Waker> waker = p->waker();
  std::thread other([waker] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    waker->Wake();
  });
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(platform::kWaitForever, &out).ok());
  EXPECT_TRUE(out.empty());
  other.join();
  // A Waker kept past its platform does nothing.
  p.reset();
  waker->Wake();
}

TEST(RealPlatformTest, ConsumeCpuTakesAtLeastItsDuration) {
  auto p = Make();
  const Instant start = p->Now();
  absl::StatusOr<Instant> end = p->ConsumeCpu(Duration::Millis(3));
  ASSERT_TRUE(end.ok());
  EXPECT_GE(*end - start, Duration::Millis(3));
  EXPECT_GE(p->Now(), *end);
}

TEST(RealPlatformTest, DestroyingItWithWorkQueuedOrRunningNeitherHangsNorLeaks) {
  std::atomic<int> bodies{0};
  {
    auto p = Make({.pool_size = 2});
    for (uint64_t i = 1; i <= 8; ++i) {
      p->SubmitWork(i, {.body = [&] { ++bodies; },
                        .segments = {{platform::Segment::Kind::kCpu, Duration::Seconds(3600)}}});
    }
    p->StartNetwork(100, {Duration::Seconds(3600)});
  }
  EXPECT_EQ(bodies, 0);
}

TEST(RealPlatformTest, TracesPoolWorkWithItsThreads) {
  platform::MemoryTraceSink trace;
  auto p = Make({.pool_size = 1, .trace = &trace});
  p->SubmitWork(3, {});
  PollFor(*p, 1);
  std::vector<std::string> names;
  for (const auto& e : trace.events()) {
    names.push_back(absl::StrCat(e.thread, " ", platform::TraceEventName(e.event), " ", e.id));
  }
  EXPECT_THAT(names, ::testing::ElementsAre("loop pool_enqueue 3", "pool-0 pool_start 3",
                                            "pool-0 pool_finish 3"));
}

}  // namespace
}  // namespace platform_real
