#include "runtime/request_table.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace runtime {
namespace {

TEST(RequestTableTest, IdsCountUpFromTheFirstAndFindTakesThem) {
  RequestTable<std::string> t;
  EXPECT_EQ(t.Add("a"), 1u);
  EXPECT_EQ(t.Add("b"), 2u);
  EXPECT_EQ(t.Skip(), 3u);
  EXPECT_EQ(t.Add("d"), 4u);
  EXPECT_EQ(t.size(), 3u);
  ASSERT_NE(t.Find(2), nullptr);
  EXPECT_EQ(*t.Find(2), "b");
  EXPECT_EQ(t.Find(3), nullptr) << "a skipped id holds nothing";
  EXPECT_EQ(t.Find(0), nullptr);
  EXPECT_EQ(t.Find(99), nullptr);
  EXPECT_EQ(t.Take(2), "b");
  EXPECT_EQ(t.Take(2), std::nullopt);
  EXPECT_EQ(t.Ids(), (std::vector<uint64_t>{1, 4}));
}

TEST(RequestTableTest, ASkipOnAnEmptyTableUsesTheIdUp) {
  RequestTable<int> t;
  EXPECT_EQ(t.Skip(), 1u);
  EXPECT_EQ(t.Add(7), 2u);
  EXPECT_EQ(t.window_size(), 1u);
}

TEST(RequestTableTest, ALongLivedRequestDoesNotHoldTheWindowOpen) {
  RequestTable<int> t;
  const uint64_t listen = t.Add(-1);  // lives throughout, as a TCP listen does
  for (int i = 0; i < 100'000; ++i) {
    const uint64_t id = t.Add(i);
    ASSERT_EQ(t.Take(id), i);
    ASSERT_LE(t.window_size(), 2 * t.size() + RequestTable<int>::kMinWindow);
  }
  ASSERT_NE(t.Find(listen), nullptr);
  EXPECT_EQ(*t.Find(listen), -1);
  EXPECT_EQ(t.Ids(), (std::vector<uint64_t>{listen}));
  EXPECT_EQ(t.Take(listen), -1);
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.window_size(), 0u);
}

// Against a std::map: any mix of adds, skips and takes (in any order) finds
// exactly what the map holds, lists the same ids in order, and after each
// add keeps the window within twice the live requests plus a constant.
RC_GTEST_PROP(RequestTableProperty, BehavesAsAnOrderedMap, ()) {
  RequestTable<int> t;
  std::map<uint64_t, int> model;
  uint64_t next = 1;
  const auto ops = *rc::gen::container<std::vector<std::pair<int, uint64_t>>>(
      rc::gen::pair(rc::gen::inRange(0, 10), rc::gen::inRange<uint64_t>(0, 1000)));
  for (const auto& [kind, pick] : ops) {
    if (kind < 5) {
      const int v = static_cast<int>(pick);
      RC_ASSERT(t.Add(v) == next);
      model[next++] = v;
      // Adding is where the window is kept in check.
      RC_ASSERT(t.window_size() <= 2 * t.size() + RequestTable<int>::kMinWindow);
    } else if (kind == 5) {
      RC_ASSERT(t.Skip() == next++);
    } else {
      // Take an id near the range in use (live, taken, or never given).
      const uint64_t id = next == 1 ? 1 : 1 + pick % (next + 2);
      auto it = model.find(id);
      const std::optional<int> got = t.Take(id);
      if (it == model.end()) {
        RC_ASSERT(!got.has_value());
      } else {
        RC_ASSERT(got == it->second);
        model.erase(it);
      }
    }
    RC_ASSERT(t.size() == model.size());
  }
  std::vector<uint64_t> ids;
  for (const auto& [id, v] : model) {
    ids.push_back(id);
    RC_ASSERT(t.Find(id) != nullptr);
    RC_ASSERT(*t.Find(id) == v);
  }
  RC_ASSERT(t.Ids() == ids);
}

}  // namespace
}  // namespace runtime
