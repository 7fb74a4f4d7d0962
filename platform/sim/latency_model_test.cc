#include "platform/sim/latency_model.h"

#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

namespace platform_sim {
namespace {

using base::Duration;
Duration Ns(int64_t ns) { return Duration::Nanos(ns); }

TEST(LatencyModelTest, NoJitterGivesTheNominalLatency) {
  LatencyModel m(1, Ns(0));
  EXPECT_EQ(m.Draw(Ns(50)).nanos(), 50);
  EXPECT_EQ(m.Draw(Ns(0)).nanos(), 0);
}

TEST(LatencyModelTest, JitterStaysInRangeAndFollowsTheSeed) {
  LatencyModel a(42, Ns(10)), b(42, Ns(10)), c(43, Ns(10));
  std::vector<int64_t> xa, xb, xc;
  for (int i = 0; i < 200; ++i) {
    xa.push_back(a.Draw(Ns(100)).nanos());
    xb.push_back(b.Draw(Ns(100)).nanos());
    xc.push_back(c.Draw(Ns(100)).nanos());
    EXPECT_GE(xa.back(), 100);
    EXPECT_LE(xa.back(), 110);
  }
  EXPECT_EQ(xa, xb);
  EXPECT_NE(xa, xc);
  // Both ends of the range are reachable.
  EXPECT_NE(std::find(xa.begin(), xa.end(), 100), xa.end());
  EXPECT_NE(std::find(xa.begin(), xa.end(), 110), xa.end());
}

TEST(LatencyModelTest, AHugeLatencySaturatesInsteadOfWrapping) {
  LatencyModel m(1, Ns(1000));
  EXPECT_EQ(m.Draw(Duration::Max()), Duration::Max());
}

TEST(LatencyModelTest, DrawsAreStableAcrossMachines) {
  // mt19937_64's output is fixed by the standard, so these values are too.
  LatencyModel m(1, Ns(1000));
  std::vector<int64_t> got;
  for (int i = 0; i < 3; ++i) got.push_back(m.Draw(Ns(0)).nanos());
  std::mt19937_64 ref(1);
  std::vector<int64_t> want;
  for (int i = 0; i < 3; ++i) want.push_back(static_cast<int64_t>(ref() % 1001));
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace platform_sim
