#include "fakeclock/virtual_clock.h"

#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fakeclock {
namespace {

using ::testing::HasSubstr;

Instant At(int64_t ns) { return Instant::FromNanos(ns); }

TEST(VirtualClockTest, StartsAtZeroAndAdvances) {
  VirtualClock clock;
  EXPECT_EQ(clock.Now(), Instant::Epoch());
  ASSERT_TRUE(clock.AdvanceTo(Instant::Epoch() + Duration::Millis(5)).ok());
  EXPECT_EQ(clock.Now().nanos(), 5'000'000);
  ASSERT_TRUE(clock.AdvanceBy(Duration::Nanos(7)).ok());
  EXPECT_EQ(clock.Now().nanos(), 5'000'007);
  ASSERT_TRUE(clock.AdvanceTo(clock.Now()).ok()) << "staying put is allowed";
}

TEST(VirtualClockTest, MovingBackwardsIsAnErrorAndChangesNothing) {
  VirtualClock clock;
  ASSERT_TRUE(clock.AdvanceTo(At(100)).ok());
  absl::Status s = clock.AdvanceTo(At(99));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "virtual time cannot move backwards: now is 100 ns, asked for 99 ns");
  EXPECT_EQ(clock.Now(), At(100));
  s = clock.AdvanceBy(Duration::Nanos(-1));
  EXPECT_THAT(s.message(), HasSubstr("advance by -1 ns"));
  EXPECT_EQ(clock.Now(), At(100));
}

TEST(VirtualClockTest, PassingTheTimeLimitIsAnErrorAndChangesNothing) {
  VirtualClock clock;
  ASSERT_TRUE(clock.AdvanceTo(At(10)).ok());
  const absl::Status s = clock.AdvanceBy(Duration::Max());
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(s.message(),
            "advancing the clock by 9223372036854775807 ns would pass the virtual time limit of "
            "10^18 ns (about 31.7 years)");
  EXPECT_EQ(clock.Now(), At(10));
  EXPECT_EQ(clock.AdvanceTo(kMaxVirtualTime + Duration::Nanos(1)).code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(clock.AdvanceTo(kMaxVirtualTime).ok());
}

TEST(VirtualClockTest, AddToTimeChecksTheLimit) {
  EXPECT_EQ(*AddToTime(At(5), Duration::Nanos(6), "x"), At(11));
  EXPECT_EQ(*AddToTime(kMaxVirtualTime - Duration::Nanos(1), Duration::Nanos(1), "x"),
            kMaxVirtualTime);
  EXPECT_EQ(AddToTime(kMaxVirtualTime, Duration::Nanos(1), "a wait").status().message(),
            "a wait would pass the virtual time limit of 10^18 ns (about 31.7 years)");
  EXPECT_EQ(AddToTime(At(5), Duration::Max(), "x").status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(AddToTime(At(5), Duration::Nanos(-1), "x").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(VirtualClockTest, ClocksAreIndependent) {
  VirtualClock a, b;
  ASSERT_TRUE(a.AdvanceTo(At(1'000'000)).ok());
  EXPECT_EQ(b.Now(), Instant::Epoch());
}

}  // namespace
}  // namespace fakeclock
