#include "platform/real/finish_order.h"

#include <algorithm>
#include <utility>

namespace platform_real {

void FinishOrder::Merge(std::vector<std::vector<platform::Completion>>& lists,
                        std::vector<platform::Completion>* out) {
  heads_.clear();
  next_.assign(lists.size(), 0);
  for (size_t t = 0; t < lists.size(); ++t) {
    if (!lists[t].empty()) heads_.push_back(static_cast<int>(t));
  }
  if (heads_.empty()) return;
  if (heads_.size() == 1 && out->empty()) {
    out->swap(lists[heads_[0]]);  // one thread's work: its list as it is
    lists[heads_[0]].clear();
    return;
  }
  // A heap of the lists not yet used up, earliest head on top.
  auto later = [&](int a, int b) {
    const base::Instant ta = lists[a][next_[a]].time, tb = lists[b][next_[b]].time;
    return ta != tb ? ta > tb : a > b;
  };
  std::make_heap(heads_.begin(), heads_.end(), later);
  while (!heads_.empty()) {
    std::pop_heap(heads_.begin(), heads_.end(), later);
    const int t = heads_.back();
    out->push_back(std::move(lists[t][next_[t]++]));
    if (next_[t] < lists[t].size()) {
      std::push_heap(heads_.begin(), heads_.end(), later);
    } else {
      lists[t].clear();
      heads_.pop_back();
    }
  }
}

}  // namespace platform_real
