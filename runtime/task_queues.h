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
#include <utility>

#include "absl/functional/any_invocable.h"

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

  // Runs queued tasks in Node's order through `run(Queue, Task&)`, which
  // executes one task and returns false to stop. At most `limit` tasks run
  // (0: no limit). A template, inline: this is the tightest loop the loop
  // has, and Node runs it as JIT-compiled JavaScript.
  template <typename Run>
  DrainResult Drain(Run&& run, size_t limit) {
    size_t ran = 0;
    while (!empty()) {
      DrainResult r = DrainOne(ticks_, Queue::kNextTick, run, limit, ran);
      if (r != DrainResult::kEmpty) return r;
      r = DrainOne(microtasks_, Queue::kMicrotask, run, limit, ran);
      if (r != DrainResult::kEmpty) return r;
    }
    return DrainResult::kEmpty;
  }

  // The queue that was still busy when Drain hit its limit.
  Queue limit_queue() const { return limit_queue_; }

 private:
  // Runs `q` until it is empty, including tasks queued meanwhile.
  template <typename Run>
  DrainResult DrainOne(std::deque<Task>& q, Queue which, Run& run, size_t limit, size_t& ran) {
    while (!q.empty()) {
      if (limit != 0 && ran == limit) {
        limit_queue_ = which;
        return DrainResult::kLimit;
      }
      ++ran;
      // Run in place, then dropped: a task may queue more (a deque's
      // push_back keeps references valid), and nothing else takes from
      // these queues while one runs (Shutdown, which clears them, refuses
      // to run inside a callback).
      const bool go_on = run(which, q.front());
      q.pop_front();
      if (!go_on) return DrainResult::kStopped;
    }
    return DrainResult::kEmpty;
  }

  std::deque<Task> ticks_;
  std::deque<Task> microtasks_;
  Queue limit_queue_ = Queue::kNextTick;
};

inline const char* QueueName(TaskQueues::Queue q) {
  return q == TaskQueues::Queue::kNextTick ? "nextTick" : "microtask";
}

}  // namespace runtime

#endif  // TWINLOOP_RUNTIME_TASK_QUEUES_H_
