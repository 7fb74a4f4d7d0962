#include "platform/sim/simulated_cpu.h"

#include <vector>

#include <gtest/gtest.h>

namespace platform_sim {
namespace {

using fakeclock::Millis;

struct Fixture {
  fakeclock::VirtualClock clock;
  fakeclock::EventQueue events{&clock};
};

TEST(SimulatedCpuTest, JobsWithinCoreCountRunAtFullSpeed) {
  Fixture f;
  SimulatedCpu cpu(&f.events, 2);
  std::vector<Nanos> done;
  for (int i = 0; i < 2; ++i) cpu.Start(Millis(100), [&] { done.push_back(f.clock.Now()); });
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(done, (std::vector<Nanos>{Millis(100), Millis(100)}));
}

TEST(SimulatedCpuTest, FourJobsShareTwoCores) {
  Fixture f;
  SimulatedCpu cpu(&f.events, 2);
  std::vector<Nanos> done;
  for (int i = 0; i < 4; ++i) cpu.Start(Millis(100), [&] { done.push_back(f.clock.Now()); });
  EXPECT_EQ(cpu.runnable(), 4u);
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(done, std::vector<Nanos>(4, Millis(200)));
  EXPECT_EQ(cpu.runnable(), 0u);
}

TEST(SimulatedCpuTest, ShareChangesWhenAJobLeaves) {
  // 3 jobs on 2 cores: 10 ms and 40 ms and 40 ms of work. Each runs at 2/3
  // until the short one is done at 15 ms (10 ms of work); the others then have
  // 30 ms left at full speed and finish at 45 ms.
  Fixture f;
  SimulatedCpu cpu(&f.events, 2);
  std::vector<std::pair<int, Nanos>> done;
  cpu.Start(Millis(40), [&] { done.push_back({0, f.clock.Now()}); });
  cpu.Start(Millis(10), [&] { done.push_back({1, f.clock.Now()}); });
  cpu.Start(Millis(40), [&] { done.push_back({2, f.clock.Now()}); });
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(done, (std::vector<std::pair<int, Nanos>>{
                      {1, Millis(15)}, {0, Millis(45)}, {2, Millis(45)}}));
}

TEST(SimulatedCpuTest, RoundsCompletionUpToWholeNanoseconds) {
  // 3 jobs of 1 ns on 2 cores need 1.5 ns: they finish at 2 ns, never early.
  Fixture f;
  SimulatedCpu cpu(&f.events, 2);
  std::vector<Nanos> done;
  for (int i = 0; i < 3; ++i) cpu.Start(1, [&] { done.push_back(f.clock.Now()); });
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(done, (std::vector<Nanos>{2, 2, 2}));
}

TEST(SimulatedCpuTest, ZeroWorkFinishesNow) {
  Fixture f;
  ASSERT_TRUE(f.clock.AdvanceTo(7).ok());
  SimulatedCpu cpu(&f.events, 1);
  Nanos at = -1;
  cpu.Start(0, [&] { at = f.clock.Now(); });
  ASSERT_TRUE(f.events.RunUntilIdle().ok());
  EXPECT_EQ(at, 7);
}

}  // namespace
}  // namespace platform_sim
