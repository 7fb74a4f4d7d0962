#include "platform/real/finish_order.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

namespace platform_real {
namespace {

using ::testing::ElementsAre;

platform::Completion At(uint64_t token, int64_t ms) {
  return {.token = token, .time = base::Instant::Epoch() + base::Duration::Millis(ms)};
}

std::vector<uint64_t> Tokens(const std::vector<platform::Completion>& v) {
  std::vector<uint64_t> out;
  for (const platform::Completion& c : v) out.push_back(c.token);
  return out;
}

TEST(FinishOrderTest, MergesByTimeWithTiesToTheLowerThread) {
  std::vector<std::vector<platform::Completion>> lists(4);
  lists[0] = {At(1, 1), At(2, 5)};
  lists[2] = {At(3, 2), At(4, 5), At(5, 9)};
  lists[3] = {At(6, 0)};
  std::vector<platform::Completion> out = {At(99, 0)};  // appended to, not replaced
  FinishOrder merge;
  merge.Merge(lists, &out);
  EXPECT_THAT(Tokens(out), ElementsAre(99, 6, 1, 3, 2, 4, 5));
  for (const auto& l : lists) EXPECT_TRUE(l.empty());
  // The same scratch again, with one list: taken as it is.
  lists[1] = {At(7, 3), At(8, 4)};
  out.clear();
  merge.Merge(lists, &out);
  EXPECT_THAT(Tokens(out), ElementsAre(7, 8));
  EXPECT_TRUE(lists[1].empty());
  merge.Merge(lists, &out);  // nothing to take
  EXPECT_THAT(Tokens(out), ElementsAre(7, 8));
}

// Against a stable sort of everything by time, whose ties keep thread order.
RC_GTEST_PROP(FinishOrderProperty, IsAStableSortByTime, ()) {
  const int threads = *rc::gen::inRange(1, 9);
  std::vector<std::vector<platform::Completion>> lists(threads);
  std::vector<std::pair<int64_t, std::pair<int, uint64_t>>> model;  // time, (thread, token)
  uint64_t token = 1;
  for (int t = 0; t < threads; ++t) {
    int64_t ms = 0;
    for (int64_t step :
         *rc::gen::container<std::vector<int64_t>>(rc::gen::inRange<int64_t>(0, 4))) {
      ms += step;
      lists[t].push_back(At(token, ms));
      model.push_back({ms, {t, token++}});
    }
  }
  std::stable_sort(model.begin(), model.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.first < b.second.first;
  });
  std::vector<platform::Completion> out;
  FinishOrder().Merge(lists, &out);
  RC_ASSERT(out.size() == model.size());
  for (size_t i = 0; i < out.size(); ++i) RC_ASSERT(out[i].token == model[i].second.second);
}

}  // namespace
}  // namespace platform_real
