#include "platform/sim/simulated_platform.h"

#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace platform_sim {
namespace {

using fakeclock::Millis;
using platform::Completion;
using platform::Segment;

std::unique_ptr<SimulatedPlatform> Make(SimConfig c = {}) {
  auto p = SimulatedPlatform::Create(c);
  EXPECT_TRUE(p.ok()) << p.status();
  return std::move(*p);
}

TEST(SimulatedPlatformTest, RejectsOutOfRangeSettings) {
  EXPECT_EQ(SimulatedPlatform::Create({.cores = 0}).status().message(),
            "cores must be in [1, 1024], got 0");
  EXPECT_EQ(SimulatedPlatform::Create({.pool_size = 1025}).status().message(),
            "pool_size must be in [1, 1024], got 1025");
  EXPECT_EQ(SimulatedPlatform::Create({.net_jitter = -1}).status().message(),
            "net_jitter must be >= 0, got -1 ns");
  EXPECT_EQ(SimulatedPlatform::Create({.idle_poll_cost = -1}).status().message(),
            "idle_poll_cost must be >= 0, got -1 ns");
  EXPECT_EQ(SimulatedPlatform::Create({.max_polls_per_instant = 0}).status().message(),
            "max_polls_per_instant must be >= 1, got 0");
}

TEST(SimulatedPlatformTest, PollJumpsToTheNextCompletion) {
  auto p = Make();
  p->StartNetwork(1, {Millis(50)});
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(platform::kWaitForever, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].token, 1u);
  EXPECT_EQ(out[0].time, Millis(50));
  EXPECT_EQ(p->Now(), Millis(50));
}

TEST(SimulatedPlatformTest, PollTimesOutAtItsDeadline) {
  auto p = Make();
  p->StartNetwork(1, {Millis(50)});
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(Millis(20), &out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(p->Now(), Millis(20));
  ASSERT_TRUE(p->Poll(0, &out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(p->Now(), Millis(20));
}

TEST(SimulatedPlatformTest, WaitingForeverOnNothingIsAnError) {
  auto p = Make();
  std::vector<Completion> out;
  EXPECT_EQ(p->Poll(platform::kWaitForever, &out).message(),
            "the loop would wait forever: it polls with no timeout and nothing "
            "is scheduled, at virtual time 0 ns");
}

TEST(SimulatedPlatformTest, SameInstantCompletionsArriveInTokenOrder) {
  auto p = Make();
  p->StartNetwork(3, {Millis(10)});
  p->SubmitWork(4, {{{Segment::Kind::kWait, Millis(10)}}, nullptr});
  p->StartNetwork(5, {Millis(5)});
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(Millis(100), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].token, 5u);
  out.clear();
  ASSERT_TRUE(p->Poll(Millis(100), &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].token, 3u);
  EXPECT_EQ(out[1].token, 4u);
}

TEST(SimulatedPlatformTest, LoopCpuSharesCoresAndCompletionsWaitForPoll) {
  // One core: the loop computes 10 ms while a 10 ms pool hash runs. They
  // share the core, so both take 20 ms.
  auto p = Make({.cores = 1});
  p->SubmitWork(1, {{{Segment::Kind::kCpu, Millis(10)}}, nullptr});
  ASSERT_TRUE(p->ConsumeCpu(Millis(10)).ok());
  EXPECT_EQ(p->Now(), Millis(20));
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(0, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].time, Millis(20));
}

TEST(SimulatedPlatformTest, CancelledWorkCompletesWithCancelled) {
  auto p = Make({.pool_size = 1});
  p->SubmitWork(1, {{{Segment::Kind::kWait, Millis(10)}}, nullptr});
  p->SubmitWork(2, {{{Segment::Kind::kWait, Millis(10)}}, nullptr});
  ASSERT_TRUE(p->CancelWork(2).ok());
  EXPECT_EQ(p->CancelWork(1).code(), absl::StatusCode::kFailedPrecondition);
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(0, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].token, 2u);
  EXPECT_EQ(out[0].status.code(), absl::StatusCode::kCancelled);
}

TEST(SimulatedPlatformTest, WakeupMakesTheNextPollReturnAtOnce) {
  auto p = Make();
  p->StartNetwork(1, {Millis(50)});
  p->Wakeup();
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(platform::kWaitForever, &out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(p->Now(), 0);
}

TEST(SimulatedPlatformTest, AnIdleHourCostsNothing) {
  auto p = Make();
  for (int i = 1; i <= 3600; ++i) p->StartNetwork(i, {Millis(1000) * i});
  std::vector<Completion> out;
  while (out.size() < 3600) ASSERT_TRUE(p->Poll(platform::kWaitForever, &out).ok());
  EXPECT_EQ(p->Now(), Millis(3'600'000));
}

TEST(SimulatedPlatformTest, EndlessNonBlockingPollsAreStopped) {
  auto p = Make({.max_polls_per_instant = 100});
  p->StartNetwork(1, {Millis(10)});
  std::vector<Completion> out;
  absl::Status s;
  int polls = 0;
  while (s.ok() && polls < 1000) {
    s = p->Poll(0, &out);
    ++polls;
  }
  EXPECT_EQ(polls, 101) << "100 allowed, the 101st fails";
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(),
            "the loop polled 101 times in a row at virtual time 0 ns without blocking and "
            "without receiving anything, so virtual time never advanced (an active idle "
            "handle, or a very long setImmediate chain?). Give the loop work that takes "
            "time, raise SimConfig::max_polls_per_instant, or set SimConfig::idle_poll_cost");
  // The count starts afresh after the error: a fixed loop may run again.
  EXPECT_TRUE(p->Poll(0, &out).ok());
}

TEST(SimulatedPlatformTest, AMaxOfOneAllowsOneEmptyPoll) {
  auto p = Make({.max_polls_per_instant = 1});
  std::vector<Completion> out;
  EXPECT_TRUE(p->Poll(0, &out).ok());
  EXPECT_FALSE(p->Poll(0, &out).ok());
}

TEST(SimulatedPlatformTest, IdlePollCostLetsABusyLoopReachItsTimers) {
  auto p = Make({.idle_poll_cost = 1000});
  p->StartNetwork(1, {Millis(10)});
  std::vector<Completion> out;
  int polls = 0;
  while (out.empty()) {
    ASSERT_TRUE(p->Poll(0, &out).ok());
    ++polls;
  }
  EXPECT_EQ(polls, 10'000);
  EXPECT_EQ(out[0].time, Millis(10));
}

// Virtual time ends at fakeclock::kMaxVirtualTime (10^18 ns). Whatever would
// happen later is an OUT_OF_RANGE error naming the limit, from then on.
constexpr char kLimit[] = "would pass the virtual time limit of 10^18 ns (about 31.7 years)";

TEST(SimulatedPlatformTest, PollWaitingPastTheTimeLimitFails) {
  auto p = Make();
  std::vector<Completion> out;
  const Nanos step = fakeclock::kMaxVirtualTime / 3;
  ASSERT_TRUE(p->Poll(step, &out).ok());
  ASSERT_TRUE(p->Poll(step, &out).ok());
  ASSERT_TRUE(p->Poll(step, &out).ok());
  EXPECT_EQ(p->Now(), 3 * step);
  const absl::Status s = p->Poll(step, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(s.message(), absl::StrCat("a poll that waits ", step, " ns ", kLimit));
  EXPECT_EQ(p->Now(), 3 * step);
  EXPECT_EQ(p->Poll(0, &out), s);  // from then on
  EXPECT_EQ(p->ConsumeCpu(1), s);
}

TEST(SimulatedPlatformTest, AnEventBeforeTheLimitStillEndsALongPoll) {
  auto p = Make();
  ASSERT_TRUE(p->ConsumeCpu(fakeclock::kMaxVirtualTime - Millis(10)).ok());
  p->StartNetwork(1, {Millis(5)});
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(Millis(20), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].time, fakeclock::kMaxVirtualTime - Millis(5));
}

TEST(SimulatedPlatformTest, LoopCpuPastTheTimeLimitFails) {
  auto p = Make();
  ASSERT_TRUE(p->ConsumeCpu(fakeclock::kMaxVirtualTime - 5).ok());
  const absl::Status s = p->ConsumeCpu(6);
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(s.message(), absl::StrCat("the loop thread's CPU work of 6 ns ", kLimit));
  EXPECT_EQ(p->Now(), fakeclock::kMaxVirtualTime - 5);
  EXPECT_TRUE(p->ConsumeCpu(5).ok());  // up to the limit is fine
}

TEST(SimulatedPlatformTest, PoolWorkPastTheTimeLimitIsReportedByPoll) {
  // Without the check this read "the loop would wait forever".
  auto p = Make();
  ASSERT_TRUE(p->ConsumeCpu(fakeclock::kMaxVirtualTime - Millis(1)).ok());
  p->SubmitWork(7, {{{Segment::Kind::kWait, Millis(2)}}, nullptr});
  std::vector<Completion> out;
  const absl::Status s = p->Poll(platform::kWaitForever, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(s.message(),
            absl::StrCat("pool work 7 on pool thread 0: an event 2000000 ns from now ", kLimit));
}

TEST(SimulatedPlatformTest, NetworkReplyPastTheTimeLimitIsReportedByPoll) {
  auto p = Make({.net_jitter = 1});
  p->StartNetwork(3, {INT64_MAX});  // jitter saturates instead of wrapping
  std::vector<Completion> out;
  const absl::Status s = p->Poll(0, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(s.message(),
            absl::StrCat("network request 3 with a latency of ", INT64_MAX, " ns ", kLimit));
}

}  // namespace
}  // namespace platform_sim
