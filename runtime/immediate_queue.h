// ImmediateQueue: Node's setImmediate queue (lib/internal/timers.js,
// processImmediate).
//
// The check phase runs a snapshot: immediates queued while it runs wait for
// the next iteration. If a callback fails, the rest of the snapshot is kept as
// the "outstanding" queue and runs first next time, as Node does. A cleared
// immediate never runs, even if it is already in the snapshot.
//
// Ref counting follows Node's immediateInfo[kRefCount]: while a ref'd
// immediate is queued, the loop keeps an idle handle active so it stays alive
// and polls without blocking (Node's ToggleImmediateRef). Every immediate is
// ref'd (`immediate.unref()` is not offered yet).
//
// An Immediate is a small value (its queue and a sequence number), not an
// allocated object: ids grow with every push, so each queue stays sorted and
// ClearImmediate finds an entry by binary search. This keeps setImmediate
// free of allocations and atomic reference counts, on the loop's hottest path.
//
// Threading: loop thread only (the Loop checks).
#ifndef TWINLOOP_RUNTIME_IMMEDIATE_QUEUE_H_
#define TWINLOOP_RUNTIME_IMMEDIATE_QUEUE_H_

#include <cstdint>
#include <deque>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/base/internal/raw_logging.h"

namespace runtime {

// Names a queued immediate. A default-constructed Immediate names none.
struct Immediate {
  uint64_t owner = 0;  // the generation of the ImmediateQueue it came from
  uint64_t id = 0;     // 1, 2, ... in push order

  explicit operator bool() const { return id != 0; }
  bool operator==(const Immediate&) const = default;
};

class ImmediateQueue {
 public:
  // `toggle_ref(true)` when the ref count leaves 0, `(false)` when it drops
  // to 0 through clearImmediate; the check phase drops it after running.
  explicit ImmediateQueue(absl::AnyInvocable<void(bool)> toggle_ref);

  Immediate Push(absl::AnyInvocable<void()> callback);
  // Node's clearImmediate: a null, ran or cleared immediate is a no-op.
  void Clear(Immediate im);
  // Clears every queued immediate (Loop::Shutdown).
  void ClearAll();
  // Queued, and neither run nor cleared.
  bool Pending(Immediate im) const;
  bool Owns(Immediate im) const { return im.owner == generation_; }

  // Node's processImmediate. `run(id, callback)` executes one callback and
  // returns false to stop; returns false if it was stopped. Inline: one
  // chained immediate is one loop iteration, and this is most of its work.
  template <typename Run>
  bool Process(Run&& run) {
    // Run leftovers from a failed pass first; otherwise take a snapshot so
    // immediates queued from now on wait for the next iteration. Leftovers
    // that were all cleared since must not cost the new ones an iteration.
    while (!outstanding_.empty() && outstanding_.front().cleared) outstanding_.pop_front();
    if (outstanding_.empty()) std::swap(outstanding_, queue_);
    while (!outstanding_.empty()) {
      Entry& e = outstanding_.front();
      if (e.cleared) {
        outstanding_.pop_front();
        continue;
      }
      ABSL_RAW_CHECK(count_ > 0, "the immediate count went below 0");
      --count_;
      // In place: pushes go to queue_, and Clear leaves the running entry
      // alone (it has run, for Node), so `e` stays where it is meanwhile.
      running_ = e.id;
      const bool go_on = run(e.id, e.callback);
      running_ = 0;
      outstanding_.pop_front();
      if (!go_on) return false;
    }
    return true;
  }

  // Immediates queued and not yet run or cleared (Node's kCount); all are
  // ref'd, so this is also Node's kRefCount.
  int64_t count() const { return count_; }
  int64_t ref_count() const { return count_; }

 private:
  struct Entry {
    uint64_t id;
    bool cleared;
    absl::AnyInvocable<void()> callback;
  };
  // The entry for `id` in either queue, or null.
  const Entry* Find(uint64_t id) const;

  absl::AnyInvocable<void(bool)> toggle_ref_;
  const uint64_t generation_;  // NextGeneration(); stamps every Immediate
  uint64_t next_id_ = 1;
  uint64_t running_ = 0;  // the id whose callback is on the stack, or 0
  int64_t count_ = 0;
  std::deque<Entry> queue_;        // Node's immediateQueue
  std::deque<Entry> outstanding_;  // Node's outstandingQueue
};

}  // namespace runtime

#endif  // TWINLOOP_RUNTIME_IMMEDIATE_QUEUE_H_
