// FinishOrder: merges the pool threads' lists of finished work into one, in
// finish order.
//
// Each pool thread appends its completions to a list of its own (so threads
// finishing at once do not queue on one lock); each list is therefore in
// that thread's finish order. Poll hands the loop what it takes in the order
// the work finished: this merges by completion time, ties going to the
// lower-numbered thread. (Only within one poll: work that finished earlier but
// was posted after the poll took the lists comes in the next, as in libuv's
// one queue, where a later post is a later completion.)
//
// Threading: one thread; it keeps scratch space between calls.
#ifndef TWINLOOP_PLATFORM_REAL_FINISH_ORDER_H_
#define TWINLOOP_PLATFORM_REAL_FINISH_ORDER_H_

#include <cstddef>
#include <vector>

#include "platform/platform.h"

namespace platform_real {

class FinishOrder {
 public:
  // Appends every completion of `lists` to `out`, earliest time first, and
  // empties the lists. Each list must be in time order.
  void Merge(std::vector<std::vector<platform::Completion>>& lists,
             std::vector<platform::Completion>* out);

 private:
  std::vector<int> heads_;    // lists not yet used up, as a heap
  std::vector<size_t> next_;  // per list: its next completion
};

}  // namespace platform_real

#endif  // TWINLOOP_PLATFORM_REAL_FINISH_ORDER_H_
