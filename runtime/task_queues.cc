#include "runtime/task_queues.h"

#include <utility>

namespace runtime {

const char* QueueName(TaskQueues::Queue q) {
  return q == TaskQueues::Queue::kNextTick ? "nextTick" : "microtask";
}

TaskQueues::DrainResult TaskQueues::Drain(
    absl::FunctionRef<bool(Queue, Task&)> run, size_t limit) {
  size_t ran = 0;
  auto run_all = [&](std::deque<Task>& q, Queue which) -> DrainResult {
    while (!q.empty()) {
      if (limit != 0 && ran == limit) {
        limit_queue_ = which;
        return DrainResult::kLimit;
      }
      Task t = std::move(q.front());
      q.pop_front();
      ++ran;
      if (!run(which, t)) return DrainResult::kStopped;
    }
    return DrainResult::kEmpty;
  };
  while (!empty()) {
    DrainResult r = run_all(ticks_, Queue::kNextTick);
    if (r != DrainResult::kEmpty) return r;
    r = run_all(microtasks_, Queue::kMicrotask);
    if (r != DrainResult::kEmpty) return r;
  }
  return DrainResult::kEmpty;
}

}  // namespace runtime
