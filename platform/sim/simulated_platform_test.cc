#include "platform/sim/simulated_platform.h"

#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace platform_sim {
namespace {

using base::Duration;
using base::Instant;

Duration Ms(int64_t ms) { return Duration::Millis(ms); }
Duration Ns(int64_t ns) { return Duration::Nanos(ns); }
Instant AtMs(int64_t ms) { return Instant::Epoch() + Duration::Millis(ms); }
constexpr Instant kLimitAt = fakeclock::kMaxVirtualTime;
const Duration kLimitSpan = fakeclock::kMaxVirtualTime - Instant::Epoch();
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
  EXPECT_EQ(SimulatedPlatform::Create({.net_jitter = Ns(-1)}).status().message(),
            "net_jitter must be >= 0, got -1 ns");
  EXPECT_EQ(SimulatedPlatform::Create({.idle_poll_cost = Ns(-1)}).status().message(),
            "idle_poll_cost must be >= 0, got -1 ns");
  EXPECT_EQ(SimulatedPlatform::Create({.max_polls_per_instant = 0}).status().message(),
            "max_polls_per_instant must be >= 1, got 0");
}

TEST(SimulatedPlatformTest, PollJumpsToTheNextCompletion) {
  auto p = Make();
  p->StartNetwork(1, {Ms(50)});
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(platform::kWaitForever, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].token, 1u);
  EXPECT_EQ(out[0].time, AtMs(50));
  EXPECT_EQ(p->Now(), AtMs(50));
}

TEST(SimulatedPlatformTest, PollTimesOutAtItsDeadline) {
  auto p = Make();
  p->StartNetwork(1, {Ms(50)});
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(Ms(20), &out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(p->Now(), AtMs(20));
  ASSERT_TRUE(p->Poll(Duration::Zero(), &out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(p->Now(), AtMs(20));
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
  p->StartNetwork(3, {Ms(10)});
  p->SubmitWork(4, {.segments = {{Segment::Kind::kWait, Ms(10)}}});
  p->StartNetwork(5, {Ms(5)});
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(Ms(100), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].token, 5u);
  out.clear();
  ASSERT_TRUE(p->Poll(Ms(100), &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].token, 3u);
  EXPECT_EQ(out[1].token, 4u);
}

// In the simulator a pool body runs on the loop's thread, from an event
// that ConsumeCpu runs, so ConsumeCpu may nest. Two cores: the outer call's
// 10 ms and a 1 ms pool hash run side by side; at 1 ms the body computes
// 5 ms more (nested), beside the outer job, and returns at 6 ms; the outer
// call still ends at 10 ms, not when the nested one did.
TEST(SimulatedPlatformTest, NestedLoopCpuEachWaitsForItsOwnWork) {
  auto p = Make({.cores = 2});
  Instant nested_end;
  p->SubmitWork(1, {.body = [&] { nested_end = p->ConsumeCpu(Ms(5)).value(); },
                    .segments = {{Segment::Kind::kCpu, Ms(1)}}});
  EXPECT_EQ(p->ConsumeCpu(Ms(10)).value(), AtMs(10));
  EXPECT_EQ(nested_end, AtMs(6));
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(Duration::Zero(), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].time, AtMs(6));
}

TEST(SimulatedPlatformTest, LoopCpuSharesCoresAndCompletionsWaitForPoll) {
  // One core: the loop computes 10 ms while a 10 ms pool hash runs. They
  // share the core, so both take 20 ms.
  auto p = Make({.cores = 1});
  p->SubmitWork(1, {.segments = {{Segment::Kind::kCpu, Ms(10)}}});
  EXPECT_EQ(p->ConsumeCpu(Ms(10)).value(), AtMs(20));
  EXPECT_EQ(p->Now(), AtMs(20));
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(Duration::Zero(), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].time, AtMs(20));
}

TEST(SimulatedPlatformTest, CancelledWorkCompletesWithCancelled) {
  auto p = Make({.pool_size = 1});
  p->SubmitWork(1, {.segments = {{Segment::Kind::kWait, Ms(10)}}});
  p->SubmitWork(2, {.segments = {{Segment::Kind::kWait, Ms(10)}}});
  ASSERT_TRUE(p->Cancel(2).ok());
  EXPECT_EQ(p->Cancel(1).code(), absl::StatusCode::kFailedPrecondition);
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(Duration::Zero(), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].token, 2u);
  EXPECT_EQ(out[0].status.code(), absl::StatusCode::kCancelled);
}

TEST(SimulatedPlatformTest, TheWakerMakesTheNextPollReturnAtOnce) {
  auto p = Make();
  p->StartNetwork(1, {Ms(50)});
  p->waker()->Wake();
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(platform::kWaitForever, &out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(p->Now(), Instant::Epoch());
}

TEST(SimulatedPlatformTest, ANetworkRoundTripCanBeCancelled) {
  auto p = Make();
  p->StartNetwork(1, {Ms(50)});
  p->StartNetwork(2, {Ms(60)});
  ASSERT_TRUE(p->Cancel(1).ok());
  EXPECT_EQ(p->Cancel(1).code(), absl::StatusCode::kFailedPrecondition);
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(platform::kWaitForever, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].token, 1u);
  EXPECT_EQ(out[0].status, absl::CancelledError("network round trip cancelled"));
  EXPECT_EQ(out[0].time, Instant::Epoch());
  out.clear();
  ASSERT_TRUE(p->Poll(platform::kWaitForever, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].token, 2u);
  EXPECT_EQ(out[0].time, AtMs(60));
}

TEST(SimulatedPlatformTest, AnIdleHourCostsNothing) {
  auto p = Make();
  for (int i = 1; i <= 3600; ++i) p->StartNetwork(i, {Ms(1000) * i});
  std::vector<Completion> out;
  while (out.size() < 3600) ASSERT_TRUE(p->Poll(platform::kWaitForever, &out).ok());
  EXPECT_EQ(p->Now(), AtMs(3'600'000));
}

TEST(SimulatedPlatformTest, EndlessNonBlockingPollsAreStopped) {
  auto p = Make({.max_polls_per_instant = 100});
  p->StartNetwork(1, {Ms(10)});
  std::vector<Completion> out;
  absl::Status s;
  int polls = 0;
  while (s.ok() && polls < 1000) {
    s = p->Poll(Duration::Zero(), &out);
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
  EXPECT_TRUE(p->Poll(Duration::Zero(), &out).ok());
}

TEST(SimulatedPlatformTest, AMaxOfOneAllowsOneEmptyPoll) {
  auto p = Make({.max_polls_per_instant = 1});
  std::vector<Completion> out;
  EXPECT_TRUE(p->Poll(Duration::Zero(), &out).ok());
  EXPECT_FALSE(p->Poll(Duration::Zero(), &out).ok());
}

TEST(SimulatedPlatformTest, IdlePollCostLetsABusyLoopReachItsTimers) {
  auto p = Make({.idle_poll_cost = Ns(1000)});
  p->StartNetwork(1, {Ms(10)});
  std::vector<Completion> out;
  int polls = 0;
  while (out.empty()) {
    ASSERT_TRUE(p->Poll(Duration::Zero(), &out).ok());
    ++polls;
  }
  EXPECT_EQ(polls, 10'000);
  EXPECT_EQ(out[0].time, AtMs(10));
}

// Virtual time ends at fakeclock::kMaxVirtualTime (10^18 ns). Whatever would
// happen later is an OUT_OF_RANGE error naming the limit, from then on.
constexpr char kLimit[] = "would pass the virtual time limit of 10^18 ns (about 31.7 years)";

TEST(SimulatedPlatformTest, PollWaitingPastTheTimeLimitFails) {
  auto p = Make();
  std::vector<Completion> out;
  const Duration step = Ns(kLimitSpan.nanos() / 3);
  ASSERT_TRUE(p->Poll(step, &out).ok());
  ASSERT_TRUE(p->Poll(step, &out).ok());
  ASSERT_TRUE(p->Poll(step, &out).ok());
  EXPECT_EQ(p->Now(), Instant::Epoch() + step * 3);
  const absl::Status s = p->Poll(step, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(s.message(), absl::StrCat("a poll that waits ", step.nanos(), " ns ", kLimit));
  EXPECT_EQ(p->Now(), Instant::Epoch() + step * 3);
  EXPECT_EQ(p->Poll(Duration::Zero(), &out), s);  // from then on
  EXPECT_EQ(p->ConsumeCpu(Ns(1)).status(), s);
}

TEST(SimulatedPlatformTest, AnEventBeforeTheLimitStillEndsALongPoll) {
  auto p = Make();
  ASSERT_TRUE(p->ConsumeCpu(kLimitSpan - Ms(10)).ok());
  p->StartNetwork(1, {Ms(5)});
  std::vector<Completion> out;
  ASSERT_TRUE(p->Poll(Ms(20), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].time, kLimitAt - Ms(5));
}

TEST(SimulatedPlatformTest, LoopCpuPastTheTimeLimitFails) {
  auto p = Make();
  ASSERT_TRUE(p->ConsumeCpu(kLimitSpan - Ns(5)).ok());
  const absl::Status s = p->ConsumeCpu(Ns(6)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(s.message(), absl::StrCat("the loop thread's CPU work of 6 ns ", kLimit));
  EXPECT_EQ(p->Now(), kLimitAt - Ns(5));
  EXPECT_EQ(p->ConsumeCpu(Ns(5)).value(), kLimitAt);  // up to the limit is fine
}

TEST(SimulatedPlatformTest, PoolWorkPastTheTimeLimitIsReportedByPoll) {
  // Without the check this read "the loop would wait forever".
  auto p = Make();
  ASSERT_TRUE(p->ConsumeCpu(kLimitSpan - Ms(1)).ok());
  p->SubmitWork(7, {.segments = {{Segment::Kind::kWait, Ms(2)}}});
  std::vector<Completion> out;
  const absl::Status s = p->Poll(platform::kWaitForever, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(s.message(),
            absl::StrCat("pool work 7 on pool thread 0: an event 2000000 ns from now ", kLimit));
}

TEST(SimulatedPlatformTest, NetworkReplyPastTheTimeLimitIsReportedByPoll) {
  auto p = Make({.net_jitter = Ns(1)});
  p->StartNetwork(3, {Duration::Max()});  // jitter saturates instead of wrapping
  std::vector<Completion> out;
  const absl::Status s = p->Poll(Duration::Zero(), &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(s.message(),
            absl::StrCat("network request 3 with a latency of ", INT64_MAX, " ns ", kLimit));
}

}  // namespace
}  // namespace platform_sim

namespace platform_sim {
namespace {

using platform::PoolIo;

std::vector<Completion> PollAll(SimulatedPlatform& p) {
  std::vector<Completion> all;
  for (;;) {
    std::vector<Completion> out;
    if (!p.Poll(platform::kWaitForever, &out).ok()) return all;
    for (Completion& c : out) all.push_back(std::move(c));
  }
}

std::string Show(const Completion& c) {
  return absl::StrCat(c.token, " at ", c.time.nanos() / 1000, " us: ",
                      c.status.ok() ? absl::StrCat("value ", c.result.value, " '", c.result.data, "'")
                                    : c.status.ToString());
}

TEST(SimulatedPlatformIoTest, FileCallsCostTheDisksLatencyOnAPoolThread) {
  // 100 us per operation plus 100 bytes per us: writeFile of 1000 bytes is
  // open + write + close = 100 + (100 + 10) + 100 us.
  auto p = Make({.disk = {.per_op = Duration::Micros(100), .bytes_per_ms = 100'000}});
  p->SubmitIo(1, {.op = PoolIo::Op::kWriteFile, .path = "f", .data = std::string(1000, 'a')});
  std::vector<Completion> first = PollAll(*p);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(Show(first[0]), "1 at 310 us: value 1000 ''");
  p->SubmitIo(2, {.op = PoolIo::Op::kOpen, .path = "f"});
  p->SubmitIo(3, {.op = PoolIo::Op::kStat, .path = "f"});
  p->SubmitIo(4, {.op = PoolIo::Op::kReadFile, .path = "f"});
  std::vector<Completion> next = PollAll(*p);
  ASSERT_EQ(next.size(), 3u);
  EXPECT_EQ(Show(next[0]), "2 at 410 us: value 3 ''");
  EXPECT_EQ(Show(next[1]), "3 at 410 us: value 1000 ''");
  EXPECT_EQ(next[2].time, Instant::Epoch() + Duration::Micros(310 + 310));
  EXPECT_EQ(next[2].result.data, std::string(1000, 'a'));
  EXPECT_EQ(next[2].queue_wait, Duration::Zero());
}

TEST(SimulatedPlatformIoTest, LookupsAreSlowIoUnderHalfThePool) {
  auto p = Make({.pool_size = 4, .hosts = {{"localhost", "127.0.0.1"}, {"db", "::1"}},
                 .dns_latency = Ms(5)});
  for (uint64_t t = 1; t <= 4; ++t) p->SubmitIo(t, {.op = PoolIo::Op::kLookup, .path = "localhost"});
  p->SubmitIo(5, {.op = PoolIo::Op::kLookup, .path = "db"});
  p->SubmitIo(6, {.op = PoolIo::Op::kLookup, .path = "nosuch.invalid"});
  std::vector<std::string> shown;
  for (const Completion& c : PollAll(*p)) shown.push_back(Show(c));
  EXPECT_EQ(shown, (std::vector<std::string>{
                       "1 at 5000 us: value 4 '127.0.0.1'", "2 at 5000 us: value 4 '127.0.0.1'",
                       "3 at 10000 us: value 4 '127.0.0.1'", "4 at 10000 us: value 4 '127.0.0.1'",
                       "5 at 15000 us: value 6 '::1'",
                       "6 at 15000 us: NOT_FOUND: getaddrinfo ENOTFOUND nosuch.invalid"}));
}

TEST(SimulatedPlatformIoTest, CancelledBeforeItStartsTheCallNeverHappens) {
  auto p = Make({.pool_size = 1});
  p->SubmitWork(1, {.segments = {{Segment::Kind::kWait, Ms(10)}}});
  p->SubmitIo(2, {.op = PoolIo::Op::kWriteFile, .path = "f", .data = "x"});
  ASSERT_TRUE(p->Cancel(2).ok());
  p->SubmitIo(3, {.op = PoolIo::Op::kStat, .path = "f"});
  std::vector<std::string> shown;
  for (const Completion& c : PollAll(*p)) shown.push_back(Show(c));
  EXPECT_EQ(shown, (std::vector<std::string>{
                       "2 at 0 us: CANCELLED: work cancelled before it started",
                       "1 at 10000 us: value 0 ''",
                       "3 at 10100 us: NOT_FOUND: ENOENT: no such file or directory, stat 'f'"}));
  EXPECT_EQ(p->disk().used_bytes(), 0);
}

TEST(SimulatedPlatformIoTest, DiskFaultsComeFromTheSeedAndRepeat) {
  auto run = [](uint64_t seed) {
    auto p = Make({.seed = seed, .disk = {.eio_rate = 0.5}});
    for (uint64_t t = 1; t <= 16; ++t) {
      p->SubmitIo(t, {.op = PoolIo::Op::kWriteFile, .path = absl::StrCat("f", t), .data = "x"});
    }
    std::string faults;
    for (const Completion& c : PollAll(*p)) faults += platform::ErrnoName(c.status) == "EIO" ? 'E' : '.';
    return faults;
  };
  const std::string a = run(7);
  EXPECT_EQ(a, run(7)) << "one seed, one outcome";
  EXPECT_NE(a.find('E'), std::string::npos);
  EXPECT_NE(a.find('.'), std::string::npos);
  EXPECT_NE(a, run(8));
  auto p = Make();
  p->disk().FailNext("ENOSPC");
  p->SubmitIo(1, {.op = PoolIo::Op::kWriteFile, .path = "f", .data = "x"});
  EXPECT_EQ(Show(PollAll(*p).at(0)),
            "1 at 100 us: RESOURCE_EXHAUSTED: ENOSPC: no space left on device, open 'f'");
}

TEST(SimulatedPlatformIoTest, RejectsANegativeDnsLatencyOrABadDisk) {
  EXPECT_EQ(SimulatedPlatform::Create({.dns_latency = Ns(-1)}).status().message(),
            "dns_latency must be >= 0, got -1 ns");
  EXPECT_EQ(SimulatedPlatform::Create({.disk = {.eio_rate = 2}}).status().message(),
            "SimulatedDisk: eio_rate must be in [0, 1]");
}

}  // namespace
}  // namespace platform_sim
