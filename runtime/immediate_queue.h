// ImmediateQueue: Node's setImmediate queue (lib/internal/timers.js,
// processImmediate).
//
// The check phase runs a snapshot: immediates queued while it runs wait for
// the next loop iteration. If a callback fails, the rest of the snapshot is
// kept as the "outstanding" queue and runs first next time, as Node does.
// A cleared immediate never runs, even if it is already in the snapshot.
//
// Ref counting follows Node's immediateInfo[kRefCount]: while a ref'd
// immediate is queued, the loop keeps an idle handle active so it stays alive
// and polls without blocking (Node's ToggleImmediateRef).
//
// Threading: loop thread only (the Loop checks).
#ifndef TWINLOOP_RUNTIME_IMMEDIATE_QUEUE_H_
#define TWINLOOP_RUNTIME_IMMEDIATE_QUEUE_H_

#include <cstdint>
#include <deque>
#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"

namespace runtime {

class ImmediateQueue;

class ImmediateState {
 public:
  uint64_t id() const { return id_; }
  bool has_ref() const { return refed_; }
  bool done() const { return destroyed_; }  // ran or was cleared

 private:
  friend class ImmediateQueue;
  const void* owner_ = nullptr;
  uint64_t id_ = 0;
  bool refed_ = true;
  bool destroyed_ = false;
  absl::AnyInvocable<void()> callback_;
};

using Immediate = std::shared_ptr<ImmediateState>;

class ImmediateQueue {
 public:
  // `toggle_ref(true)` when the ref count leaves 0, `(false)` when it drops
  // to 0 through clearImmediate; the check phase drops it after running.
  explicit ImmediateQueue(absl::AnyInvocable<void(bool)> toggle_ref);

  Immediate Push(absl::AnyInvocable<void()> callback);
  // Node's clearImmediate: a null, ran or cleared immediate is a no-op.
  void Clear(const Immediate& im);
  bool Owns(const Immediate& im) const { return im->owner_ == this; }

  // Node's processImmediate. `run` executes one callback and returns false
  // to stop; returns false if it was stopped.
  bool Process(absl::FunctionRef<bool(ImmediateState&, absl::AnyInvocable<void()>&)> run);

  // Immediates queued and not yet run or cleared (Node's kCount).
  int64_t count() const { return count_; }
  int64_t ref_count() const { return ref_count_; }

 private:
  absl::AnyInvocable<void(bool)> toggle_ref_;
  uint64_t next_id_ = 1;
  int64_t count_ = 0;
  int64_t ref_count_ = 0;
  std::deque<Immediate> queue_;        // Node's immediateQueue
  std::deque<Immediate> outstanding_;  // Node's outstandingQueue
};

}  // namespace runtime

#endif  // TWINLOOP_RUNTIME_IMMEDIATE_QUEUE_H_
