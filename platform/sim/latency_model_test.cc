#include "platform/sim/latency_model.h"

#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

namespace platform_sim {
namespace {

TEST(LatencyModelTest, NoJitterGivesTheNominalLatency) {
  LatencyModel m(1, 0);
  EXPECT_EQ(m.Draw(50), 50);
  EXPECT_EQ(m.Draw(0), 0);
}

TEST(LatencyModelTest, JitterStaysInRangeAndFollowsTheSeed) {
  LatencyModel a(42, 10), b(42, 10), c(43, 10);
  std::vector<fakeclock::Nanos> xa, xb, xc;
  for (int i = 0; i < 200; ++i) {
    xa.push_back(a.Draw(100));
    xb.push_back(b.Draw(100));
    xc.push_back(c.Draw(100));
    EXPECT_GE(xa.back(), 100);
    EXPECT_LE(xa.back(), 110);
  }
  EXPECT_EQ(xa, xb);
  EXPECT_NE(xa, xc);
  // Both ends of the range are reachable.
  EXPECT_NE(std::find(xa.begin(), xa.end(), 100), xa.end());
  EXPECT_NE(std::find(xa.begin(), xa.end(), 110), xa.end());
}

TEST(LatencyModelTest, DrawsAreStableAcrossMachines) {
  // mt19937_64's output is fixed by the standard, so these values are too.
  LatencyModel m(1, 1000);
  std::vector<fakeclock::Nanos> got;
  for (int i = 0; i < 3; ++i) got.push_back(m.Draw(0));
  std::mt19937_64 ref(1);
  std::vector<fakeclock::Nanos> want;
  for (int i = 0; i < 3; ++i) want.push_back(static_cast<fakeclock::Nanos>(ref() % 1001));
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace platform_sim
