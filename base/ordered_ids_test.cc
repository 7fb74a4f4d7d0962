#include "base/ordered_ids.h"

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

// Against a std::map: adds with increasing ids (gaps allowed), takes of
// any id, live or not.
RC_GTEST_PROP(OrderedIdsProperty, BehavesLikeAMap, ()) {
  OrderedIds<uint64_t> ids;
  std::map<uint64_t, uint64_t> model;
  uint64_t next = *rc::gen::inRange<uint64_t>(0, 5);
  // Long enough runs to compact (past kMinCompact entries).
  const auto steps = *rc::gen::resize(
      600, rc::gen::container<std::vector<std::pair<bool, uint64_t>>>(rc::gen::pair(
               rc::gen::arbitrary<bool>(), rc::gen::inRange<uint64_t>(0, 300))));
  for (const auto& [add, n] : steps) {
    if (add) {
      next += 1 + n % 3;
      ids.Add(next, next * 10);
      model[next] = next * 10;
    } else {
      const uint64_t id = n;
      std::optional<uint64_t> want;
      if (auto it = model.find(id); it != model.end()) {
        want = it->second;
        model.erase(it);
      }
      RC_ASSERT(ids.Take(id) == want);
    }
    RC_ASSERT(ids.size() == model.size());
    RC_ASSERT(ids.entries() <= 2 * model.size() + OrderedIds<uint64_t>::kMinCompact + 1);
  }
}

}  // namespace
}  // namespace base
