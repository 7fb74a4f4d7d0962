#include "base/id_table.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace base {
namespace {

TEST(IdTableTest, IdsCountUpFromTheFirstAndFindTakesThem) {
  IdTable<std::string> t;
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

TEST(IdTableTest, ASkipOnAnEmptyTableUsesTheIdUp) {
  IdTable<int> t;
  EXPECT_EQ(t.Skip(), 1u);
  EXPECT_EQ(t.Add(7), 2u);
  EXPECT_EQ(t.window_size(), 1u);
}

TEST(IdTableTest, ALongLivedRequestDoesNotHoldTheWindowOpen) {
  IdTable<int> t;
  const uint64_t listen = t.Add(-1);  // lives throughout, as a TCP listen does
  for (int i = 0; i < 100'000; ++i) {
    const uint64_t id = t.Add(i);
    ASSERT_EQ(t.Take(id), i);
    ASSERT_LE(t.window_size(), 2 * t.size() + IdTable<int>::kMinWindow);
  }
  ASSERT_NE(t.Find(listen), nullptr);
  EXPECT_EQ(*t.Find(listen), -1);
  EXPECT_EQ(t.Ids(), (std::vector<uint64_t>{listen}));
  EXPECT_EQ(t.Take(listen), -1);
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.window_size(), 0u);
}

TEST(IdTableTest, TheRingGrowsWhileItsWindowWraps) {
  IdTable<int> t;
  for (int i = 1; i <= 16; ++i) ASSERT_EQ(t.Add(i), static_cast<uint64_t>(i));
  for (int i = 1; i <= 10; ++i) ASSERT_EQ(t.Take(i), i);  // the window starts mid-ring
  for (int i = 17; i <= 40; ++i) ASSERT_EQ(t.Add(i), static_cast<uint64_t>(i));  // wraps, grows
  std::vector<uint64_t> want;
  for (uint64_t id = 11; id <= 40; ++id) {
    want.push_back(id);
    ASSERT_NE(t.Find(id), nullptr) << id;
    EXPECT_EQ(*t.Find(id), static_cast<int>(id));
  }
  EXPECT_EQ(t.Ids(), want);
  EXPECT_EQ(t.window_size(), 30u);
  for (uint64_t id = 11; id <= 40; ++id) ASSERT_EQ(t.Take(id), static_cast<int>(id));
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.window_size(), 0u);
}

TEST(IdTableTest, PutKeepsTheCallersIdsAndLeavesTheGapsEmpty) {
  IdTable<int> t;
  t.Put(10, 100);
  t.Put(12, 120);
  EXPECT_EQ(t.next_id(), 13u);
  EXPECT_EQ(t.Find(11), nullptr);
  EXPECT_EQ(t.Add(130), 13u);
  EXPECT_EQ(t.Ids(), (std::vector<uint64_t>{10, 12, 13}));
  // A gap far wider than the window: the live values move aside, and the
  // window starts again at the new id instead of spanning the gap.
  t.Put(1'000'000, 7);
  EXPECT_EQ(t.window_size(), 1u);
  EXPECT_EQ(t.Ids(), (std::vector<uint64_t>{10, 12, 13, 1'000'000}));
  EXPECT_EQ(t.Take(12), 120);
  EXPECT_EQ(t.Take(1'000'000), 7);
  EXPECT_EQ(t.Take(10), 100);
  EXPECT_EQ(t.Take(13), 130);
  EXPECT_TRUE(t.empty());
}

TEST(IdTableTest, ADetachedValueStaysPutUntilReleased) {
  IdTable<std::string> t;
  const uint64_t first = t.Add("first");
  const uint64_t second = t.Add("second");
  std::string* running = t.Detach(first);
  ASSERT_NE(running, nullptr);
  EXPECT_EQ(*running, "first");
  EXPECT_EQ(t.Find(first), nullptr);
  EXPECT_EQ(t.Take(first), std::nullopt);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.Ids(), (std::vector<uint64_t>{second}));
  // What a running callback may do: add and take many more. The window
  // grows by chunks and would compact, but not past the detached value.
  for (int i = 0; i < 10'000; ++i) {
    const uint64_t id = t.Add(std::string(40, 'x') + std::to_string(i));
    if (i % 100 != 0) {
      ASSERT_TRUE(t.Take(id).has_value());
    }
  }
  EXPECT_EQ(t.Take(second), "second");
  EXPECT_EQ(*running, "first") << "the detached value did not move";
  EXPECT_EQ(t.size(), 100u);
  t.Release();
  EXPECT_EQ(t.Find(first), nullptr);
  EXPECT_EQ(t.size(), 100u);
  // The next insertion compacts the window the detached value held open.
  t.Add("next");
  EXPECT_LE(t.window_size(), 2 * t.size() + IdTable<std::string>::kMinWindow);
}

TEST(IdTableTest, AValueDetachedFromTheSideMapWaitsOutside) {
  IdTable<std::string> t;
  const std::string long_lived(40, 'L');  // on the heap: a stale slot would not read back
  const uint64_t old = t.Add(long_lived);  // moved to the side map by what follows
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(t.Take(t.Add(std::to_string(i))).has_value());
  std::string* running = t.Detach(old);
  ASSERT_NE(running, nullptr);
  const char* chars = running->data();
  EXPECT_EQ(*running, long_lived);
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.Find(old), nullptr);
  // The side map grows and rehashes; the detached value stays where it is.
  for (int i = 0; i < 1000; ++i) t.Put(t.next_id() + 500, std::to_string(i));
  EXPECT_EQ(*running, long_lived);
  EXPECT_EQ(running->data(), chars);
  t.Release();
  EXPECT_EQ(t.Find(old), nullptr);
  EXPECT_EQ(t.size(), 1000u);
}

TEST(IdTableTest, DetachOfAnIdThatIsNotLiveFindsNothing) {
  IdTable<int> t;
  EXPECT_EQ(t.Detach(1), nullptr);
  const uint64_t id = t.Add(5);
  EXPECT_EQ(t.Detach(id + 1), nullptr);
  ASSERT_NE(t.Detach(id), nullptr);
  t.Release();
  EXPECT_EQ(t.Detach(id), nullptr) << "a released id is gone";
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.window_size(), 0u);
}

// Against a std::map: any mix of adds, skips, puts, takes (in any order)
// and detaches finds exactly what the map holds, lists the same ids in
// order, keeps a detached value where it was until it is released, and
// after each add keeps the window within twice the live values plus a
// constant (unless a detached value holds it open).
// `value` makes a V from a number: an int, or a string long enough to live
// on the heap (so moved-from and reset slots are exercised, not just
// trivially destructible ones).
template <typename V>
void CheckAgainstAMap(V (*value)(uint64_t)) {
  IdTable<V> t;
  std::map<uint64_t, V> model;
  uint64_t next = 1;
  // The detached value: where it is, and what it must still hold.
  V* detached = nullptr;
  uint64_t detached_id = 0;
  std::optional<V> detached_value;
  // A pointer from Find, held while moves() does not change.
  uint64_t held_id = 0;
  V* held = nullptr;
  uint64_t held_moves = 0;
  const auto ops = *rc::gen::container<std::vector<std::pair<int, uint64_t>>>(
      rc::gen::pair(rc::gen::inRange(0, 11), rc::gen::inRange<uint64_t>(0, 1000)));
  for (const auto& [kind, pick] : ops) {
    if (held != nullptr && t.moves() != held_moves) held = nullptr;
    if (held == nullptr && !model.empty()) {
      held_id = model.begin()->first;
      held = t.Find(held_id);
      held_moves = t.moves();
    }
    if (kind < 5) {
      RC_ASSERT(t.Add(value(pick)) == next);
      model.emplace(next++, value(pick));
      // Adding is where the window is kept in check.
      if (detached == nullptr) {
        RC_ASSERT(t.window_size() <= 2 * t.size() + IdTable<V>::kMinWindow);
      }
    } else if (kind == 5) {
      RC_ASSERT(t.Skip() == next++);
    } else if (kind == 6) {
      // A caller's id: past the end, with a gap that is sometimes wider
      // than the window, or an earlier id that is not live.
      // While a value is detached the window cannot start again, so the
      // gap stays within what the window is worth.
      const uint64_t gap = detached != nullptr ? pick % (IdTable<V>::kMinWindow + 1) : pick % 200;
      const uint64_t id = pick % 3 != 0 ? next + gap : 1 + pick % next;
      if (model.count(id) != 0 || (detached != nullptr && id == detached_id)) continue;
      t.Put(id, value(pick));
      model.emplace(id, value(pick));
      next = std::max(next, id + 1);
      RC_ASSERT(t.next_id() == next);
      if (detached == nullptr) {
        RC_ASSERT(t.window_size() <= 2 * t.size() + IdTable<V>::kMinWindow);
      }
    } else if (kind == 10) {
      if (detached != nullptr) {
        t.Release();
        detached = nullptr;
      } else {
        const uint64_t id = next == 1 ? 1 : 1 + pick % (next + 2);
        auto it = model.find(id);
        detached = t.Detach(id);
        if (it == model.end()) {
          RC_ASSERT(detached == nullptr);
        } else {
          RC_ASSERT(detached != nullptr);
          RC_ASSERT(*detached == it->second);
          detached_id = id;
          detached_value = it->second;
          const std::vector<uint64_t> ids = t.Ids();
          RC_ASSERT(std::find(ids.begin(), ids.end(), id) == ids.end());
          model.erase(it);
        }
      }
    } else {
      // Take an id near the range in use (live, taken, or never given).
      const uint64_t id = next == 1 ? 1 : 1 + pick % (next + 2);
      auto it = model.find(id);
      const std::optional<V> got = t.Take(id);
      if (it == model.end()) {
        RC_ASSERT(!got.has_value());
      } else {
        RC_ASSERT(got == it->second);
        model.erase(it);
      }
    }
    RC_ASSERT(t.size() == model.size());
    if (held != nullptr && t.moves() == held_moves) {
      RC_ASSERT(t.Find(held_id) == held);
      RC_ASSERT(*held == model.at(held_id));
    }
    if (detached != nullptr) {
      RC_ASSERT(*detached == *detached_value);
      RC_ASSERT(t.Find(detached_id) == nullptr);
    }
  }
  if (detached != nullptr) t.Release();
  std::vector<uint64_t> ids;
  for (const auto& [id, v] : model) {
    ids.push_back(id);
    RC_ASSERT(t.Find(id) != nullptr);
    RC_ASSERT(*t.Find(id) == v);
  }
  RC_ASSERT(t.Ids() == ids);
}

RC_GTEST_PROP(IdTableProperty, BehavesAsAnOrderedMap, ()) {
  CheckAgainstAMap<int>([](uint64_t n) { return static_cast<int>(n); });
}

RC_GTEST_PROP(IdTableProperty, BehavesAsAnOrderedMapWithHeapValues, ()) {
  CheckAgainstAMap<std::string>(
      [](uint64_t n) { return std::string(40, 'x') + std::to_string(n); });
}

// A value whose construction throws leaves the table as it was.
TEST(IdTableTest, AThrowingConstructorLeavesNothingBehind) {
  struct Fussy {
    explicit Fussy(int v) : v(v) {
      if (v < 0) throw std::invalid_argument("negative");
    }
    int v;
  };
  IdTable<Fussy> t;
  EXPECT_THROW(t.Emplace(-1), std::invalid_argument);
  EXPECT_EQ(t.window_size(), 0u);
  EXPECT_EQ(t.next_id(), 1u);
  EXPECT_EQ(t.Emplace(5), 1u);
  EXPECT_THROW(t.Emplace(-2), std::invalid_argument);
  EXPECT_EQ(t.window_size(), 1u);
  EXPECT_EQ(t.Emplace(6), 2u);
  ASSERT_NE(t.Find(2), nullptr);
  EXPECT_EQ(t.Find(2)->v, 6);
}

}  // namespace
}  // namespace base
