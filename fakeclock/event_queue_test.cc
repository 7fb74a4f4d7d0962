#include "fakeclock/event_queue.h"

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "absl/status/status.h"

namespace fakeclock {
namespace {

Instant At(int64_t ns) { return Instant::FromNanos(ns); }
Duration Ns(int64_t ns) { return Duration::Nanos(ns); }

TEST(EventQueueTest, RunsInTimeThenInsertionOrder) {
  VirtualClock clock;
  EventQueue q(&clock);
  std::vector<std::string> log;
  auto rec = [&](std::string s) {
    return [&log, &clock, s] { log.push_back(s + "@" + std::to_string(clock.Now().nanos())); };
  };
  ASSERT_TRUE(q.ScheduleAt(At(30), rec("c")).ok());
  ASSERT_TRUE(q.ScheduleAt(At(10), rec("a")).ok());
  ASSERT_TRUE(q.ScheduleAt(At(30), rec("d")).ok());
  ASSERT_TRUE(q.ScheduleAt(At(20), rec("b")).ok());
  auto n = q.RunUntilIdle();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 4u);
  EXPECT_EQ(log, (std::vector<std::string>{"a@10", "b@20", "c@30", "d@30"}));
  EXPECT_EQ(clock.Now().nanos(), 30);
}

TEST(EventQueueTest, RunUntilStopsAtTheLimitAndAdvancesTheClock) {
  VirtualClock clock;
  EventQueue q(&clock);
  int ran = 0;
  ASSERT_TRUE(q.ScheduleAt(At(5), [&] { ++ran; }).ok());
  ASSERT_TRUE(q.ScheduleAt(At(15), [&] { ++ran; }).ok());
  auto n = q.RunUntil(At(10));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(clock.Now().nanos(), 10);
  EXPECT_EQ(q.NextTime(), At(15));
  EXPECT_EQ(q.RunUntil(At(9)).status().message(),
            "RunUntil into the past: now is 10 ns, asked for 9 ns");
}

TEST(EventQueueTest, EventsScheduledDuringAnEventAtTheSameTimeRunAfterQueuedOnes) {
  VirtualClock clock;
  EventQueue q(&clock);
  std::vector<int> order;
  ASSERT_TRUE(q.ScheduleAt(At(1), [&] {
                 order.push_back(1);
                 ASSERT_TRUE(q.ScheduleAfter(Ns(0), [&] { order.push_back(3); }).ok());
               }).ok());
  ASSERT_TRUE(q.ScheduleAt(At(1), [&] { order.push_back(2); }).ok());
  ASSERT_TRUE(q.RunUntilIdle().ok());
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(EventQueueTest, CancelledEventsDoNotRun) {
  VirtualClock clock;
  EventQueue q(&clock);
  int ran = 0;
  EventId a = *q.ScheduleAt(At(5), [&] { ran += 1; });
  ASSERT_TRUE(q.ScheduleAt(At(6), [&] { ran += 10; }).ok());
  EXPECT_TRUE(q.Cancel(a));
  EXPECT_FALSE(q.Cancel(a));
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.NextTime(), At(6));
  ASSERT_TRUE(q.RunUntilIdle().ok());
  EXPECT_EQ(ran, 10);
}

TEST(EventQueueTest, AnIdThatRanStaysStaleWhenItsSlotIsReused) {
  VirtualClock clock;
  EventQueue q(&clock);
  int ran = 0;
  EventId first = *q.ScheduleAt(At(1), [&] { ran += 1; });
  ASSERT_TRUE(q.RunNext());
  // The new event takes the freed slot; the old id must not reach it.
  EventId second = *q.ScheduleAt(At(2), [&] { ran += 10; });
  EXPECT_EQ(first.slot, second.slot);
  EXPECT_FALSE(q.Cancel(first));
  EXPECT_TRUE(absl::IsNotFound(q.Reschedule(first, At(3))));
  EXPECT_EQ(q.size(), 1u);
  ASSERT_TRUE(q.RunUntilIdle().ok());
  EXPECT_EQ(ran, 11);
}

TEST(EventQueueTest, RescheduleMovesAnEventBehindThoseAlreadyAtItsNewTime) {
  VirtualClock clock;
  EventQueue q(&clock);
  std::vector<std::string> log;
  auto rec = [&](std::string s) {
    return [&log, &clock, s] { log.push_back(s + "@" + std::to_string(clock.Now().nanos())); };
  };
  EventId a = *q.ScheduleAt(At(5), rec("a"));
  ASSERT_TRUE(q.ScheduleAt(At(20), rec("b")).ok());
  EventId c = *q.ScheduleAt(At(30), rec("c"));
  ASSERT_TRUE(q.Reschedule(a, At(20)).ok());  // later, behind b
  ASSERT_TRUE(q.Reschedule(c, At(10)).ok());  // earlier
  EXPECT_EQ(q.NextTime(), At(10));
  EXPECT_EQ(q.Reschedule(a, At(40)).ok(), true);
  EXPECT_EQ(q.Reschedule(a, At(20)).ok(), true);  // back, now behind b again
  ASSERT_TRUE(q.RunUntilIdle().ok());
  EXPECT_EQ(log, (std::vector<std::string>{"c@10", "b@20", "a@20"}));
  EXPECT_TRUE(absl::IsNotFound(q.Reschedule(a, At(50))));
}

TEST(EventQueueTest, ARefusedRescheduleMovesNothing) {
  VirtualClock clock;
  ASSERT_TRUE(clock.AdvanceTo(At(50)).ok());
  EventQueue q(&clock);
  EventId a = *q.ScheduleAt(At(60), [] {});
  EXPECT_EQ(q.Reschedule(a, At(49)).message(),
            "cannot schedule an event in the past: now is 50 ns, asked for 49 ns");
  EXPECT_EQ(q.Reschedule(a, kMaxVirtualTime + Duration::Nanos(1)).code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(q.NextTime(), At(60));
  EXPECT_TRUE(q.Cancel(a));
  EXPECT_TRUE(q.empty());
}

TEST(EventQueueTest, ACancelledCallbackIsDestroyedAtOnce) {
  VirtualClock clock;
  EventQueue q(&clock);
  auto held = std::make_shared<int>(7);
  EventId a = *q.ScheduleAt(At(1), [held] {});
  EXPECT_EQ(held.use_count(), 2);
  EXPECT_TRUE(q.Cancel(a));
  EXPECT_EQ(held.use_count(), 1);
}

// Events at or after the latest queued take the FIFO lane, earlier ones the
// heap; ties across the lanes still go by schedule order, and a cancelled
// FIFO event in the middle is skipped.
TEST(EventQueueTest, TheFifoAndTheHeapInterleaveInTimeThenScheduleOrder) {
  VirtualClock clock;
  EventQueue q(&clock);
  std::vector<std::string> log;
  auto rec = [&](std::string s) { return [&log, s] { log.push_back(s); }; };
  ASSERT_TRUE(q.ScheduleAt(At(10), rec("f10")).ok());   // FIFO
  ASSERT_TRUE(q.ScheduleAt(At(20), rec("f20")).ok());   // FIFO
  ASSERT_TRUE(q.ScheduleAt(At(10), rec("h10")).ok());   // heap: before the FIFO's back
  EventId mid = *q.ScheduleAt(At(20), rec("f20b"));     // FIFO, cancelled below
  ASSERT_TRUE(q.ScheduleAt(At(30), rec("f30")).ok());   // FIFO
  ASSERT_TRUE(q.ScheduleAt(At(5), rec("h5")).ok());     // heap
  EventId moved = *q.ScheduleAt(At(30), rec("moved"));  // FIFO, moved to the heap
  EXPECT_TRUE(q.Cancel(mid));
  ASSERT_TRUE(q.Reschedule(moved, At(20)).ok());
  EXPECT_EQ(q.size(), 6u);
  ASSERT_TRUE(q.RunUntilIdle().ok());
  EXPECT_EQ(log, (std::vector<std::string>{"h5", "f10", "h10", "f20", "moved", "f30"}));
}

TEST(EventQueueTest, SchedulingInThePastIsAnError) {
  VirtualClock clock;
  ASSERT_TRUE(clock.AdvanceTo(At(50)).ok());
  EventQueue q(&clock);
  auto r = q.ScheduleAt(At(49), [] {});
  EXPECT_EQ(r.status().message(),
            "cannot schedule an event in the past: now is 50 ns, asked for 49 ns");
  EXPECT_EQ(q.ScheduleAfter(Ns(-1), [] {}).status().message(),
            "event delay must be >= 0, got -1 ns");
  EXPECT_TRUE(q.empty());
}

TEST(EventQueueTest, RunawayEventsAreStoppedWithTheVirtualTime) {
  VirtualClock clock;
  EventQueue q(&clock);
  std::function<void()> again = [&] { ASSERT_TRUE(q.ScheduleAfter(Ns(1), again).ok()); };
  ASSERT_TRUE(q.ScheduleAt(At(0), again).ok());
  auto r = q.RunUntilIdle(100);
  EXPECT_EQ(r.status().message(),
            "aborting after running 100 events at virtual time 99 ns: events "
            "keep scheduling more events");
}

TEST(EventQueueTest, RunNextOnEmptyQueueReturnsFalse) {
  VirtualClock clock;
  EventQueue q(&clock);
  EXPECT_FALSE(q.RunNext());
  EXPECT_FALSE(q.NextTime().has_value());
}

// Hears target events as "tag@time" in `log`.
class LoggingTarget : public EventQueue::Target {
 public:
  LoggingTarget(VirtualClock* clock, std::vector<std::string>* log) : clock_(clock), log_(log) {}
  void OnEvent(uint64_t tag) override {
    log_->push_back(std::to_string(tag) + "@" + std::to_string(clock_->Now().nanos()));
    if (then) then(tag);
  }
  std::function<void(uint64_t)> then;  // runs after the entry is logged

 private:
  VirtualClock* clock_;
  std::vector<std::string>* log_;
};

TEST(EventQueueTest, TargetEventsRunInTimeThenScheduleOrderWithCallbacks) {
  VirtualClock clock;
  EventQueue q(&clock);
  std::vector<std::string> log;
  LoggingTarget target(&clock, &log);
  ASSERT_TRUE(q.ScheduleAt(At(20), &target, 1).ok());
  ASSERT_TRUE(q.ScheduleAt(At(10), [&] { log.push_back("cb@10"); }).ok());
  ASSERT_TRUE(q.ScheduleAfter(Ns(20), &target, 2).ok());
  ASSERT_TRUE(q.ScheduleAt(At(20), [&] { log.push_back("cb@20"); }).ok());
  ASSERT_TRUE(q.ScheduleAt(At(5), &target, 3).ok());
  ASSERT_TRUE(q.RunUntilIdle().ok());
  EXPECT_EQ(log, (std::vector<std::string>{"3@5", "cb@10", "1@20", "2@20", "cb@20"}));
}

TEST(EventQueueTest, TargetEventsCancelRescheduleAndRefuseLikeCallbacks) {
  VirtualClock clock;
  EventQueue q(&clock);
  std::vector<std::string> log;
  LoggingTarget target(&clock, &log);
  absl::StatusOr<EventId> dropped = q.ScheduleAt(At(10), &target, 1);
  absl::StatusOr<EventId> moved = q.ScheduleAt(At(20), &target, 2);
  ASSERT_TRUE(q.ScheduleAt(At(30), &target, 3).ok());
  ASSERT_TRUE(dropped.ok() && moved.ok());
  EXPECT_TRUE(q.Cancel(*dropped));
  EXPECT_FALSE(q.Cancel(*dropped));
  ASSERT_TRUE(q.Reschedule(*moved, At(40)).ok());
  EXPECT_EQ(q.ScheduleAfter(Ns(-1), &target, 4).status().message(),
            "event delay must be >= 0, got -1 ns");
  EXPECT_EQ(q.ScheduleAt(kMaxVirtualTime + Ns(1), &target, 5).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(q.size(), 2u);
  ASSERT_TRUE(q.RunUntilIdle().ok());
  EXPECT_EQ(log, (std::vector<std::string>{"3@30", "2@40"}));
}

TEST(EventQueueTest, ATargetEventMayTakeItsOwnFreedSlot) {
  // The slot is free while the target runs: an event it schedules may land
  // in the same slot, and must not be confused with the one running.
  VirtualClock clock;
  EventQueue q(&clock);
  std::vector<std::string> log;
  LoggingTarget target(&clock, &log);
  target.then = [&](uint64_t tag) {
    if (tag < 3) {
      ASSERT_TRUE(q.ScheduleAfter(Ns(1), &target, tag + 1).ok());
    }
  };
  ASSERT_TRUE(q.ScheduleAt(At(1), &target, 1).ok());
  ASSERT_TRUE(q.RunUntilIdle().ok());
  EXPECT_EQ(log, (std::vector<std::string>{"1@1", "2@2", "3@3"}));
}

// Events always run in (time, insertion) order and the clock never decreases,
// including events that schedule further events and cancellations.
RC_GTEST_PROP(EventQueueProperty, RunsInTimeInsertionOrderAndClockNeverDecreases,
              ()) {
  VirtualClock clock;
  EventQueue q(&clock);
  struct Ran {
    int64_t time;
    uint64_t order;  // global insertion order (a move counts as an insertion)
    int64_t clock_at_run;
  };
  // Each top-level event's time and order, as moves change them.
  std::vector<int64_t> at;
  std::vector<uint64_t> orders;
  std::vector<Ran> ran;
  std::vector<EventId> ids;
  uint64_t inserted = 0;
  const auto times = *rc::gen::container<std::vector<int64_t>>(
      rc::gen::inRange<int64_t>(0, 50));
  const auto children = *rc::gen::container<std::vector<int64_t>>(
      times.size(), rc::gen::inRange<int64_t>(-1, 20));
  const auto cancels = *rc::gen::container<std::vector<bool>>(
      times.size(), rc::gen::weightedElement<bool>({{1, true}, {4, false}}));
  // -1: stays; otherwise moved there (after the cancels), as a new event.
  const auto moves = *rc::gen::container<std::vector<int64_t>>(
      times.size(), rc::gen::weightedOneOf<int64_t>({{3, rc::gen::just<int64_t>(-1)},
                                                     {1, rc::gen::inRange<int64_t>(0, 50)}}));
  for (size_t i = 0; i < times.size(); ++i) {
    uint64_t order = inserted++;
    int64_t t = times[i];
    int64_t child = children[i];
    at.push_back(t);
    orders.push_back(order);
    ids.push_back(*q.ScheduleAt(At(t), [&, i, child] {
      ran.push_back({at[i], orders[i], clock.Now().nanos()});
      if (child >= 0) {
        uint64_t corder = inserted++;
        int64_t ct = clock.Now().nanos() + child;
        RC_ASSERT(q.ScheduleAt(At(ct), [&, ct, corder] {
                     ran.push_back({ct, corder, clock.Now().nanos()});
                   }).ok());
      }
    }));
  }
  size_t cancelled = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (cancels[i]) cancelled += q.Cancel(ids[i]);
  }
  size_t moved_count = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (moves[i] < 0) continue;
    const absl::Status moved = q.Reschedule(ids[i], At(moves[i]));
    RC_ASSERT(moved.ok() == !cancels[i]);
    if (moved.ok()) {
      at[i] = moves[i];
      orders[i] = inserted++;
      ++moved_count;
    }
  }
  RC_ASSERT(q.RunUntilIdle().ok());
  RC_ASSERT(q.empty());
  for (size_t i = 0; i < ran.size(); ++i) {
    RC_ASSERT(ran[i].clock_at_run == ran[i].time);
    if (i > 0) {
      RC_ASSERT(ran[i - 1].time <= ran[i].time);
      if (ran[i - 1].time == ran[i].time) RC_ASSERT(ran[i - 1].order < ran[i].order);
    }
  }
  RC_ASSERT(ran.size() + cancelled + moved_count == inserted);
}

}  // namespace
}  // namespace fakeclock
