#include "base/stable_ring.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace base {
namespace {

TEST(StableRingTest, ElementsStayWhereTheyAreWhileTheRingGrowsAndWraps) {
  StableRing<int, 4> r;
  std::vector<int*> where;
  for (int i = 0; i < 6; ++i) {
    r.emplace_back() = i;
    where.push_back(&r.back());
  }
  r.pop_front();  // the front moves into the first chunk
  for (int i = 6; i < 40; ++i) r.emplace_back() = i;  // eight more chunks
  for (int i = 1; i < 6; ++i) {
    EXPECT_EQ(&r[static_cast<size_t>(i - 1)], where[static_cast<size_t>(i)]) << i;
    EXPECT_EQ(*where[static_cast<size_t>(i)], i);
  }
  ASSERT_EQ(r.size(), 39u);
  for (size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r[i], static_cast<int>(1 + i));
  for (int i = 1; i < 40; ++i) {
    ASSERT_EQ(r.front(), i);
    r.pop_front();
  }
  EXPECT_TRUE(r.empty());
}

TEST(StableRingTest, ASlidingWindowReusesItsSpareChunk) {
  // Two chunks of memory serve a window of 3 to 4 for ever: the slots
  // handed out are the same eight addresses over and over.
  StableRing<int, 4> r;
  std::set<const int*> seen;
  for (int i = 0; i < 3; ++i) r.emplace_back() = i;
  for (int i = 3; i < 10'000; ++i) {
    int& slot = r.emplace_back();
    slot = i;
    seen.insert(&slot);
    ASSERT_EQ(r.front(), i - 3);
    r.pop_front();
    ASSERT_LE(r.capacity(), 12u) << "a window of 3 to 4 spans two chunks and one spare";
  }
  EXPECT_EQ(seen.size(), 8u);
}

TEST(StableRingTest, APoppedElementIsReleasedAtOnce) {
  StableRing<std::shared_ptr<int>, 4> r;
  auto held = std::make_shared<int>(1);
  r.emplace_back() = held;
  r.emplace_back() = std::make_shared<int>(2);
  EXPECT_EQ(held.use_count(), 2);
  r.pop_front();
  EXPECT_EQ(held.use_count(), 1);
  r.emplace_back() = held;
  r.pop_back();
  EXPECT_EQ(held.use_count(), 1);
  r.clear();
  EXPECT_TRUE(r.empty());
}

TEST(StableRingTest, AReusedSlotStartsEmpty) {
  StableRing<std::optional<int>, 4> r;  // trivially destructible: pops leave the bytes
  for (int i = 0; i < 8; ++i) r.emplace_back() = i;
  for (int i = 0; i < 8; ++i) r.pop_front();  // both chunks retired, one kept
  for (int i = 0; i < 8; ++i) EXPECT_FALSE(r.emplace_back().has_value()) << i;
  r.pop_back();
  EXPECT_FALSE(r.emplace_back().has_value());
}

TEST(StableRingTest, AMovedFromRingIsEmptyAndUsable) {
  StableRing<std::string, 4> a;
  for (int i = 0; i < 10; ++i) a.emplace_back() = std::to_string(i);
  a.pop_front();
  const std::string* second = &a.front();
  StableRing<std::string, 4> b(std::move(a));
  EXPECT_EQ(&b.front(), second) << "moving the ring moves no element";
  EXPECT_EQ(b.size(), 9u);
  EXPECT_EQ(b.back(), "9");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): its contract
  a.emplace_back() = "again";
  EXPECT_EQ(a.front(), "again");
  StableRing<std::string, 4> c;
  c.emplace_back() = "old";
  c = std::move(b);
  EXPECT_EQ(c.size(), 9u);
  EXPECT_EQ(c[8], "9");
}

TEST(StableRingTest, IteratesFromTheFrontAndErasesAnywhere) {
  StableRing<std::string, 4> r;
  for (int i = 0; i < 10; ++i) r.emplace_back() = std::to_string(i);
  r.pop_front();  // the front is not at a chunk's start
  std::vector<std::string> seen(r.begin(), r.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7", "8", "9"}));
  auto it = r.begin();
  for (int i = 0; i < 4; ++i) ++it;  // "5", across a chunk boundary
  it = r.erase(it);
  EXPECT_EQ(*it, "6");
  it = r.erase(r.begin());
  EXPECT_EQ(*it, "2");
  auto last = r.begin();
  for (size_t i = 0; i + 1 < r.size(); ++i) ++last;
  const auto after_last = r.erase(last);
  EXPECT_EQ(after_last, r.end());
  seen.assign(r.begin(), r.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"2", "3", "4", "6", "7", "8"}));
  EXPECT_EQ(r.size(), 6u);
}

// Against std::deque: any mix of pushes and pops at both ends leaves the
// same sequence, and an element's address holds until it is popped.
RC_GTEST_PROP(StableRingProperty, BehavesAsADequeWithStableElements, ()) {
  StableRing<std::string, 4> r;
  std::deque<std::pair<std::string, std::string*>> model;
  const auto ops = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 100));
  for (int op : ops) {
    if (op < 60) {
      std::string& s = r.emplace_back();
      RC_ASSERT(s.empty());
      s = std::to_string(op);
      model.emplace_back(s, &s);
    } else if (!model.empty() && op < 90) {
      RC_ASSERT(&r.front() == model.front().second);
      r.pop_front();
      model.pop_front();
    } else if (!model.empty()) {
      RC_ASSERT(&r.back() == model.back().second);
      r.pop_back();
      model.pop_back();
    }
    RC_ASSERT(r.size() == model.size());
  }
  for (size_t i = 0; i < model.size(); ++i) {
    RC_ASSERT(r[i] == model[i].first);
    RC_ASSERT(&r[i] == model[i].second);
  }
}

// Against std::deque again, with erase anywhere (which moves elements but
// must keep the order), including at the front when it retires a chunk.
RC_GTEST_PROP(StableRingProperty, EraseKeepsTheOrderOfTheRest, ()) {
  StableRing<std::string, 4> r;
  std::deque<std::string> model;
  const auto ops = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 100));
  int next = 0;
  for (int op : ops) {
    if (op < 50 || model.empty()) {
      r.emplace_back() = std::to_string(next);
      model.push_back(std::to_string(next++));
    } else if (op < 70) {
      r.pop_front();
      model.pop_front();
    } else {
      const size_t at = static_cast<size_t>(op) % model.size();
      auto it = r.begin();
      for (size_t i = 0; i < at; ++i) it++;
      it = r.erase(it);
      auto after = model.erase(model.begin() + static_cast<std::ptrdiff_t>(at));
      RC_ASSERT((it == r.end()) == (after == model.end()));
      if (after != model.end()) RC_ASSERT(*it == *after);
    }
    RC_ASSERT(r.size() == model.size());
    RC_ASSERT(std::equal(r.begin(), r.end(), model.begin(), model.end()));
  }
}

}  // namespace
}  // namespace base
