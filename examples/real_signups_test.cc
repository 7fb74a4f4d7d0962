// The real signups, asserting only what is deterministic on a machine:
// the derived keys, the count and order of finishes, the medians.
#include "examples/real_signups.h"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "timeline/timeline.h"

namespace examples {
namespace {

TEST(Pbkdf2HasherTest, DerivesNodesKey) {
  // node -e "crypto.pbkdf2Sync('password1', 'twinloop-demo-salt', 1000, 64,
  //          'sha512').toString('hex').slice(0, 8)"
  EXPECT_EQ(Pbkdf2Hasher::WithIterations(1000).Hash("password1"), "ddab7db1");
}

TEST(Pbkdf2HasherTest, CalibrationRejectsCostsOutOfRange) {
  absl::StatusOr<Pbkdf2Hasher> h = Pbkdf2Hasher::Calibrate(base::Duration::Micros(10));
  EXPECT_EQ(h.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(h.status().message(), "the hash cost must be in [1 ms, 10 s], got 0.01 ms");
}

TEST(Pbkdf2HasherTest, CalibrationFindsACountAndMeasuresItsCost) {
  absl::StatusOr<Pbkdf2Hasher> h = Pbkdf2Hasher::Calibrate(base::Duration::Millis(5));
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_GE(h->iterations(), 1);
  EXPECT_GT(h->cost(), base::Duration::Zero());
}

TEST(RealSignupsTest, EverySignupFinishesInOrderOfFinishing) {
  const Pbkdf2Hasher h = Pbkdf2Hasher::WithIterations(1000);
  absl::StatusOr<std::vector<double>> done = RunRealSignups(6, 4, h);
  ASSERT_TRUE(done.ok()) << done.status();
  ASSERT_EQ(done->size(), 6u);
  EXPECT_TRUE(std::is_sorted(done->begin(), done->end()));
  EXPECT_GE(done->front(), 0.0);
}

TEST(RealSignupsTest, ATracedRunDrawsEverySignupOnAPoolLane) {
  const Pbkdf2Hasher h = Pbkdf2Hasher::WithIterations(1000);
  timeline::TimelineBuilder picture(4);
  ASSERT_TRUE(RunRealSignups(6, 4, h, &picture).ok());
  const timeline::Timeline t = picture.Finish();
  ASSERT_EQ(t.tasks.size(), 6u);
  std::vector<std::string> labels;
  for (const timeline::PoolTask& task : t.tasks) {
    EXPECT_GE(task.lane, 1);
    EXPECT_GE(task.finish_ns, task.start_ns);
    labels.push_back(task.label);
  }
  std::sort(labels.begin(), labels.end());
  EXPECT_EQ(labels, (std::vector<std::string>{"signup 1", "signup 2", "signup 3", "signup 4",
                                              "signup 5", "signup 6"}));
}

TEST(RealSignupsTest, MedianByRank) {
  EXPECT_EQ(MedianByRank({{1, 10}, {3, 30}, {2, 20}}), (std::vector<double>{2, 20}));
  EXPECT_EQ(MedianByRank({{1, 10}, {3, 30}}), (std::vector<double>{2, 20}));
  EXPECT_TRUE(MedianByRank({}).empty());
}

}  // namespace
}  // namespace examples
