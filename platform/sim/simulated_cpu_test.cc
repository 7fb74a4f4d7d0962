#include "platform/sim/simulated_cpu.h"

#include <vector>

#include <gtest/gtest.h>

namespace platform_sim {
namespace {

using base::Duration;

constexpr int64_t Ms(int64_t ms) { return ms * 1'000'000; }
constexpr int64_t kLimitNs = fakeclock::kMaxVirtualTime.nanos();

// Records which job finished when.
struct Fixture : SimulatedCpu::Client {
  struct Done {
    uint64_t tag;
    int64_t at_ns;
    bool operator==(const Done&) const = default;
  };
  void OnCpuDone(uint64_t tag) override { done.push_back({tag, clock.Now().nanos()}); }
  SimulatedCpu::OnFault on_fault() {
    return [this](absl::Status s) { faults.push_back(std::move(s)); };
  }
  std::vector<int64_t> times() const {
    std::vector<int64_t> t;
    for (const Done& d : done) t.push_back(d.at_ns);
    return t;
  }
  fakeclock::VirtualClock clock;
  fakeclock::EventQueue events{&clock};
  std::vector<Done> done;
  std::vector<absl::Status> faults;
};

TEST(SimulatedCpuTest, JobsWithinCoreCountRunAtFullSpeed) {
  Fixture f;
  SimulatedCpu cpu(&f.events, 2, f.on_fault());
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(cpu.Start(Duration::Millis(100), &f, i).ok());
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(f.done, (std::vector<Fixture::Done>{{0, Ms(100)}, {1, Ms(100)}}));
}

TEST(SimulatedCpuTest, FourJobsShareTwoCores) {
  Fixture f;
  SimulatedCpu cpu(&f.events, 2, f.on_fault());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(cpu.Start(Duration::Millis(100), &f, i).ok());
  EXPECT_EQ(cpu.runnable(), 4u);
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  // They tie, and complete in start order.
  EXPECT_EQ(f.done, (std::vector<Fixture::Done>{
                        {0, Ms(200)}, {1, Ms(200)}, {2, Ms(200)}, {3, Ms(200)}}));
  EXPECT_EQ(cpu.runnable(), 0u);
}

TEST(SimulatedCpuTest, ShareChangesWhenAJobLeaves) {
  // 3 jobs on 2 cores: 10 ms and 40 ms and 40 ms of work. Each runs at 2/3
  // until the short one is done at 15 ms (10 ms of work); the others then have
  // 30 ms left at full speed and finish at 45 ms.
  Fixture f;
  SimulatedCpu cpu(&f.events, 2, f.on_fault());
  ASSERT_TRUE(cpu.Start(Duration::Millis(40), &f, 0).ok());
  ASSERT_TRUE(cpu.Start(Duration::Millis(10), &f, 1).ok());
  ASSERT_TRUE(cpu.Start(Duration::Millis(40), &f, 2).ok());
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(f.done, (std::vector<Fixture::Done>{{1, Ms(15)}, {0, Ms(45)}, {2, Ms(45)}}));
}

// A client may start its next job from OnCpuDone (the pool's segments do),
// and clients are told apart: each hears only of its own jobs.
TEST(SimulatedCpuTest, AClientMayStartWorkWhenToldAndEachHearsOfItsOwn) {
  struct Chain : SimulatedCpu::Client {
    void OnCpuDone(uint64_t tag) override {
      done.push_back({tag, clock->Now().nanos()});
      if (tag < 3) {
        ASSERT_TRUE(cpu->Start(Duration::Millis(10), this, tag + 1).ok());
      }
    }
    SimulatedCpu* cpu = nullptr;
    fakeclock::VirtualClock* clock = nullptr;
    std::vector<Fixture::Done> done;
  };
  Fixture f;
  SimulatedCpu cpu(&f.events, 1, f.on_fault());
  Chain chain;
  chain.cpu = &cpu;
  chain.clock = &f.clock;
  ASSERT_TRUE(cpu.Start(Duration::Millis(10), &chain, 1).ok());
  ASSERT_TRUE(cpu.Start(Duration::Millis(15), &f, 7).ok());
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  // One core, shared: the chain's first job and f's end 20 ms and 30 ms in
  // (both at half speed until 20 ms); the chain's second job shares the
  // core with f's last 5 ms, then runs alone.
  EXPECT_EQ(chain.done, (std::vector<Fixture::Done>{{1, Ms(20)}, {2, Ms(35)}, {3, Ms(45)}}));
  EXPECT_EQ(f.done, (std::vector<Fixture::Done>{{7, Ms(30)}}));
}

TEST(SimulatedCpuTest, RoundsCompletionUpToWholeNanoseconds) {
  // 3 jobs of 1 ns on 2 cores need 1.5 ns: they finish at 2 ns, never early.
  Fixture f;
  SimulatedCpu cpu(&f.events, 2, f.on_fault());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(cpu.Start(Duration::Nanos(1), &f, i).ok());
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(f.times(), (std::vector<int64_t>{2, 2, 2}));
}

TEST(SimulatedCpuTest, ZeroWorkFinishesNow) {
  Fixture f;
  ASSERT_TRUE(f.clock.AdvanceTo(base::Instant::FromNanos(7)).ok());
  SimulatedCpu cpu(&f.events, 1, f.on_fault());
  ASSERT_TRUE(cpu.Start(Duration::Zero(), &f, 5).ok());
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(f.done, (std::vector<Fixture::Done>{{5, 7}}));
}

TEST(SimulatedCpuTest, WorkPastTheTimeLimitIsRefusedAndChangesNothing) {
  // Two jobs of just over half the limit on one core would both end past it.
  Fixture f;
  SimulatedCpu cpu(&f.events, 1, f.on_fault());
  const Duration half = Duration::Nanos(kLimitNs / 2 + 1);
  ASSERT_TRUE(cpu.Start(half, &f, 1).ok());
  const absl::Status s = cpu.Start(half, &f, 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(s.message(),
            "CPU work shared by 2 threads on 1 cores would pass the virtual time limit of 10^18 ns "
            "(about 31.7 years)");
  EXPECT_EQ(cpu.runnable(), 1u);
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(f.done, (std::vector<Fixture::Done>{{1, half.nanos()}}));
  EXPECT_TRUE(f.faults.empty());
}

TEST(SimulatedCpuTest, HugeWorkSharedByManyJobsDoesNotOverflow) {
  // The next finish is the least job's: 9 jobs of 10^17 ns on one core end
  // at 9 * 10^17. A job of INT64_MAX ns does not change that (least * n
  // stays in range, computed in 128 bits); one more 10^17 job would (11 *
  // 10^17 is past the limit) and is refused. When the others are done, the
  // huge job's own finish is past the limit: a fault, not a wrapped time.
  Fixture f;
  SimulatedCpu cpu(&f.events, 1, f.on_fault());
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(cpu.Start(Duration::Nanos(kLimitNs / 10), &f, i).ok()) << i;
  }
  ASSERT_TRUE(cpu.Start(Duration::Max(), &f, 100).ok());
  EXPECT_EQ(cpu.Start(Duration::Nanos(kLimitNs / 10), &f, 101).code(),
            absl::StatusCode::kOutOfRange);
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  // Ten jobs share the core, so the nine end at 10 * 10^17: the limit
  // itself, which is still in range.
  EXPECT_EQ(f.times(), std::vector<int64_t>(9, kLimitNs));
  EXPECT_EQ(f.clock.Now(), fakeclock::kMaxVirtualTime);
  ASSERT_EQ(f.faults.size(), 1u);
  EXPECT_EQ(f.faults[0].code(), absl::StatusCode::kOutOfRange);
}

// Starts more work from its OnCpuDone, as a pool thread starts its task's
// next segment.
struct StartsMore : SimulatedCpu::Client {
  void OnCpuDone(uint64_t tag) override {
    done.push_back(tag);
    if (tag == 1) next = cpu->Start(Duration::Max(), this, 2);
  }
  SimulatedCpu* cpu = nullptr;
  std::vector<uint64_t> done;
  absl::Status next;
};

TEST(SimulatedCpuTest, WorkStartedAfterAFaultIsRefusedAndNothingBreaks) {
  // A 1 ns job and a huge one share one core. When the small one is done
  // (at 2 ns), the huge one's finish is past the limit: a fault. Its client
  // then starts another huge job, which is refused: the CPU has no finish
  // it could schedule, before or after.
  Fixture f;
  SimulatedCpu cpu(&f.events, 1, f.on_fault());
  StartsMore client;
  client.cpu = &cpu;
  ASSERT_TRUE(cpu.Start(Duration::Nanos(1), &client, 1).ok());
  ASSERT_TRUE(cpu.Start(Duration::Max(), &f, 100).ok());
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(client.done, std::vector<uint64_t>{1});
  EXPECT_EQ(client.next.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(f.clock.Now().nanos(), 2);
  ASSERT_EQ(f.faults.size(), 1u);
  EXPECT_EQ(f.faults[0].code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(cpu.runnable(), 1u);
  EXPECT_TRUE(f.done.empty());
}

}  // namespace
}  // namespace platform_sim
