#include "base/time_units.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <gtest/gtest.h>

namespace base {
namespace {

// A bare integer is not a length of time.
static_assert(!std::is_convertible_v<int, Duration>);
static_assert(!std::is_convertible_v<int64_t, Duration>);
static_assert(!std::is_convertible_v<double, Duration>);
static_assert(!std::is_convertible_v<int64_t, Instant>);
static_assert(!std::is_convertible_v<Duration, Instant>);
static_assert(!std::is_convertible_v<Instant, Duration>);
static_assert(!std::is_convertible_v<Duration, double>);

TEST(TimeUnitsTest, ConstructorsNameTheirUnit) {
  EXPECT_EQ(Duration::Millis(5).nanos(), 5'000'000);
  EXPECT_EQ(Duration::Micros(5).nanos(), 5'000);
  EXPECT_EQ(Duration::Seconds(2), Duration::Millis(2000));
  EXPECT_EQ(Duration::MillisRounded(1.5), Duration::Micros(1500));
  EXPECT_EQ(Duration::MillisRounded(0.0000004), Duration::Zero());
  EXPECT_EQ(Duration::MillisRounded(0.0000006), Duration::Nanos(1));
  EXPECT_EQ(Duration::MillisRounded(std::nan("")), Duration::Zero());
  EXPECT_EQ(Duration::MillisRounded(1e300), Duration::Max());
}

TEST(TimeUnitsTest, MillisecondsRoundDownAsUvNowDoes) {
  EXPECT_EQ(Duration::Nanos(1'999'999).millis_floor(), 1);
  EXPECT_EQ(Duration::Nanos(-1).millis_floor(), -1);
  EXPECT_EQ(Duration::Nanos(-1'000'000).millis_floor(), -1);
  EXPECT_EQ(Instant::FromNanos(2'500'000).millis_floor(), 2);
  EXPECT_EQ(Duration::Nanos(std::numeric_limits<int64_t>::min()).millis_floor(),
            std::numeric_limits<int64_t>::min() / 1'000'000 - 1);
}

TEST(TimeUnitsTest, ArithmeticSaturatesInsteadOfWrapping) {
  EXPECT_EQ(Instant::Max() + Duration::Nanos(1), Instant::Max());
  EXPECT_EQ(Instant::FromNanos(5) + Duration::Max(), Instant::Max());
  EXPECT_EQ(Duration::Max() + Duration::Max(), Duration::Max());
  EXPECT_EQ(Duration::Millis(std::numeric_limits<int64_t>::max()), Duration::Max());
  EXPECT_EQ(Duration::Millis(3) * 4, Duration::Millis(12));
  EXPECT_EQ(Duration::Max() * 2, Duration::Max());
  EXPECT_EQ(Instant::FromNanos(10) - Instant::FromNanos(4), Duration::Nanos(6));
  EXPECT_EQ(Instant::Epoch() - Instant::Max(), Duration::Nanos(-std::numeric_limits<int64_t>::max()));
  EXPECT_LT(Instant::FromNanos(1), Instant::FromNanos(2));
}

TEST(TimeUnitsTest, PrintsForMessages) {
  EXPECT_EQ(ToString(Duration::Millis(5)), "5 ms");
  EXPECT_EQ(ToString(Duration::Nanos(250)), "250 ns");
  EXPECT_EQ(ToString(Duration::Micros(1500)), "1.5 ms");
  EXPECT_EQ(ToString(Instant::FromNanos(1'500'000)), "t=1.500 ms");
}

}  // namespace
}  // namespace base
