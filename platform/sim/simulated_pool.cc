#include "platform/sim/simulated_pool.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/base/internal/raw_logging.h"

#include "absl/strings/str_cat.h"

namespace platform_sim {

SimulatedPool::SimulatedPool(fakeclock::EventQueue* events, SimulatedCpu* cpu,
                             int size, platform::TraceSink* trace,
                             OnComplete on_complete, OnFault on_fault)
    : events_(events),
      cpu_(cpu),
      trace_(trace),
      on_complete_(std::move(on_complete)),
      on_fault_(std::move(on_fault)),
      threads_(size) {}

void SimulatedPool::Record(int thread, platform::TraceEventKind event, uint64_t token) {
  trace_->Record({.t_ns = events_->Now().nanos(),
                  .thread = thread < 0 ? "loop" : absl::StrCat("pool-", thread),
                  .event = event,
                  .id = static_cast<int64_t>(token)});
}

void SimulatedPool::Submit(uint64_t token, platform::PoolWork work, Starter start) {
  Trace(-1, platform::TraceEventKind::kPoolEnqueue, token);
  queue_.emplace_back(token, std::move(work), std::move(start), events_->Now());
  Dispatch();
  // After Dispatch: work a free thread takes at once never waited.
  max_queued_ = std::max<int64_t>(max_queued_, static_cast<int64_t>(queue_.size()));
}

absl::Status SimulatedPool::Cancel(uint64_t token) {
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->token == token) {
      queue_.erase(it);
      Trace(-1, platform::TraceEventKind::kPoolCancel, token);
      on_complete_(token, absl::CancelledError("work cancelled before it started"),
                   base::Duration::Zero());
      return absl::OkStatus();
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat("pool work ", token, " already started or finished"));
}

std::deque<SimulatedPool::Task>::iterator SimulatedPool::NextEligible() {
  return platform::NextEligibleWork(queue_, slow_running_, size());
}

void SimulatedPool::Dispatch() {
  // Iterative: a task with no cost finishes at once and frees its thread, so
  // recursing here could go as deep as the queue is long.
  if (dispatching_) return;
  dispatching_ = true;
  for (bool started = true; started && !queue_.empty();) {
    started = false;
    for (int t = 0; t < size() && !queue_.empty(); ++t) {
      if (threads_[t]) continue;
      auto next = NextEligible();
      if (next == queue_.end()) break;
      threads_[t] = std::move(*next);
      queue_.erase(next);
      if (threads_[t]->work.kind == platform::PoolWork::Kind::kSlowIo) ++slow_running_;
      ++busy_;
      max_busy_ = std::max<int64_t>(max_busy_, busy_);
      threads_[t]->queue_wait = events_->Now() - threads_[t]->enqueued;
      started = true;
      Trace(t, platform::TraceEventKind::kPoolStart, threads_[t]->token);
      if (threads_[t]->start) {
        const base::Duration wait = threads_[t]->start();
        threads_[t]->work.segments.push_back({platform::Segment::Kind::kWait, wait});
      }
      RunSegments(t, 0);
    }
  }
  dispatching_ = false;
}

void SimulatedPool::RunSegments(int thread, size_t index) {
  ABSL_RAW_CHECK(threads_[thread].has_value(), "segment event for an idle pool thread");
  Task& task = *threads_[thread];
  const std::vector<platform::Segment>& segments = task.work.segments;
  while (index < segments.size() && segments[index].duration <= base::Duration::Zero()) ++index;
  if (index == segments.size()) {
    Finish(thread);
    return;
  }
  const platform::Segment& seg = segments[index];
  auto next = [this, thread, index] { RunSegments(thread, index + 1); };
  const absl::Status s = seg.kind == platform::Segment::Kind::kCpu
                             ? cpu_->Start(seg.duration, next)
                             : events_->ScheduleAfter(seg.duration, next).status();
  if (!s.ok()) {
    on_fault_(absl::Status(s.code(), absl::StrCat("pool work ", task.token, " on pool thread ",
                                                  thread, ": ", s.message())));
  }
}

void SimulatedPool::Finish(int thread) {
  Task task = std::move(*threads_[thread]);
  threads_[thread].reset();
  --busy_;
  if (task.work.kind == platform::PoolWork::Kind::kSlowIo) --slow_running_;
  // The body runs "on the pool thread". An exception must not unwind
  // through the simulator: it becomes the task's status, as a failed fs
  // call's error reaches its callback.
  absl::Status status;
  if (task.work.body) {
    try {
      task.work.body();
    } catch (const std::exception& e) {
      status = absl::InternalError(absl::StrCat("pool work threw: ", e.what()));
    } catch (...) {
      status = absl::InternalError("pool work threw a non-standard exception");
    }
  }
  Trace(thread, platform::TraceEventKind::kPoolFinish, task.token);
  on_complete_(task.token, std::move(status), task.queue_wait);
  Dispatch();
}

}  // namespace platform_sim
