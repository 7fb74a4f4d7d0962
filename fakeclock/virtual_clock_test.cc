#include "fakeclock/virtual_clock.h"

#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fakeclock {
namespace {

using ::testing::HasSubstr;

TEST(VirtualClockTest, StartsAtZeroAndAdvances) {
  VirtualClock clock;
  EXPECT_EQ(clock.Now(), 0);
  ASSERT_TRUE(clock.AdvanceTo(Millis(5)).ok());
  EXPECT_EQ(clock.Now(), 5'000'000);
  ASSERT_TRUE(clock.AdvanceBy(7).ok());
  EXPECT_EQ(clock.Now(), 5'000'007);
  EXPECT_EQ(clock.SinceEpoch(), absl::Nanoseconds(5'000'007));
  ASSERT_TRUE(clock.AdvanceTo(clock.Now()).ok()) << "staying put is allowed";
}

TEST(VirtualClockTest, MovingBackwardsIsAnErrorAndChangesNothing) {
  VirtualClock clock;
  ASSERT_TRUE(clock.AdvanceTo(100).ok());
  absl::Status s = clock.AdvanceTo(99);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "virtual time cannot move backwards: now is 100 ns, asked for 99 ns");
  EXPECT_EQ(clock.Now(), 100);
  s = clock.AdvanceBy(-1);
  EXPECT_THAT(s.message(), HasSubstr("advance by -1 ns"));
  EXPECT_EQ(clock.Now(), 100);
}

TEST(VirtualClockTest, OverflowIsAnError) {
  VirtualClock clock;
  ASSERT_TRUE(clock.AdvanceTo(10).ok());
  EXPECT_EQ(clock.AdvanceBy(std::numeric_limits<Nanos>::max()).code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(clock.Now(), 10);
}

TEST(VirtualClockTest, ClocksAreIndependent) {
  VirtualClock a, b;
  ASSERT_TRUE(a.AdvanceTo(Millis(1)).ok());
  EXPECT_EQ(b.Now(), 0);
}

}  // namespace
}  // namespace fakeclock
