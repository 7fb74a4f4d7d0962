#include "platform/real/cpu_affinity.h"

#include <sched.h>

#include <thread>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace platform_real {
namespace {

int ThreadCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  EXPECT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  return CPU_COUNT(&set);
}

TEST(CpuAffinityTest, PinsAndAPinnedRunDoesNotShrinkTheNext) {
  std::thread([] {
    const int all = AvailableCpus();
    ASSERT_GE(all, 1);
    ASSERT_TRUE(PinToCpus(1).ok());
    EXPECT_EQ(ThreadCpus(), 1);
    EXPECT_EQ(AvailableCpus(), all);
    ASSERT_TRUE(PinToCpus(all).ok());  // after the 1-core run, all again
    EXPECT_EQ(ThreadCpus(), all);
  }).join();
}

TEST(CpuAffinityTest, MoreCoresThanTheMachineIsAnError) {
  const absl::Status s = PinToCpus(AvailableCpus() + 1);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), absl::StrCat("the scenario asks for ", AvailableCpus() + 1,
                                      " cores, but this machine lets the run use ",
                                      AvailableCpus()));
  EXPECT_EQ(PinToCpus(0).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace platform_real
