#include "base/ring.h"

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace base {
namespace {

TEST(RingTest, KeepsFifoOrderWhileItWrapsAndGrows) {
  Ring<int> r;
  for (int i = 0; i < 16; ++i) r.push_back(i);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(r.front(), i);
    r.pop_front();
  }
  for (int i = 16; i < 40; ++i) r.push_back(i);  // wraps, then grows
  ASSERT_EQ(r.size(), 30u);
  EXPECT_EQ(r.back(), 39);
  for (size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r[i], static_cast<int>(10 + i));
  for (int i = 10; i < 40; ++i) {
    ASSERT_EQ(r.front(), i);
    r.pop_front();
  }
  EXPECT_TRUE(r.empty());
}

TEST(RingTest, APoppedElementIsReleasedAtOnce) {
  Ring<std::shared_ptr<int>> r;
  auto held = std::make_shared<int>(1);
  r.push_back(held);
  r.push_back(std::make_shared<int>(2));
  EXPECT_EQ(held.use_count(), 2);
  r.pop_front();
  EXPECT_EQ(held.use_count(), 1);
  r.clear();
  EXPECT_TRUE(r.empty());
}

TEST(RingTest, ASlotReusedAfterAWrapStartsEmpty) {
  Ring<std::optional<int>> r;  // trivially destructible: pops leave the bytes
  for (int i = 0; i < 16; ++i) r.push_back(i);
  for (int i = 0; i < 16; ++i) r.pop_front();
  for (int i = 0; i < 16; ++i) EXPECT_FALSE(r.emplace_back().has_value()) << i;
}

TEST(RingTest, AMovedFromRingIsEmptyAndUsable) {
  Ring<std::string> a;
  for (int i = 0; i < 20; ++i) a.push_back(std::to_string(i));
  a.pop_front();  // the front is not at slot 0
  Ring<std::string> b(std::move(a));
  EXPECT_EQ(b.size(), 19u);
  EXPECT_EQ(b.front(), "1");
  EXPECT_EQ(b.back(), "19");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): its contract
  a.push_back("again");
  EXPECT_EQ(a.front(), "again");
  Ring<std::string> c;
  c.push_back("old");
  c = std::move(b);
  EXPECT_EQ(c.size(), 19u);
  EXPECT_EQ(c[18], "19");
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  for (int i = 0; i < 40; ++i) b.push_back("x");  // grows from nothing
  EXPECT_EQ(b.size(), 40u);
}

// Against std::deque: any mix of pushes and pops leaves the same sequence.
RC_GTEST_PROP(RingProperty, BehavesAsADeque, ()) {
  Ring<std::string> r;
  std::deque<std::string> model;
  const auto ops = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 100));
  for (int op : ops) {
    if (op < 60) {
      r.push_back(std::to_string(op));
      model.push_back(std::to_string(op));
    } else if (!model.empty()) {
      RC_ASSERT(r.front() == model.front());
      r.pop_front();
      model.pop_front();
    }
    RC_ASSERT(r.size() == model.size());
  }
  for (size_t i = 0; i < model.size(); ++i) RC_ASSERT(r[i] == model[i]);
  if (!model.empty()) RC_ASSERT(r.back() == model.back());
}

}  // namespace
}  // namespace base
