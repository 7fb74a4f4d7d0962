#include "runtime/immediate_queue.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace runtime {
namespace {

struct Fixture {
  std::vector<bool> toggles;
  ImmediateQueue q{[this](bool on) { toggles.push_back(on); }};
  std::vector<std::string> log;
  bool Process(bool fail_on_first = false) {
    bool first = true;
    return q.Process([&](uint64_t, absl::AnyInvocable<void()>& cb) {
      cb();
      const bool ok = !(fail_on_first && first);
      first = false;
      return ok;
    });
  }
};

TEST(ImmediateQueueTest, RunsASnapshotInFifoOrder) {
  Fixture f;
  f.q.Push([&] {
    f.log.push_back("a");
    f.q.Push([&] { f.log.push_back("c"); });  // next iteration
  });
  f.q.Push([&] { f.log.push_back("b"); });
  EXPECT_TRUE(f.Process());
  EXPECT_EQ(f.log, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(f.q.count(), 1);
  EXPECT_TRUE(f.Process());
  EXPECT_EQ(f.log, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(f.q.count(), 0);
  EXPECT_EQ(f.q.ref_count(), 0);
}

// Node marks an immediate destroyed before its callback runs: while it runs
// it is no longer pending, and clearing it is a no-op that leaves the
// callback (and what it captured) alone.
TEST(ImmediateQueueTest, ARunningImmediateIsNotPendingAndClearingItChangesNothing) {
  Fixture f;
  auto held = std::make_shared<int>(5);
  auto self = std::make_shared<Immediate>();
  *self = f.q.Push([&f, self, held] {
    f.log.push_back(f.q.Pending(*self) ? "pending" : "not pending");
    f.q.Clear(*self);
    f.log.push_back(std::to_string(*held));  // its captures are still alive
  });
  Immediate next = f.q.Push([&] { f.log.push_back("next"); });
  EXPECT_TRUE(f.Process());
  EXPECT_EQ(f.log, (std::vector<std::string>{"not pending", "5", "next"}));
  EXPECT_EQ(f.q.count(), 0);
  EXPECT_FALSE(f.q.Pending(next));
}

TEST(ImmediateQueueTest, ClearedImmediatesNeverRunEvenFromTheSnapshot) {
  Fixture f;
  Immediate b;
  f.q.Push([&] {
    f.log.push_back("a");
    f.q.Clear(b);
  });
  b = f.q.Push([&] { f.log.push_back("b"); });
  EXPECT_TRUE(f.Process());
  EXPECT_EQ(f.log, (std::vector<std::string>{"a"}));
  EXPECT_FALSE(f.q.Pending(b));
  f.q.Clear(b);  // twice: no-op
  f.q.Clear(Immediate{});
  EXPECT_EQ(f.q.count(), 0);
}

TEST(ImmediateQueueTest, RefCountTogglesTheLoopHandle) {
  Fixture f;
  Immediate a = f.q.Push([] {});
  Immediate b = f.q.Push([] {});
  EXPECT_TRUE(f.q.Pending(b));
  EXPECT_EQ(f.toggles, (std::vector<bool>{true}));
  f.q.Clear(a);
  EXPECT_EQ(f.q.ref_count(), 1);
  EXPECT_TRUE(f.Process());
  EXPECT_EQ(f.q.ref_count(), 0);
  EXPECT_FALSE(f.q.Pending(b)) << "it ran";
  // Dropping the count to 0 by running is the loop's job (Node's
  // CheckImmediate), so no toggle here.
  EXPECT_EQ(f.toggles, (std::vector<bool>{true}));
}

TEST(ImmediateQueueTest, AfterAFailureTheRestRunsFirstNextTime) {
  Fixture f;
  f.q.Push([&] { f.log.push_back("a"); });
  f.q.Push([&] { f.log.push_back("b"); });
  EXPECT_FALSE(f.Process(/*fail_on_first=*/true));
  f.q.Push([&] { f.log.push_back("c"); });
  EXPECT_TRUE(f.Process());
  EXPECT_EQ(f.log, (std::vector<std::string>{"a", "b"})) << "c waits: b was outstanding";
  EXPECT_TRUE(f.Process());
  EXPECT_EQ(f.log, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(ImmediateQueueTest, ClearedLeftoversDoNotDelayNewImmediates) {
  Fixture f;
  f.q.Push([&] { f.log.push_back("a"); });
  Immediate b = f.q.Push([&] { f.log.push_back("b"); });
  EXPECT_FALSE(f.Process(/*fail_on_first=*/true));
  f.q.Clear(b);
  f.q.Push([&] { f.log.push_back("c"); });
  EXPECT_TRUE(f.Process());
  EXPECT_EQ(f.log, (std::vector<std::string>{"a", "c"}));
}

TEST(ImmediateQueueTest, AQueueAtAFreedQueuesAddressDoesNotOwnItsHandles) {
  auto first = std::make_unique<Fixture>();
  Immediate old = first->q.Push([] {});
  first.reset();
  Fixture second;  // may reuse the memory
  second.q.Push([] {});
  EXPECT_FALSE(second.q.Owns(old));
  second.q.Clear(old);
  EXPECT_EQ(second.q.count(), 1);
}

TEST(ImmediateQueueTest, ImmediatesOfAnotherQueueAreIgnored) {
  Fixture f, g;
  Immediate a = f.q.Push([] {});
  g.q.Clear(a);
  EXPECT_FALSE(g.q.Pending(a));
  EXPECT_TRUE(f.q.Pending(a));
  EXPECT_EQ(f.q.count(), 1);
}

TEST(ImmediateQueueTest, ClearFindsEntriesInTheSnapshotAndTheNextQueue) {
  Fixture f;
  std::vector<Immediate> ims;
  for (int i = 0; i < 5; ++i) {
    ims.push_back(f.q.Push([&, i] {
      f.log.push_back("a" + std::to_string(i));
      if (i == 0) {
        ims.push_back(f.q.Push([&] { f.log.push_back("late"); }));
        f.q.Clear(ims[3]);             // in the snapshot
        f.q.Clear(ims.back());         // in the next queue
      }
    }));
  }
  EXPECT_TRUE(f.Process());
  EXPECT_TRUE(f.Process());
  EXPECT_EQ(f.log, (std::vector<std::string>{"a0", "a1", "a2", "a4"}));
  EXPECT_EQ(f.q.count(), 0);
}

}  // namespace
}  // namespace runtime
