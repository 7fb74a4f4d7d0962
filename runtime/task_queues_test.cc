#include "runtime/task_queues.h"

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace runtime {
namespace {

struct Fixture {
  TaskQueues q;
  std::vector<std::string> log;
  TaskQueues::DrainResult Drain(size_t limit = 0) {
    return q.Drain([](TaskQueues::Queue, TaskQueues::Task& t) { t(); return true; }, limit);
  }
};

TEST(TaskQueuesTest, TicksDrainBeforeMicrotasksAndTheRoundsRepeat) {
  // Checked on Node 20: t1 t2 m1 m2 t3.
  Fixture f;
  f.q.PushMicrotask([&] {
    f.log.push_back("m1");
    f.q.PushTick([&] { f.log.push_back("t3"); });
  });
  f.q.PushTick([&] {
    f.log.push_back("t1");
    f.q.PushMicrotask([&] { f.log.push_back("m2"); });
    f.q.PushTick([&] { f.log.push_back("t2"); });
  });
  EXPECT_EQ(f.Drain(), TaskQueues::DrainResult::kEmpty);
  EXPECT_EQ(f.log, (std::vector<std::string>{"t1", "t2", "m1", "m2", "t3"}));
  EXPECT_TRUE(f.q.empty());
}

TEST(TaskQueuesTest, StopsWhenRunSaysSoAndKeepsTheRest) {
  TaskQueues q;
  int ran = 0;
  for (int i = 0; i < 3; ++i) q.PushTick([&] { ++ran; });
  auto r = q.Drain([](TaskQueues::Queue, TaskQueues::Task& t) { t(); return false; }, 0);
  EXPECT_EQ(r, TaskQueues::DrainResult::kStopped);
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(q.size(), 2u);
}

TEST(TaskQueuesTest, LimitNamesTheQueueThatNeverEmpties) {
  Fixture f;
  std::function<void()> again = [&] { f.q.PushMicrotask(again); };
  f.q.PushMicrotask(again);
  EXPECT_EQ(f.Drain(100), TaskQueues::DrainResult::kLimit);
  EXPECT_EQ(f.q.limit_queue(), TaskQueues::Queue::kMicrotask);
  EXPECT_STREQ(QueueName(f.q.limit_queue()), "microtask");
  EXPECT_STREQ(QueueName(TaskQueues::Queue::kNextTick), "nextTick");
}

}  // namespace
}  // namespace runtime
