#include "platform/sim/simulated_pool.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace platform_sim {

SimulatedPool::SimulatedPool(fakeclock::EventQueue* events, SimulatedCpu* cpu,
                             int size, platform::TraceSink* trace,
                             OnComplete on_complete)
    : events_(events),
      cpu_(cpu),
      trace_(trace),
      on_complete_(std::move(on_complete)),
      threads_(size) {}

void SimulatedPool::Trace(int thread, const char* event, uint64_t token) {
  if (trace_ == nullptr) return;
  trace_->Record({.t_ns = events_->Now(),
                  .thread = thread < 0 ? "loop" : absl::StrCat("pool-", thread),
                  .event = event,
                  .id = static_cast<int64_t>(token)});
}

void SimulatedPool::Submit(uint64_t token, platform::PoolWork work) {
  Trace(-1, "pool_enqueue", token);
  queue_.push_back({token, std::move(work)});
  Dispatch();
}

absl::Status SimulatedPool::Cancel(uint64_t token) {
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->token == token) {
      queue_.erase(it);
      Trace(-1, "pool_cancel", token);
      on_complete_(token, absl::CancelledError("work cancelled before it started"));
      return absl::OkStatus();
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat("pool work ", token, " already started or finished"));
}

void SimulatedPool::Dispatch() {
  for (int t = 0; t < size() && !queue_.empty(); ++t) {
    if (threads_[t]) continue;
    threads_[t] = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    Trace(t, "pool_start", threads_[t]->token);
    RunSegment(t, 0);
  }
}

void SimulatedPool::RunSegment(int thread, size_t index) {
  Task& task = *threads_[thread];
  if (index == task.work.segments.size()) {
    if (task.work.body) task.work.body();
    const uint64_t token = task.token;
    threads_[thread].reset();
    --busy_;
    Trace(thread, "pool_finish", token);
    on_complete_(token, absl::OkStatus());
    Dispatch();
    return;
  }
  const platform::Segment& seg = task.work.segments[index];
  auto next = [this, thread, index] { RunSegment(thread, index + 1); };
  if (seg.duration <= 0) {
    next();
  } else if (seg.kind == platform::Segment::Kind::kCpu) {
    cpu_->Start(seg.duration, next);
  } else {
    // Cannot fail: the delay is positive.
    events_->ScheduleAfter(seg.duration, next).IgnoreError();
  }
}

}  // namespace platform_sim
