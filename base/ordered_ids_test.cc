#include "base/ordered_ids.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace base {
namespace {

TEST(OrderedIdsTest, TakesFromTheFrontAndFromTheMiddle) {
  OrderedIds<int> ids;
  ids.Add(3, 30);
  ids.Add(7, 70);
  ids.Add(8, 80);
  ids.Add(20, 200);
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids.Take(8), 80) << "from the middle: a binary search";
  EXPECT_EQ(ids.Take(8), std::nullopt) << "taken already";
  EXPECT_EQ(ids.Take(5), std::nullopt) << "never added";
  EXPECT_EQ(ids.Take(99), std::nullopt);
  EXPECT_EQ(ids.Take(3), 30);
  EXPECT_EQ(ids.entries(), 3u) << "the dead entry waits for the front";
  EXPECT_EQ(ids.Take(7), 70);
  EXPECT_EQ(ids.entries(), 1u) << "trimmed past the dead entry";
  EXPECT_EQ(ids.Take(20), 200);
  EXPECT_TRUE(ids.empty());
  EXPECT_EQ(ids.entries(), 0u);
  EXPECT_EQ(ids.Take(20), std::nullopt);
}

TEST(OrderedIdsTest, ALongLivedValueDoesNotHoldTheRingOpen) {
  OrderedIds<int> ids;
  ids.Add(1, -1);  // lives throughout
  for (uint64_t id = 2; id < 100'000; ++id) {
    ids.Add(id, static_cast<int>(id));
    ASSERT_EQ(ids.Take(id), static_cast<int>(id));
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_LE(ids.entries(), 2 * OrderedIds<int>::kMinCompact);
  EXPECT_EQ(ids.Take(1), -1);
}

TEST(OrderedIdsTest, AnIdOutOfOrderGoesToTheSideAndIsTakenThere) {
  OrderedIds<int> ids;
  ids.Add(10, 100);
  ids.Add(20, 200);
  ids.Add(5, 50);    // below every id added: the side map
  ids.Add(15, 150);  // between two: the side map too
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids.entries(), 2u);
  EXPECT_EQ(ids.Take(15), 150);
  EXPECT_EQ(ids.Take(15), std::nullopt);
  EXPECT_EQ(ids.Take(10), 100);
  ids.Add(10, 101);  // taken, so it may come back
  EXPECT_EQ(ids.Take(10), 101);
  EXPECT_EQ(ids.Take(5), 50);
  EXPECT_EQ(ids.Take(20), 200);
  EXPECT_TRUE(ids.empty());
}

// Against a std::map: adds of ids not live (mostly increasing with gaps,
// some anywhere), takes of any id, live or not.
RC_GTEST_PROP(OrderedIdsProperty, BehavesLikeAMap, ()) {
  OrderedIds<uint64_t> ids;
  std::map<uint64_t, uint64_t> model;
  uint64_t last = *rc::gen::inRange<uint64_t>(0, 5);  // the largest id added
  // Long enough runs to compact (past kMinCompact entries).
  const auto steps = *rc::gen::resize(
      600, rc::gen::container<std::vector<std::pair<bool, uint64_t>>>(rc::gen::pair(
               rc::gen::arbitrary<bool>(), rc::gen::inRange<uint64_t>(0, 300))));
  for (const auto& [add, n] : steps) {
    if (add) {
      const uint64_t id = n % 10 == 0 ? n : last + 1 + n % 3;
      if (model.count(id) != 0) continue;  // live: not a valid add
      ids.Add(id, id * 10);
      model[id] = id * 10;
      last = std::max(last, id);
    } else {
      std::optional<uint64_t> want;
      if (auto it = model.find(n); it != model.end()) {
        want = it->second;
        model.erase(it);
      }
      RC_ASSERT(ids.Take(n) == want);
    }
    RC_ASSERT(ids.size() == model.size());
    RC_ASSERT(ids.entries() <= 2 * ids.size() + OrderedIds<uint64_t>::kMinCompact + 1);
  }
}

}  // namespace
}  // namespace base
