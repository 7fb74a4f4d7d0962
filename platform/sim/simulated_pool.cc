#include "platform/sim/simulated_pool.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/internal/raw_logging.h"

#include "absl/strings/str_cat.h"

namespace platform_sim {

SimulatedPool::SimulatedPool(fakeclock::EventQueue* events, SimulatedCpu* cpu, int size,
                             platform::TraceSink* trace, OnComplete on_complete, OnFault on_fault)
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

void SimulatedPool::Submit(uint64_t token, platform::PoolWork&& work) {
  Add(token, std::move(work), nullptr);
}

void SimulatedPool::Submit(uint64_t token, platform::PoolWork&& work, Starter start) {
  Add(token, std::move(work), &start);
}

void SimulatedPool::Add(uint64_t token, platform::PoolWork&& work, Starter* start) {
  Trace(-1, platform::TraceEventKind::kPoolEnqueue, token);
  const uint32_t slot = free_tasks_.Take(tasks_);
  Task& task = tasks_[slot];
  task.token = token;
  task.work = std::move(work);
  const bool has_start = start != nullptr && *start;
  if (has_start) starts_[slot] = std::move(*start);
  task.enqueued = events_->Now();
  if (queue_.empty() && busy_ < size() && !dispatching_ &&
      platform::MayStartWork(task.work.kind, slow_running_, size())) {
    // What Dispatch would do with this task alone in the queue, without the
    // queue: a free thread takes it at once (the lowest-numbered), and the
    // pass goes on from the next thread, as Dispatch's would (a task with
    // no cost finishes inside StartOn, and its body may submit more: that
    // work is queued, not started recursively).
    int thread = 0;
    while (threads_[thread].task != kIdle) ++thread;
    dispatching_ = true;
    StartOn(thread, slot, has_start);
    DispatchFrom(thread + 1);
  } else {
    queue_.emplace_back() = {slot, static_cast<uint8_t>(task.work.kind), has_start};
    Dispatch();
  }
  // After Dispatch: work a free thread takes at once never waited.
  max_queued_ = std::max<int64_t>(max_queued_, static_cast<int64_t>(queue_.size()));
}

absl::Status SimulatedPool::Cancel(uint64_t token) {
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (tasks_[it->task].token == token) {
      const uint32_t slot = it->task;
      const bool has_start = it->has_start;
      queue_.erase(it);
      // Freed before the callback runs, which may submit more work.
      platform::PoolWork dropped = std::move(tasks_[slot].work);
      Starter dropped_start = has_start ? TakeStarter(slot) : nullptr;
      free_tasks_.Put(slot);
      Trace(-1, platform::TraceEventKind::kPoolCancel, token);
      on_complete_(token, absl::CancelledError("work cancelled before it started"),
                   base::Duration::Zero());
      return absl::OkStatus();
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat("pool work ", token, " already started or finished"));
}

void SimulatedPool::Dispatch() {
  // Iterative: a task with no cost finishes at once and frees its thread, so
  // recursing here could go as deep as the queue is long. With no thread
  // free (the usual case while work queues up) no pass could start anything.
  if (dispatching_ || busy_ == size() || queue_.empty()) return;
  dispatching_ = true;
  DispatchFrom(0);
}

void SimulatedPool::DispatchFrom(int first) {
  // The rest of the current pass (a caller that resumes one at first > 0
  // has started a task in it), then more passes while they start work.
  bool started = PassFrom(first) || first > 0;
  while (started && !queue_.empty() && busy_ < size()) started = PassFrom(0);
  dispatching_ = false;
}

bool SimulatedPool::PassFrom(int first) {
  bool started = false;
  for (int t = first; t < size() && !queue_.empty(); ++t) {
    if (threads_[t].task != kIdle) continue;
    auto next = platform::NextEligibleWork(queue_, slow_running_, size(),
                                           [](const Queued& q) { return q.work_kind(); });
    if (next == queue_.end()) break;
    const uint32_t slot = next->task;
    const bool has_start = next->has_start;
    if (next == queue_.begin()) {
      queue_.pop_front();
    } else {
      queue_.erase(next);
    }
    StartOn(t, slot, has_start);
    started = true;
  }
  return started;
}

void SimulatedPool::StartOn(int thread, uint32_t slot, bool has_start) {
  Task& task = tasks_[slot];
  threads_[thread] = {.task = slot, .queue_wait = events_->Now() - task.enqueued};
  if (task.work.kind == platform::PoolWork::Kind::kSlowIo) ++slow_running_;
  ++busy_;
  max_busy_ = std::max<int64_t>(max_busy_, busy_);
  Trace(thread, platform::TraceEventKind::kPoolStart, task.token);
  if (has_start) {
    Starter start = TakeStarter(slot);
    const base::Duration wait = start();
    tasks_[slot].work.segments.push_back({platform::Segment::Kind::kWait, wait});
  }
  RunSegments(static_cast<uint32_t>(thread), 0);
}

SimulatedPool::Starter SimulatedPool::TakeStarter(uint32_t slot) {
  return std::move(starts_.extract(slot).mapped());
}

void SimulatedPool::RunSegments(uint32_t thread, uint32_t index) {
  ABSL_RAW_CHECK(threads_[thread].task != kIdle, "segment event for an idle pool thread");
  const uint32_t slot = threads_[thread].task;
  const platform::Segments& segments = tasks_[slot].work.segments;
  while (index < segments.size() && segments[index].duration <= base::Duration::Zero()) ++index;
  if (index == segments.size()) {
    Finish(static_cast<int>(thread));
    return;
  }
  const platform::Segment& seg = segments[index];
  const uint64_t next = SegmentTag(thread, index + 1);
  const absl::Status s = seg.kind == platform::Segment::Kind::kCpu
                             ? cpu_->Start(seg.duration, this, next)
                             : events_->ScheduleAfter(seg.duration, this, next).status();
  if (!s.ok()) {
    on_fault_(absl::Status(s.code(), absl::StrCat("pool work ", tasks_[slot].token,
                                                  " on pool thread ", thread, ": ",
                                                  s.message())));
  }
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline void SimulatedPool::Finish(int thread) {
  const uint32_t slot = threads_[thread].task;
  const base::Duration queue_wait = threads_[thread].queue_wait;
  threads_[thread].task = kIdle;
  --busy_;
  Task& task = tasks_[slot];
  const uint64_t token = task.token;
  if (task.work.kind == platform::PoolWork::Kind::kSlowIo) --slow_running_;
  // Out of the slab before it runs: the body may reach code that submits.
  absl::AnyInvocable<void()> body = std::move(task.work.body);
  free_tasks_.Put(slot);
  // The body runs "on the pool thread". An exception must not unwind
  // through the simulator: it becomes the task's status, as a failed fs
  // call's error reaches its callback.
  absl::Status status;
  if (body) {
    try {
      body();
    } catch (const std::exception& e) {
      status = absl::InternalError(absl::StrCat("pool work threw: ", e.what()));
    } catch (...) {
      status = absl::InternalError("pool work threw a non-standard exception");
    }
  }
  Trace(thread, platform::TraceEventKind::kPoolFinish, token);
  on_complete_(token, std::move(status), queue_wait);
  Dispatch();
}

}  // namespace platform_sim
