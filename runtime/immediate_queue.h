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

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"

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

  // Node's processImmediate. `run` executes one callback and returns false
  // to stop; returns false if it was stopped.
  bool Process(absl::FunctionRef<bool(uint64_t id, absl::AnyInvocable<void()>&)> run);

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
  int64_t count_ = 0;
  std::deque<Entry> queue_;        // Node's immediateQueue
  std::deque<Entry> outstanding_;  // Node's outstandingQueue
};

}  // namespace runtime

#endif  // TWINLOOP_RUNTIME_IMMEDIATE_QUEUE_H_
