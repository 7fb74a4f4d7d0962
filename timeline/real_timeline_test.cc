// A timeline built on the real platform, where pool threads write trace
// events while the loop thread does: what is deterministic there (every task
// queued, started once on a pool lane, finished after it started; labels from
// the callbacks), and under TSan, that the builder is safe to feed from
// several threads.
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/real/real_platform.h"
#include "runtime/loop.h"
#include "timeline/timeline.h"

namespace timeline {
namespace {

TEST(RealTimelineTest, EveryTaskOnAPoolLaneInOrder) {
  TimelineBuilder builder;
  auto real = platform_real::RealPlatform::Create({.pool_size = 4, .trace = &builder});
  ASSERT_TRUE(real.ok()) << real.status();
  {
    runtime::Loop loop(real->get());
    ASSERT_TRUE(loop.RunScript([&] {
                      for (int i = 1; i <= 12; ++i) {
                        platform::PoolWork work;
                        work.segments.push_back(
                            {platform::Segment::Kind::kCpu, base::Duration::Micros(300)});
                        ASSERT_TRUE(loop.QueueWork(std::move(work), [&loop, i](absl::Status s) {
                                          ASSERT_TRUE(s.ok());
                                          ASSERT_TRUE(loop.Log(absl::StrCat("task ", i)).ok());
                                        }).ok());
                      }
                    }).ok());
    ASSERT_TRUE(loop.Run().ok());
  }
  const Timeline t = builder.Finish();
  EXPECT_EQ(t.lanes[0], "loop");
  ASSERT_EQ(t.tasks.size(), 12u);
  std::set<std::string> labels;
  for (const PoolTask& task : t.tasks) {
    ASSERT_GE(task.lane, 1);
    EXPECT_THAT(t.lanes[task.lane], ::testing::MatchesRegex("pool-[0-3]"));
    EXPECT_LE(task.enqueue_ns, task.start_ns);
    EXPECT_LE(task.start_ns, task.finish_ns);
    EXPECT_FALSE(task.cancelled);
    labels.insert(task.label);
  }
  EXPECT_EQ(labels.size(), 12u);
  EXPECT_EQ(labels.count("task 1"), 1u);
  EXPECT_EQ(t.dropped, 0);
}

}  // namespace
}  // namespace timeline
