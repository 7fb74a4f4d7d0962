#include "runtime/loop.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <exception>
#include <utility>

#include "absl/base/internal/raw_logging.h"

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace runtime {

#define TL_RETURN_IF_ERROR(expr)          \
  do {                                    \
    absl::Status _st = (expr);            \
    if (!_st.ok()) return _st;            \
  } while (0)

const char* PhaseName(Phase p) {
  switch (p) {
    case Phase::kMain: return "main";
    case Phase::kTimers: return "timers";
    case Phase::kPending: return "pending";
    case Phase::kIdle: return "idle";
    case Phase::kPrepare: return "prepare";
    case Phase::kPoll: return "poll";
    case Phase::kCheck: return "check";
    case Phase::kClose: return "close";
  }
  return "?";
}

namespace {
const char* HandleKind(HandleType t) {
  switch (t) {
    case HandleType::kIdle: return "idle";
    case HandleType::kPrepare: return "prepare";
    case HandleType::kCheck: return "check";
  }
  return "?";
}
}  // namespace

Loop::Loop(platform::Platform* platform, LoopOptions options)
    : platform_(platform),
      trace_(platform->trace()),
      options_(options),
      owner_(std::this_thread::get_id()),
      timers_(this),
      immediates_([this](bool on) { ToggleImmediateRef(on); }) {
  UpdateTime();  // uv_loop_init reads the clock
  // Node (src/env.cc, InitializeLibuv) starts an unref'd check handle for
  // immediates before any user code, and keeps a ref'd idle handle active
  // while ref'd immediates are queued, so that poll does not block.
  immediate_check_.type = HandleType::kCheck;
  immediate_check_.internal = true;
  immediate_check_.refed = false;
  immediate_check_.cb = [this] { CheckImmediates(); };
  StartWatcher(&immediate_check_);
  immediate_idle_.type = HandleType::kIdle;
  immediate_idle_.internal = true;
  immediate_idle_.cb = [] {};
}

Loop::~Loop() = default;

absl::Status Loop::CheckThread(const char* method) const {
  if (std::this_thread::get_id() == owner_) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("Loop::", method,
                   " called from a thread that does not own the loop; a Loop "
                   "may only be used from the thread that created it"));
}

void Loop::UpdateTime() { now_ms_ = platform_->Now() / platform::kNanosPerMilli; }

std::string Loop::TimeForHumans() const {
  return absl::StrFormat("t=%.3f ms",
                         static_cast<double>(platform_->Now()) / platform::kNanosPerMilli);
}

void Loop::Trace(const char* event, const char* kind, int64_t id, std::string_view detail) {
  if (trace_ == nullptr) return;
  trace_->Record({.t_ns = platform_->Now(),
                  .thread = "loop",
                  .event = event,
                  .phase = PhaseName(phase_),
                  .kind = kind,
                  .id = id,
                  .detail = std::string(detail)});
}

void Loop::Fail(absl::Status status) {
  if (error_.ok()) {
    error_ = std::move(status);
    Trace("error", "", -1, std::string(error_.message()));
  }
  stop_ = true;
}

// --- Callbacks -------------------------------------------------------------

bool Loop::Invoke(const char* kind, int64_t id, Callback& cb) {
  if (tracing()) Trace("cb_begin", kind, id);
  try {
    cb();
  } catch (const std::exception& e) {
    Fail(absl::AbortedError(absl::StrCat("uncaught exception in ", kind,
                                         " callback at ", TimeForHumans(), ": ",
                                         e.what())));
  } catch (...) {
    Fail(absl::AbortedError(absl::StrCat("uncaught exception in ", kind,
                                         " callback at ", TimeForHumans(),
                                         ": (not a std::exception)")));
  }
  if (tracing()) Trace("cb_end", kind, id);
  return error_.ok();
}

void Loop::DrainTasks() {
  if (tasks_.empty()) return;
  const TaskQueues::DrainResult r = tasks_.Drain(
      [this](TaskQueues::Queue q, TaskQueues::Task& t) { return Invoke(QueueName(q), -1, t); },
      options_.max_tasks_per_drain);
  if (r == TaskQueues::DrainResult::kLimit) {
    Fail(absl::ResourceExhaustedError(absl::StrCat(
        "aborting after running ", options_.max_tasks_per_drain,
        " nextTick and microtask callbacks in one drain at ", TimeForHumans(),
        ": the ", QueueName(tasks_.limit_queue()), " queue never empties")));
  }
}

bool Loop::RunMacrotask(Phase phase, const char* kind, int64_t id, Callback& cb) {
  if (!error_.ok()) return false;
  phase_ = phase;
  // Node: process.nextTick drains before promise microtasks, after every
  // macrotask callback (InternalCallbackScope::Close, runNextTicks).
  if (Invoke(kind, id, cb)) DrainTasks();
  return error_.ok();
}

// --- Timers ----------------------------------------------------------------

int64_t Loop::RefreshNow() {
  UpdateTime();
  return now_ms_;
}

void Loop::ScheduleTimer(int64_t ms) {
  // uv_timer_start: due = loop time + timeout.
  timer_handle_.active = true;
  timer_handle_.due = now_ms_ + ms;
}

void Loop::ToggleTimerRef(bool ref) { timer_handle_.refed = ref; }

bool Loop::RunTimerCallback(Timeout& timer, Callback& callback) {
  // The drain that follows comes from TimerLists (RunNextTicks), after an
  // interval has been re-armed, as in Node.
  if (!error_.ok()) return false;
  const char* kind = timer.repeats() ? "interval" : "timeout";
  phase_ = Phase::kTimers;
  if (tracing()) Trace("timer_fire", kind, static_cast<int64_t>(timer.id()));
  return Invoke(kind, static_cast<int64_t>(timer.id()), callback);
}

bool Loop::RunNextTicks() {
  DrainTasks();
  return error_.ok();
}

void Loop::RunTimersPhase() {
  // libuv 1.46's uv__run_timers (src/timer.c, unchanged from 1.45 to 1.47):
  // `for (;;) { min = heap_min(); if (min->timeout > loop->time) break; ...
  // timer_cb(); }`. It re-reads the heap minimum against the loop time after
  // every callback, so when Node's single timer was re-armed by RunTimers and
  // a tick drained after the re-arm then read the clock (setTimeout ->
  // getLibuvNow -> uv_update_time), the timer is due again and RunTimers runs
  // a second time in the same phase, before poll and check. libuv 1.48
  // collects due timers first and drops this; Node 20 ships 1.46.
  while (error_.ok() && timer_handle_.active && timer_handle_.due <= now_ms_) {
    timer_handle_.active = false;
    RunNodeTimers();
  }
}

void Loop::RunNodeTimers() {
  // Node's RunTimers (src/env.cc): processTimers(now) with a fresh now, then
  // re-arm the loop timer from what it returns.
  phase_ = Phase::kTimers;
  const int64_t next = timers_.ProcessTimers(RefreshNow());
  if (next != 0) {
    const int64_t duration = std::llabs(next) - now_ms_;
    // After a failed callback the timers still due run as soon as Run is
    // called again (Node would call processTimers again at once).
    ScheduleTimer(duration > 0 ? duration : (error_.ok() ? 1 : 0));
    timer_handle_.refed = next > 0;
  } else {
    timer_handle_.refed = false;
  }
  // Node drains after the pass's last timer when RunTimers' callback scope
  // closes, after the loop timer was re-armed.
  if (error_.ok()) DrainTasks();
}

absl::StatusOr<Timer> Loop::SetTimeout(Callback cb, double ms) {
  TL_RETURN_IF_ERROR(CheckThread("SetTimeout"));
  if (!cb) return absl::InvalidArgumentError("Loop::SetTimeout: empty callback");
  return timers_.SetTimeout(std::move(cb), ms);
}

absl::StatusOr<Timer> Loop::SetInterval(Callback cb, double ms) {
  TL_RETURN_IF_ERROR(CheckThread("SetInterval"));
  if (!cb) return absl::InvalidArgumentError("Loop::SetInterval: empty callback");
  return timers_.SetInterval(std::move(cb), ms);
}

namespace {
absl::Status CheckTimer(const TimerLists& lists, const Timer& t, const char* method) {
  if (t == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("Loop::", method, ": null timer"));
  }
  if (!lists.Owns(t)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Loop::", method, ": timer ", t->id(), " belongs to another loop"));
  }
  return absl::OkStatus();
}
}  // namespace

absl::Status Loop::ClearTimeout(const Timer& t) {
  TL_RETURN_IF_ERROR(CheckThread("ClearTimeout"));
  if (t == nullptr) return absl::OkStatus();  // clearTimeout(undefined)
  TL_RETURN_IF_ERROR(CheckTimer(timers_, t, "ClearTimeout"));
  timers_.Clear(t);
  return absl::OkStatus();
}

absl::Status Loop::Ref(const Timer& t) {
  TL_RETURN_IF_ERROR(CheckThread("Ref"));
  TL_RETURN_IF_ERROR(CheckTimer(timers_, t, "Ref"));
  timers_.Ref(t);
  return absl::OkStatus();
}

absl::Status Loop::Unref(const Timer& t) {
  TL_RETURN_IF_ERROR(CheckThread("Unref"));
  TL_RETURN_IF_ERROR(CheckTimer(timers_, t, "Unref"));
  timers_.Unref(t);
  return absl::OkStatus();
}

absl::Status Loop::Refresh(const Timer& t) {
  TL_RETURN_IF_ERROR(CheckThread("Refresh"));
  TL_RETURN_IF_ERROR(CheckTimer(timers_, t, "Refresh"));
  timers_.Refresh(t);
  return absl::OkStatus();
}

absl::StatusOr<bool> Loop::HasRef(const Timer& t) const {
  TL_RETURN_IF_ERROR(CheckThread("HasRef"));
  TL_RETURN_IF_ERROR(CheckTimer(timers_, t, "HasRef"));
  return t->has_ref();
}

// --- Immediates, nextTick, microtasks -----------------------------------------

absl::StatusOr<Immediate> Loop::SetImmediate(Callback cb) {
  TL_RETURN_IF_ERROR(CheckThread("SetImmediate"));
  if (!cb) return absl::InvalidArgumentError("Loop::SetImmediate: empty callback");
  return immediates_.Push(std::move(cb));
}

absl::Status Loop::ClearImmediate(Immediate im) {
  TL_RETURN_IF_ERROR(CheckThread("ClearImmediate"));
  if (!im) return absl::OkStatus();
  if (!immediates_.Owns(im)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Loop::ClearImmediate: immediate ", im.id, " belongs to another loop"));
  }
  immediates_.Clear(im);
  return absl::OkStatus();
}

absl::StatusOr<bool> Loop::ImmediatePending(Immediate im) const {
  TL_RETURN_IF_ERROR(CheckThread("ImmediatePending"));
  if (im && !immediates_.Owns(im)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Loop::ImmediatePending: immediate ", im.id, " belongs to another loop"));
  }
  return immediates_.Pending(im);
}

absl::Status Loop::NextTick(Callback cb) {
  TL_RETURN_IF_ERROR(CheckThread("NextTick"));
  if (!cb) return absl::InvalidArgumentError("Loop::NextTick: empty callback");
  tasks_.PushTick(std::move(cb));
  return absl::OkStatus();
}

absl::Status Loop::QueueMicrotask(Callback cb) {
  TL_RETURN_IF_ERROR(CheckThread("QueueMicrotask"));
  if (!cb) return absl::InvalidArgumentError("Loop::QueueMicrotask: empty callback");
  tasks_.PushMicrotask(std::move(cb));
  return absl::OkStatus();
}

void Loop::ToggleImmediateRef(bool ref) {
  if (ref) {
    StartWatcher(&immediate_idle_);
  } else {
    StopWatcher(&immediate_idle_);
  }
}

void Loop::CheckImmediates() {
  // Node's CheckImmediate (src/env.cc).
  if (immediates_.count() == 0) {
    immediate_chain_ = 0;
    return;
  }
  immediates_.Process([this](uint64_t id, Callback& cb) {
    return RunMacrotask(Phase::kCheck, "immediate", static_cast<int64_t>(id), cb);
  });
  if (immediates_.ref_count() == 0) ToggleImmediateRef(false);
  if (options_.max_immediate_chain != 0 && immediates_.count() > 0 && error_.ok()) {
    if (++immediate_chain_ >= options_.max_immediate_chain) {
      Fail(absl::ResourceExhaustedError(absl::StrCat(
          "aborting after ", immediate_chain_,
          " loop iterations in a row that each queued another setImmediate, at ",
          TimeForHumans(), ": the immediate queue never empties")));
    }
  } else {
    immediate_chain_ = 0;
  }
}

// --- Handles ----------------------------------------------------------------

std::list<Loop::Handle*>& Loop::ListFor(HandleType type) {
  switch (type) {
    case HandleType::kIdle: return idle_;
    case HandleType::kPrepare: return prepare_;
    case HandleType::kCheck: return check_;
  }
  return idle_;
}

void Loop::StartWatcher(Handle* h) {
  if (h->active) return;
  h->active = true;
  // libuv (src/unix/loop-watcher.c) inserts at the head: the handle started
  // last runs first.
  std::list<Handle*>& list = ListFor(h->type);
  list.push_front(h);
  h->in = &list;
  h->pos = list.begin();
  if (h->refed) ++active_ref_handles_;
}

void Loop::StopWatcher(Handle* h) {
  if (!h->active) return;
  ABSL_RAW_CHECK(h->in != nullptr, "an active handle is in no list");
  h->active = false;
  h->in->erase(h->pos);
  h->in = nullptr;
  if (h->refed) --active_ref_handles_;
}

absl::StatusOr<Loop::Handle*> Loop::FindHandle(HandleId id, const char* method) {
  TL_RETURN_IF_ERROR(CheckThread(method));
  auto it = handles_.find(id);
  if (it == handles_.end()) {
    return absl::NotFoundError(absl::StrCat("Loop::", method, ": unknown handle ", id,
                                            " (never created, or already closed)"));
  }
  return it->second.get();
}

absl::StatusOr<HandleId> Loop::NewHandle(HandleType type) {
  TL_RETURN_IF_ERROR(CheckThread("NewHandle"));
  auto h = std::make_unique<Handle>();
  h->id = next_handle_id_++;
  h->type = type;
  const HandleId id = h->id;
  handles_.emplace(id, std::move(h));
  return id;
}

absl::Status Loop::StartHandle(HandleId id, Callback cb) {
  absl::StatusOr<Handle*> h = FindHandle(id, "StartHandle");
  if (!h.ok()) return h.status();
  if ((*h)->closing) {
    return absl::FailedPreconditionError(
        absl::StrCat("Loop::StartHandle: handle ", id, " is closing"));
  }
  if (!cb) return absl::InvalidArgumentError("Loop::StartHandle: empty callback");
  // uv_idle_start on an active handle is a no-op that keeps the old callback.
  if ((*h)->active) return absl::OkStatus();
  (*h)->cb = std::move(cb);
  StartWatcher(*h);
  return absl::OkStatus();
}

absl::Status Loop::StopHandle(HandleId id) {
  absl::StatusOr<Handle*> h = FindHandle(id, "StopHandle");
  if (!h.ok()) return h.status();
  StopWatcher(*h);
  return absl::OkStatus();
}

absl::Status Loop::RefHandle(HandleId id) {
  absl::StatusOr<Handle*> h = FindHandle(id, "RefHandle");
  if (!h.ok()) return h.status();
  if (!(*h)->refed) {
    (*h)->refed = true;
    if ((*h)->active) ++active_ref_handles_;
  }
  return absl::OkStatus();
}

absl::Status Loop::UnrefHandle(HandleId id) {
  absl::StatusOr<Handle*> h = FindHandle(id, "UnrefHandle");
  if (!h.ok()) return h.status();
  if ((*h)->refed) {
    (*h)->refed = false;
    if ((*h)->active) --active_ref_handles_;
  }
  return absl::OkStatus();
}

absl::Status Loop::Close(HandleId id, Callback on_close) {
  absl::StatusOr<Handle*> h = FindHandle(id, "Close");
  if (!h.ok()) return h.status();
  if ((*h)->closing) {
    return absl::FailedPreconditionError(
        absl::StrCat("Loop::Close: handle ", id, " is already closing"));
  }
  (*h)->closing = true;
  StopWatcher(*h);
  (*h)->close_cb = std::move(on_close);
  // libuv pushes onto loop->closing_handles, so the last closed runs first.
  closing_.push_front(*h);
  return absl::OkStatus();
}

void Loop::RunWatchers(HandleType type, Phase phase) {
  // uv__run_idle/prepare/check: move the list aside; each handle goes back
  // before its callback runs, so handles started meanwhile wait a turn.
  std::list<Handle*>& list = ListFor(type);
  if (list.empty() || !error_.ok()) return;
  std::list<Handle*> queue;
  queue.splice(queue.begin(), list);
  for (Handle* h : queue) h->in = &queue;
  while (!queue.empty() && error_.ok()) {
    Handle* h = queue.front();
    list.splice(list.end(), queue, queue.begin());
    h->in = &list;
    if (h->internal) {
      h->cb();
      continue;
    }
    Callback cb = std::move(h->cb);
    RunMacrotask(phase, HandleKind(type), static_cast<int64_t>(h->id), cb);
    if (!h->cb) h->cb = std::move(cb);  // unless the callback restarted it
  }
  for (Handle* h : queue) h->in = &list;
  list.splice(list.end(), queue);
}

void Loop::RunClosing() {
  if (!error_.ok() || closing_.empty()) return;
  std::deque<Handle*> batch;
  batch.swap(closing_);
  while (!batch.empty()) {
    Handle* h = batch.front();
    batch.pop_front();
    auto node = handles_.extract(h->id);
    std::unique_ptr<Handle> owned = std::move(node.mapped());
    if (owned->close_cb) {
      RunMacrotask(Phase::kClose, "close", static_cast<int64_t>(owned->id), owned->close_cb);
    }
    if (!error_.ok()) break;
  }
  // After a failure the rest close next time, before anything closed since.
  closing_.insert(closing_.begin(), batch.begin(), batch.end());
}

// --- Pool and I/O -------------------------------------------------------------

absl::StatusOr<RequestId> Loop::QueueWork(platform::PoolWork work, Done after) {
  TL_RETURN_IF_ERROR(CheckThread("QueueWork"));
  if (!after) return absl::InvalidArgumentError("Loop::QueueWork: empty after callback");
  for (size_t i = 0; i < work.segments.size(); ++i) {
    if (work.segments[i].duration < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("Loop::QueueWork: segment ", i, " has negative duration ",
                       work.segments[i].duration, " ns"));
    }
  }
  const RequestId id = next_request_id_++;
  requests_.emplace(id, Request{Request::Kind::kWork, std::move(after)});
  platform_->SubmitWork(id, std::move(work));
  return id;
}

absl::Status Loop::CancelWork(RequestId id) {
  TL_RETURN_IF_ERROR(CheckThread("CancelWork"));
  auto it = requests_.find(id);
  if (it == requests_.end() || it->second.kind != Request::Kind::kWork) {
    return absl::NotFoundError(absl::StrCat("Loop::CancelWork: no pending pool work ", id));
  }
  return platform_->CancelWork(id);
}

absl::StatusOr<RequestId> Loop::StartNetwork(platform::Nanos latency, Done done) {
  TL_RETURN_IF_ERROR(CheckThread("StartNetwork"));
  if (!done) return absl::InvalidArgumentError("Loop::StartNetwork: empty callback");
  if (latency < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Loop::StartNetwork: latency must be >= 0, got ", latency, " ns"));
  }
  const RequestId id = next_request_id_++;
  requests_.emplace(id, Request{Request::Kind::kNetwork, std::move(done)});
  platform_->StartNetwork(id, {latency});
  return id;
}

absl::Status Loop::ConsumeCpu(platform::Nanos duration) {
  TL_RETURN_IF_ERROR(CheckThread("ConsumeCpu"));
  if (duration < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Loop::ConsumeCpu: duration must be >= 0, got ", duration, " ns"));
  }
  if (tracing()) Trace("cpu_begin", "", -1, absl::StrCat(duration));
  absl::Status s = platform_->ConsumeCpu(duration);
  if (tracing()) Trace("cpu_end");
  return s;
}

absl::Status Loop::Log(std::string_view label) {
  TL_RETURN_IF_ERROR(CheckThread("Log"));
  if (tracing()) Trace("log", "", -1, label);
  return absl::OkStatus();
}

void Loop::PollPhase(int64_t timeout_ms) {
  if (!error_.ok()) return;
  phase_ = Phase::kPoll;
  if (HasUndelivered()) timeout_ms = 0;
  // Node configures UV_METRICS_IDLE_TIME, so uv__io_poll first polls with
  // timeout 0, updates the loop time, and waits only for what is left of the
  // timeout measured from the loop time it started with. CPU burnt in
  // callbacks since the time was last read therefore does not delay timers.
  const int64_t base = now_ms_;
  UpdateTime();
  if (timeout_ms > 0) timeout_ms = std::max<int64_t>(0, timeout_ms - (now_ms_ - base));
  if (tracing()) Trace("poll", "", -1, absl::StrCat(timeout_ms));
  // Completions a failed callback left behind are delivered first, without
  // asking the platform: they were polled already.
  if (!HasUndelivered()) {
    polled_.clear();
    delivered_ = 0;
    const absl::Status s = platform_->Poll(
        timeout_ms < 0 ? platform::kWaitForever : timeout_ms * platform::kNanosPerMilli, &polled_);
    UpdateTime();  // uv__io_poll updates the loop time when the wait ends
    if (!s.ok()) {
      Fail(s);
      return;
    }
  }
  while (HasUndelivered() && error_.ok()) {
    platform::Completion c = std::move(polled_[delivered_++]);
    auto it = requests_.find(c.token);
    if (it == requests_.end()) {
      // The platform broke its contract; say so rather than drop it.
      Fail(absl::InternalError(absl::StrCat(
          "platform delivered a completion for unknown request ", c.token)));
      return;
    }
    Request req = std::move(it->second);
    requests_.erase(it);
    const char* kind = req.kind == Request::Kind::kWork ? "work" : "net";
    Callback cb = [&req, &c] { req.done(std::move(c.status)); };
    RunMacrotask(Phase::kPoll, kind, static_cast<int64_t>(c.token), cb);
  }
}

// --- Running ------------------------------------------------------------------

bool Loop::AliveNow() const {
  // uv__loop_alive: active ref'd handles, active requests, closing handles.
  return active_ref_handles_ > 0 || (timer_handle_.active && timer_handle_.refed) ||
         !requests_.empty() || !closing_.empty();
}

int64_t Loop::BackendTimeout() const {
  // uv_backend_timeout (src/unix/core.c).
  if (stop_) return 0;
  const bool has_active = active_ref_handles_ > 0 ||
                          (timer_handle_.active && timer_handle_.refed) ||
                          !requests_.empty();
  if (!has_active || !idle_.empty() || !closing_.empty() || HasUndelivered()) return 0;
  // uv__next_timeout looks at every timer, ref'd or not.
  if (!timer_handle_.active) return -1;
  const int64_t diff = timer_handle_.due - now_ms_;
  if (diff <= 0) return 0;
  return diff > INT_MAX ? INT_MAX : diff;
}

absl::Status Loop::RunScript(Callback main) {
  TL_RETURN_IF_ERROR(CheckThread("RunScript"));
  if (running_) {
    return absl::FailedPreconditionError("Loop::RunScript called while the loop is running");
  }
  if (!main) return absl::InvalidArgumentError("Loop::RunScript: empty callback");
  running_ = true;
  absl::Cleanup done = [this] {
    running_ = false;
    stop_ = false;
  };
  RunMacrotask(Phase::kMain, "main", -1, main);
  return std::exchange(error_, absl::OkStatus());
}

absl::StatusOr<bool> Loop::Run(RunMode mode) {
  TL_RETURN_IF_ERROR(CheckThread("Run"));
  if (running_) {
    return absl::FailedPreconditionError(
        "Loop::Run called while the loop is running (from one of its callbacks)");
  }
  running_ = true;
  // Reset even if a platform throws through us.
  absl::Cleanup done = [this] {
    stop_ = false;
    running_ = false;
  };
  bool alive = AliveNow();
  if (!alive) UpdateTime();
  // libuv >= 1.45: DEFAULT mode runs due timers before the first iteration.
  if (mode == RunMode::kDefault && alive && !stop_) {
    UpdateTime();
    RunTimersPhase();
  }
  while (alive && !stop_) {
    const bool can_sleep = idle_.empty();  // and no pending callbacks
    // Pending phase: libuv's deferred I/O callbacks. Nothing in twinloop's
    // platforms defers a callback yet (see SEMANTICS.md).
    RunWatchers(HandleType::kIdle, Phase::kIdle);
    RunWatchers(HandleType::kPrepare, Phase::kPrepare);
    int64_t timeout = 0;
    if ((mode == RunMode::kOnce && can_sleep) || mode == RunMode::kDefault) {
      timeout = BackendTimeout();
    }
    PollPhase(timeout);
    RunWatchers(HandleType::kCheck, Phase::kCheck);
    RunClosing();
    UpdateTime();
    RunTimersPhase();
    alive = AliveNow();
    if (mode != RunMode::kDefault) break;
  }
  if (!error_.ok()) return std::exchange(error_, absl::OkStatus());
  return alive;
}

absl::Status Loop::Stop() {
  TL_RETURN_IF_ERROR(CheckThread("Stop"));
  stop_ = true;
  return absl::OkStatus();
}

absl::StatusOr<bool> Loop::Alive() const {
  TL_RETURN_IF_ERROR(CheckThread("Alive"));
  return AliveNow();
}

absl::StatusOr<int64_t> Loop::Now() const {
  TL_RETURN_IF_ERROR(CheckThread("Now"));
  return now_ms_;
}

absl::StatusOr<platform::Nanos> Loop::HrTime() const {
  TL_RETURN_IF_ERROR(CheckThread("HrTime"));
  return platform_->Now();
}

}  // namespace runtime
