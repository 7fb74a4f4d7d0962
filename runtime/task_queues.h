// TaskQueues: Node's nextTick queue and the microtask queue.
//
// Node drains them after every macrotask callback and after the main script
// (lib/internal/process/task_queues.js, processTicksAndRejections): every
// nextTick runs, including ones queued meanwhile, then every microtask
// (V8 drains its queue completely), and this repeats until both are empty.
// So a nextTick queued by a microtask waits until the microtask queue is
// empty, and a microtask queued by a nextTick waits until no tick is left.
//
// Threading: loop thread only (the Loop checks).
#ifndef TWINLOOP_RUNTIME_TASK_QUEUES_H_
#define TWINLOOP_RUNTIME_TASK_QUEUES_H_

#include <cstddef>
#include <deque>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"

namespace runtime {

class TaskQueues {
 public:
  using Task = absl::AnyInvocable<void()>;
  enum class Queue { kNextTick, kMicrotask };
  enum class DrainResult {
    kEmpty,    // both queues drained
    kStopped,  // `run` returned false; the rest stays queued
    kLimit,    // `limit` callbacks ran and work remains; see limit_queue()
  };

  void PushTick(Task t) { ticks_.push_back(std::move(t)); }
  void PushMicrotask(Task t) { microtasks_.push_back(std::move(t)); }
  bool empty() const { return ticks_.empty() && microtasks_.empty(); }
  // Drops every queued task (Loop::Shutdown, once nothing will drain).
  void Clear() {
    ticks_.clear();
    microtasks_.clear();
  }
  size_t size() const { return ticks_.size() + microtasks_.size(); }

  // Runs queued tasks in Node's order through `run`, which executes one task
  // and returns false to stop. At most `limit` tasks run (0: no limit).
  DrainResult Drain(absl::FunctionRef<bool(Queue, Task&)> run, size_t limit);

  // The queue that was still busy when Drain hit its limit.
  Queue limit_queue() const { return limit_queue_; }

 private:
  std::deque<Task> ticks_;
  std::deque<Task> microtasks_;
  Queue limit_queue_ = Queue::kNextTick;
};

const char* QueueName(TaskQueues::Queue q);

}  // namespace runtime

#endif  // TWINLOOP_RUNTIME_TASK_QUEUES_H_
