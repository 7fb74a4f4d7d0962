// Loop: an event loop with Node.js v20's observable scheduling.
//
// The loop runs libuv's phases (src/unix/core.c, uv_run, libuv >= 1.45):
// in DEFAULT mode a timers pre-pass, then per iteration pending → idle →
// prepare → poll → check → close callbacks → update time → timers. On top of
// that sit Node's layers: per-duration timer lists behind one loop timer,
// setImmediate through a check handle, and the nextTick and microtask queues,
// drained after every macrotask callback. See runtime/SEMANTICS.md.
//
// Everything the loop learns from the outside (time, completions, their
// order) comes through platform::Platform, so the same program runs on the
// simulated and the real platform.
//
// Errors: every method returns absl::Status(Or). A callback that throws stops
// Run, which returns the error (ABORTED, naming the callback); the loop stays
// consistent and Run may be called again. Runaway nextTick/microtask chains,
// and (when LoopOptions asks) immediate chains, stop Run with
// RESOURCE_EXHAUSTED.
//
// Threading: a Loop belongs to the thread that created it. Every method
// called from another thread fails with FAILED_PRECONDITION and changes
// nothing.
#ifndef TWINLOOP_RUNTIME_LOOP_H_
#define TWINLOOP_RUNTIME_LOOP_H_

#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "platform/platform.h"
#include "runtime/immediate_queue.h"
#include "runtime/task_queues.h"
#include "runtime/timer_lists.h"

namespace runtime {

enum class RunMode { kDefault, kOnce, kNoWait };

enum class Phase { kMain, kTimers, kPending, kIdle, kPrepare, kPoll, kCheck, kClose };
const char* PhaseName(Phase p);

enum class HandleType { kIdle, kPrepare, kCheck };
using HandleId = uint64_t;
using RequestId = uint64_t;

struct LoopOptions {
  // nextTick + microtask callbacks one drain may run before Run stops with
  // RESOURCE_EXHAUSTED (0: no limit).
  size_t max_tasks_per_drain = 1'000'000;
  // Loop iterations in a row whose check phase leaves new immediates queued
  // before Run stops with RESOURCE_EXHAUSTED (0: no limit). Simulations set
  // it: there an endless immediate chain would never let time advance.
  size_t max_immediate_chain = 0;
};

class Loop : private TimerHost {
 public:
  using Callback = absl::AnyInvocable<void()>;
  using Done = absl::AnyInvocable<void(absl::Status)>;

  // `platform` must outlive the loop.
  explicit Loop(platform::Platform* platform, LoopOptions options = {});
  ~Loop() override;
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // --- Node timers (lib/timers.js). A delay outside [1, 2^31-1] ms is 1 ms.
  absl::StatusOr<Timer> SetTimeout(Callback cb, double ms);
  absl::StatusOr<Timer> SetInterval(Callback cb, double ms);
  // A null, fired or already cleared timer is a no-op, as in Node.
  absl::Status ClearTimeout(const Timer& t);
  absl::Status ClearInterval(const Timer& t) { return ClearTimeout(t); }
  absl::Status Ref(const Timer& t);
  absl::Status Unref(const Timer& t);
  absl::Status Refresh(const Timer& t);
  absl::StatusOr<bool> HasRef(const Timer& t) const;

  // --- setImmediate / nextTick / queueMicrotask.
  absl::StatusOr<Immediate> SetImmediate(Callback cb);
  // A default, ran or already cleared immediate is a no-op, as in Node.
  absl::Status ClearImmediate(Immediate im);
  // Whether `im` is still queued (not run, not cleared).
  absl::StatusOr<bool> ImmediatePending(Immediate im) const;
  absl::Status NextTick(Callback cb);
  absl::Status QueueMicrotask(Callback cb);

  // --- libuv idle/prepare/check handles. A handle starts stopped and ref'd.
  absl::StatusOr<HandleId> NewHandle(HandleType type);
  absl::Status StartHandle(HandleId h, Callback cb);
  absl::Status StopHandle(HandleId h);
  absl::Status RefHandle(HandleId h);
  absl::Status UnrefHandle(HandleId h);
  // uv_close: stops the handle; `on_close` runs in the close phase. Closing
  // twice is an error.
  absl::Status Close(HandleId h, Callback on_close = nullptr);

  // --- Thread pool and I/O. `after`/`done` run on the loop in the poll phase.
  absl::StatusOr<RequestId> QueueWork(platform::PoolWork work, Done after);
  // uv_cancel: only work that has not started; its `after` then gets
  // CANCELLED. FAILED_PRECONDITION once started, NOT_FOUND if unknown.
  absl::Status CancelWork(RequestId id);
  absl::StatusOr<RequestId> StartNetwork(platform::Nanos latency, Done done);
  // The current callback computes for `duration` ns, blocking the loop.
  absl::Status ConsumeCpu(platform::Nanos duration);
  // Records a user log line in the trace.
  absl::Status Log(std::string_view label);

  // --- Running.
  // Runs `main` as Node runs the main module: one macrotask, then the
  // nextTick and microtask queues drain. Returns the callback's error.
  absl::Status RunScript(Callback main);
  // uv_run. Returns whether the loop is still alive, or the error that
  // stopped it.
  absl::StatusOr<bool> Run(RunMode mode = RunMode::kDefault);
  absl::Status Stop();
  absl::StatusOr<bool> Alive() const;
  // Loop time in whole milliseconds (uv_now); updated as libuv does.
  absl::StatusOr<int64_t> Now() const;
  // Platform time in nanoseconds, read now (like process.hrtime).
  absl::StatusOr<platform::Nanos> HrTime() const;

 private:
  struct Handle {
    HandleId id = 0;
    HandleType type = HandleType::kIdle;
    bool active = false;
    bool refed = true;
    bool closing = false;
    bool internal = false;
    Callback cb;
    Callback close_cb;
    std::list<Handle*>* in = nullptr;  // the list it is queued in
    std::list<Handle*>::iterator pos;
  };
  struct Request {
    enum class Kind { kWork, kNetwork } kind;
    Done done;
  };
  // Node's single uv_timer_t that drives every JavaScript timer.
  struct TimerHandle {
    bool active = false;
    bool refed = false;
    int64_t due = 0;
  };

  absl::Status CheckThread(const char* method) const;
  absl::StatusOr<Handle*> FindHandle(HandleId id, const char* method);
  std::list<Handle*>& ListFor(HandleType type);
  void StartWatcher(Handle* h);
  void StopWatcher(Handle* h);
  bool AliveNow() const;
  int64_t BackendTimeout() const;
  void UpdateTime();

  // Phases.
  void RunWatchers(HandleType type, Phase phase);
  void RunTimersPhase();
  void RunNodeTimers();  // Node's RunTimers (src/env.cc)
  void PollPhase(int64_t timeout_ms);
  void CheckImmediates();  // Node's CheckImmediate
  void RunClosing();

  // Runs one macrotask callback, then drains nextTicks and microtasks.
  // Returns false if the loop has failed.
  bool RunMacrotask(Phase phase, const char* kind, int64_t id, Callback& cb);
  void DrainTasks();
  bool Invoke(const char* kind, int64_t id, Callback& cb);
  void Fail(absl::Status status);
  // Records a loop event. Callers on hot paths test tracing() first so that
  // an untraced loop builds no strings.
  bool tracing() const { return trace_ != nullptr; }
  void Trace(const char* event, const char* kind = "", int64_t id = -1,
             std::string_view detail = {});
  std::string TimeForHumans() const;
  void ToggleImmediateRef(bool ref);

  // TimerHost.
  int64_t RefreshNow() override;
  void ScheduleTimer(int64_t ms) override;
  void ToggleTimerRef(bool ref) override;
  bool RunTimerCallback(Timeout& timer, Callback& callback) override;
  bool RunNextTicks() override;

  platform::Platform* const platform_;
  platform::TraceSink* const trace_;
  const LoopOptions options_;
  const std::thread::id owner_;

  int64_t now_ms_ = 0;
  Phase phase_ = Phase::kMain;
  bool stop_ = false;
  bool running_ = false;
  absl::Status error_;

  TimerLists timers_;
  TimerHandle timer_handle_;
  ImmediateQueue immediates_;
  TaskQueues tasks_;
  size_t immediate_chain_ = 0;

  HandleId next_handle_id_ = 1;
  absl::flat_hash_map<HandleId, std::unique_ptr<Handle>> handles_;
  std::list<Handle*> idle_;
  std::list<Handle*> prepare_;
  std::list<Handle*> check_;
  std::deque<Handle*> closing_;  // front = closed first (libuv: LIFO)
  int64_t active_ref_handles_ = 0;  // user handles, active and ref'd
  Handle immediate_check_;  // Node's immediate_check_handle (unref'd)
  Handle immediate_idle_;   // Node's immediate_idle_handle

  RequestId next_request_id_ = 1;
  absl::flat_hash_map<RequestId, Request> requests_;
  // Completions from Poll; [delivered_, size) are still to run. The vector is
  // reused by every poll, and what a failed callback left undelivered runs
  // first at the next poll.
  std::vector<platform::Completion> polled_;
  size_t delivered_ = 0;
  bool HasUndelivered() const { return delivered_ < polled_.size(); }
};

}  // namespace runtime

#endif  // TWINLOOP_RUNTIME_LOOP_H_
