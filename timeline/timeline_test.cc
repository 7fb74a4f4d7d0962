#include "timeline/timeline.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "timeline/signup_timeline_testutil.h"

namespace timeline {
namespace {

using platform::TraceEvent;
using platform::TraceEventKind;
using ::testing::ElementsAre;

constexpr int64_t kMs = 1'000'000;

TEST(TimelineTest, SixSignupsGiveFourLanesAndTwoWaits) {
  const Timeline t = SignupTimeline(6);
  EXPECT_THAT(t.lanes, ElementsAre("loop", "pool-0", "pool-1", "pool-2", "pool-3"));
  ASSERT_EQ(t.tasks.size(), 6u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(t.tasks[i].enqueue_ns, 0);
    EXPECT_EQ(t.tasks[i].start_ns, 0);
    EXPECT_EQ(t.tasks[i].finish_ns, 200 * kMs);
    EXPECT_EQ(t.tasks[i].lane, i + 1);
    EXPECT_EQ(t.tasks[i].label, "signup " + std::to_string(i + 1));
  }
  for (int i = 4; i < 6; ++i) {
    EXPECT_EQ(t.tasks[i].enqueue_ns, 0);
    EXPECT_EQ(t.tasks[i].start_ns, 200 * kMs);
    EXPECT_EQ(t.tasks[i].queue_wait_ns(), 200 * kMs);
    EXPECT_EQ(t.tasks[i].finish_ns, 300 * kMs);
    EXPECT_EQ(t.tasks[i].lane, i - 3);  // the first two threads to free up
    EXPECT_EQ(t.tasks[i].label, "signup " + std::to_string(i + 1));
  }
  EXPECT_EQ(t.end_ns, 300 * kMs);
  EXPECT_EQ(t.dropped, 0);
  // The loop: the main script, then a wait, four callbacks at 200 ms, a
  // wait, two callbacks at 300 ms.
  std::vector<std::string> loop;
  for (const LoopSlice& s : t.loop_slices) {
    loop.push_back(s.name + "@" + std::to_string(s.start_ns / kMs) + "-" +
                   std::to_string(s.end_ns / kMs));
  }
  EXPECT_THAT(loop, ElementsAre("main@0-0", "poll@0-200", "work@200-200", "work@200-200",
                                "work@200-200", "work@200-200", "poll@200-300", "work@300-300",
                                "work@300-300"));
  EXPECT_EQ(t.instants.size(), 6u);
  EXPECT_EQ(t.instants[5].name, "signup 6");
  EXPECT_EQ(t.instants[5].t_ns, 300 * kMs);
}

TEST(TimelineTest, NestingCpuAndLanesInNumberOrder) {
  TimelineBuilder b;
  auto ev = [&](int64_t t, const char* th, TraceEventKind k, const char* kind = "",
                int64_t id = -1, const char* detail = "") {
    b.Record(TraceEvent{.t_ns = t, .thread = th, .event = k, .phase = "timers", .kind = kind,
                        .id = id, .detail = detail});
  };
  ev(0, "loop", TraceEventKind::kPoolEnqueue, "", 7);
  ev(1, "pool-10", TraceEventKind::kPoolStart, "", 7);
  ev(2, "loop", TraceEventKind::kCallbackBegin, "timeout", 1);
  ev(3, "loop", TraceEventKind::kCpuBegin);
  ev(5, "loop", TraceEventKind::kCpuEnd);
  ev(5, "loop", TraceEventKind::kCallbackBegin, "nextTick");
  ev(6, "loop", TraceEventKind::kCallbackEnd, "nextTick");
  ev(7, "loop", TraceEventKind::kCallbackEnd, "timeout", 1);
  ev(8, "pool-2", TraceEventKind::kPoolEnqueue, "", 9);  // any thread may queue
  ev(9, "loop", TraceEventKind::kPoolCancel, "", 9);
  ev(9, "net", TraceEventKind::kIoComplete, "", 4);
  ev(10, "loop", TraceEventKind::kCallbackBegin, "work", 7);  // unfinished: cut at the end
  const Timeline t = b.Finish();
  EXPECT_THAT(t.lanes, ElementsAre("loop", "pool-2", "pool-10", "net"));
  ASSERT_EQ(t.loop_slices.size(), 4u);
  EXPECT_EQ(t.loop_slices[0].name, "timeout");
  EXPECT_EQ(t.loop_slices[0].depth, 0);
  EXPECT_EQ(t.loop_slices[1].name, "cpu");
  EXPECT_EQ(t.loop_slices[1].depth, 1);
  EXPECT_EQ(t.loop_slices[1].end_ns, 5);
  EXPECT_EQ(t.loop_slices[2].name, "nextTick");
  EXPECT_EQ(t.loop_slices[2].depth, 1);
  EXPECT_EQ(t.loop_slices[3].name, "work");
  EXPECT_EQ(t.loop_slices[3].end_ns, 10);
  ASSERT_EQ(t.tasks.size(), 2u);
  EXPECT_EQ(t.tasks[0].lane, 2);  // pool-10, after renumbering
  EXPECT_EQ(t.tasks[0].finish_ns, -1);
  EXPECT_TRUE(t.tasks[1].cancelled);
  EXPECT_EQ(t.tasks[1].start_ns, -1);
  ASSERT_EQ(t.instants.size(), 1u);
  EXPECT_EQ(t.instants[0].lane, 3);
  EXPECT_EQ(t.instants[0].name, "net 4");
}

TEST(TimelineTest, EveryPoolThreadHasALaneWhenThePoolSizeIsKnown) {
  TimelineBuilder b(/*pool_size=*/3);
  b.Record({.t_ns = 0, .thread = "loop", .event = TraceEventKind::kPoolEnqueue, .id = 1});
  b.Record({.t_ns = 0, .thread = "loop", .event = TraceEventKind::kPoolEnqueue, .id = 2});
  b.Record({.t_ns = 1, .thread = "pool-2", .event = TraceEventKind::kPoolStart, .id = 1});
  b.Record({.t_ns = 2, .thread = "loop", .event = TraceEventKind::kPoolCancel, .id = 2});
  b.Record({.t_ns = 3, .thread = "loop", .event = TraceEventKind::kCpuBegin});
  const Timeline t = b.Finish();
  EXPECT_THAT(t.lanes, ElementsAre("loop", "pool-0", "pool-1", "pool-2"));
  EXPECT_EQ(t.tasks[0].lane, 3);
  EXPECT_EQ(t.tasks[1].cancel_ns, 2);
  EXPECT_EQ(t.tasks[1].wait_end_ns(), 2);
  // A run stopped while the loop computed: the cpu slice ends at the end.
  ASSERT_EQ(t.loop_slices.size(), 1u);
  EXPECT_EQ(t.loop_slices[0].name, "cpu");
  EXPECT_EQ(t.loop_slices[0].start_ns, 3);
  EXPECT_EQ(t.loop_slices[0].end_ns, 3);
}

TEST(TimelineTest, UnmatchedEventsAreIgnored) {
  TimelineBuilder b;
  b.Record({.t_ns = 1, .thread = "loop", .event = TraceEventKind::kCallbackEnd});
  b.Record({.t_ns = 2, .thread = "pool-0", .event = TraceEventKind::kPoolFinish, .id = 3});
  b.Record({.t_ns = 3, .thread = "loop", .event = TraceEventKind::kCpuEnd});
  const Timeline t = b.Finish();
  EXPECT_TRUE(t.loop_slices.empty());
  EXPECT_TRUE(t.tasks.empty());
  EXPECT_EQ(t.end_ns, 3);
}

TEST(TimelineTest, NiceTickSteps) {
  EXPECT_DOUBLE_EQ(NiceTickStep(1), 1);
  EXPECT_DOUBLE_EQ(NiceTickStep(1.5), 2);
  EXPECT_DOUBLE_EQ(NiceTickStep(3), 5);
  EXPECT_DOUBLE_EQ(NiceTickStep(7), 10);
  EXPECT_DOUBLE_EQ(NiceTickStep(37.5), 50);
  EXPECT_DOUBLE_EQ(NiceTickStep(0.012), 0.02);
  EXPECT_EQ((PoolTask{.id = 4}.name()), "work 4");
  EXPECT_EQ((PoolTask{.id = 4, .label = "x"}.name()), "x");
}

TEST(TimelineTest, PackRowsReusesTheRowFreeLongestAndCountsTheRest) {
  // Given out of order: packed in start order, reported in the order given.
  const RowPacking p = PackRows({{5, 9}, {0, 4}, {0, 6}, {4, 8}, {1, 2}, {6, 7}}, 3);
  // [0,4) row 0, [0,6) row 1, [1,2) row 2; [4,8) takes row 2 (free since
  // 2, the longest), [5,9) row 0 (free since 4), [6,7) row 1 (free at 6).
  EXPECT_THAT(p.row, ElementsAre(0, 0, 1, 2, 2, 1));
  EXPECT_EQ(p.rows, 3);
  EXPECT_EQ(p.unplaced, 0);
  const RowPacking capped = PackRows({{0, 5}, {0, 5}, {0, 5}, {5, 6}}, 2);
  EXPECT_THAT(capped.row, ElementsAre(0, 1, -1, 0));
  EXPECT_EQ(capped.unplaced, 1);
}

TEST(TimelineTest, MemoryIsBounded) {
  TimelineBuilder b;
  for (int64_t i = 0; i < TimelineBuilder::kMaxItems + 10; ++i) {
    b.Record({.t_ns = i, .thread = "loop", .event = TraceEventKind::kLog, .detail = "x"});
  }
  const Timeline t = b.Finish();
  EXPECT_EQ(static_cast<int64_t>(t.instants.size()), TimelineBuilder::kMaxItems);
  EXPECT_EQ(t.dropped, 10);
}

}  // namespace
}  // namespace timeline
