// The engine: uv_run and its phases (libuv src/unix/core.c), Node's timer
// and immediate glue (src/env.cc), macrotask dispatch, and the lifecycle.
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <exception>
#include <string>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "runtime/loop.h"

namespace runtime {

Loop::Loop(platform::Platform* platform, LoopOptions options)
    : platform_(platform),
      trace_(platform->trace()),
      waker_(platform->waker()),
      options_(options),
      owner_(std::this_thread::get_id()),
      timers_(this),
      immediates_([this](bool on) { ToggleImmediateRef(on); }),
      histograms_(std::make_unique<Histograms>()) {
  UpdateTime();  // uv_loop_init reads the clock
  counters_.start = last_read_;
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

Loop::~Loop() {
  ABSL_RAW_CHECK(!running_, "a Loop was destroyed by one of its own callbacks");
  if (state_ == State::kClosed) return;
  // tokio's Runtime drop: shut down what is left, and leave a trace of it.
  const std::string busy = Busy();
  if (busy.empty()) {
    CloseNow();
    return;
  }
  if (tracing()) {
    Trace(platform::TraceEventKind::kLoopShutdown, "", -1,
          absl::StrCat("destructor of a busy loop: ", busy));
  }
  Shutdown().IgnoreError();  // a destructor has no one to tell
}

absl::Status Loop::CheckThread(const char* method) const {
  if (std::this_thread::get_id() == owner_) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("Loop::", method,
                   " called from a thread that does not own the loop; a Loop "
                   "may only be used from the thread that created it"));
}

absl::Status Loop::NotUsable(const char* method, bool creates_work) const {
  absl::Status s = CheckThread(method);
  if (!s.ok()) return s;
  if (state_ == State::kClosed) {
    return absl::FailedPreconditionError(absl::StrCat("Loop::", method, ": the loop is closed"));
  }
  if (creates_work && state_ == State::kShuttingDown) {
    return absl::FailedPreconditionError(
        absl::StrCat("Loop::", method, ": the loop is shutting down"));
  }
  return absl::OkStatus();
}

Instant Loop::ClockWentBackwards(Instant now) {
  // The clock must never run backwards (libuv trusts CLOCK_MONOTONIC;
  // tokio clamps). A platform that does is clamped to the last time read,
  // and the trace says so.
  if (tracing()) {
    Trace(platform::TraceEventKind::kClockBackwards, "", -1,
          absl::StrCat((last_read_ - now).nanos()));
  }
  return last_read_;
}

void Loop::Trace(platform::TraceEventKind event, const char* kind, int64_t id,
                 std::string_view detail) {
  if (trace_ == nullptr) return;
  trace_->Record({.t_ns = last_read_.nanos(),
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
    Trace(platform::TraceEventKind::kError, "", -1, std::string(error_.message()));
  }
  stop_ = true;
}

// --- Callbacks -------------------------------------------------------------

bool Loop::Invoke(const char* kind, int64_t id, absl::FunctionRef<void()> cb) {
  if (tracing()) Trace(platform::TraceEventKind::kCallbackBegin, kind, id);
  try {
    cb();
  } catch (...) {
    FailUncaught(kind);
  }
  // Counted once it returns: a clock read inside it is then older than the
  // program's last code.
  ++callbacks_run_;
  if (tracing()) Trace(platform::TraceEventKind::kCallbackEnd, kind, id);
  return error_.ok();
}

void Loop::FailUncaught(const char* kind) {
  // Out of Invoke, which runs every callback: its frame stays small.
  std::string what = "(not a std::exception)";
  try {
    throw;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  Fail(absl::AbortedError(absl::StrCat("uncaught exception in ", kind, " callback at ",
                                       base::ToString(last_read_), ": ", what)));
}

void Loop::DrainTaskQueues() {
  const TaskQueues::DrainResult r = tasks_.Drain(
      [this](TaskQueues::Queue q, TaskQueues::Task& t) {
        ++counters_.tasks[static_cast<int>(q)];
        return Invoke(QueueName(q), -1, t);
      },
      options_.max_tasks_per_drain);
  if (r == TaskQueues::DrainResult::kLimit) {
    Fail(absl::ResourceExhaustedError(absl::StrCat(
        "aborting after running ", options_.max_tasks_per_drain,
        " nextTick and microtask callbacks in one drain at ", base::ToString(last_read_),
        ": the ", QueueName(tasks_.limit_queue()), " queue never empties")));
  }
}

// --- Node's timers (src/env.cc) ----------------------------------------------

int64_t Loop::RefreshNow() {
  UpdateTime();
  return now_ms_;
}

void Loop::ScheduleTimer(int64_t ms) {
  // uv_timer_start: due = loop time + timeout.
  timer_handle_.active = true;
  timer_handle_.due_ms = now_ms_ + ms;
}

void Loop::ToggleTimerRef(bool ref) { timer_handle_.refed = ref; }

bool Loop::RunTimerCallback(Timeout& timer, Callback& callback) {
  // The drain that follows comes from TimerLists (RunNextTicks), after an
  // interval has been re-armed, as in Node.
  if (!error_.ok()) return false;
  const char* kind = timer.repeats() ? "interval" : "timeout";
  phase_ = Phase::kTimers;
  ++counters_.callbacks[static_cast<int>(Phase::kTimers)];
  // Lag, as monitorEventLoopDelay sees it: how far past start + delay (in
  // the loop's ms time) the callback runs.
  histograms_->timer_lag.Record(
      last_read_ - Instant::FromNanos((timer.start_ms() + timer.duration_ms()) * 1'000'000));
  if (tracing()) Trace(platform::TraceEventKind::kTimerFire, kind, static_cast<int64_t>(timer.id()));
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
  while (error_.ok() && timer_handle_.active && timer_handle_.due_ms <= now_ms_) {
    timer_handle_.active = false;
    RunNodeTimers();
  }
}

void Loop::RunNodeTimers() {
  // Node's RunTimers: processTimers(now) with a fresh now, then re-arm the
  // loop timer from what it returns.
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

// --- Immediates (src/env.cc, CheckImmediate) -----------------------------------

void Loop::ToggleImmediateRef(bool ref) {
  if (ref) {
    StartWatcher(&immediate_idle_);
  } else {
    StopWatcher(&immediate_idle_);
  }
}

void Loop::CheckImmediates() {
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
          base::ToString(last_read_), ": the immediate queue never empties")));
    }
  } else {
    immediate_chain_ = 0;
  }
}

// --- uv_run ------------------------------------------------------------------

bool Loop::HasActiveHandles() const {
  // uv__has_active_handles: user handles active and ref'd, and Node's timer.
  return active_ref_handles_ > 0 || (timer_handle_.active && timer_handle_.refed);
}

bool Loop::AliveNow() const {
  // uv__loop_alive (libuv >= 1.45 counts the pending queue too).
  return HasActiveHandles() || HasActiveRequests() || !pending_.empty() || !closing_.empty();
}

int64_t Loop::BackendTimeoutMs() const {
  // uv__backend_timeout (src/unix/core.c).
  if (stop_) return 0;
  if (!HasActiveHandles() && !HasActiveRequests()) return 0;
  if (!pending_.empty() || !idle_.empty() || !closing_.empty() || HasUndelivered()) return 0;
  // uv__next_timeout looks at every timer, ref'd or not.
  if (!timer_handle_.active) return -1;
  const int64_t diff = timer_handle_.due_ms - now_ms_;
  if (diff <= 0) return 0;
  return diff > INT_MAX ? INT_MAX : diff;
}

absl::Status Loop::RunScript(Callback main) {
  absl::Status s = CheckUsable("RunScript");
  if (!s.ok()) return s;
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
  absl::Status s = CheckUsable("Run", /*creates_work=*/false);
  if (!s.ok()) return s;
  if (running_) {
    return absl::FailedPreconditionError(
        "Loop::Run called while the loop is running (from one of its callbacks)");
  }
  running_ = true;
  // The program ran between Run calls: the next poll reads the clock.
  ++callbacks_run_;
  // Reset even if a platform throws through us.
  absl::Cleanup done = [this] {
    stop_ = false;
    running_ = false;
  };
  // Each phase runs only while nothing has failed: the one test of error_.
  auto ok = [this] { return error_.ok(); };
  bool alive = AliveNow();
  if (!alive) UpdateTime();
  // libuv >= 1.45: DEFAULT mode runs due timers before the first iteration.
  if (mode == RunMode::kDefault && alive && !stop_) {
    UpdateTime();
    RunTimersPhase();
  }
  while (alive && !stop_ && ok()) {
    ++counters_.iterations;
    const bool can_sleep = pending_.empty() && idle_.empty();
    RunPending();
    if (ok()) RunWatchers(HandleType::kIdle, Phase::kIdle);
    if (ok()) RunWatchers(HandleType::kPrepare, Phase::kPrepare);
    if (ok()) {
      int64_t timeout = 0;
      if ((mode == RunMode::kOnce && can_sleep) || mode == RunMode::kDefault) {
        timeout = BackendTimeoutMs();
      }
      PollPhase(timeout);
    }
    // libuv >= 1.45 runs callbacks deferred during poll (e.g. write_cb) a
    // small fixed number of times to avoid starving the loop.
    for (int r = 0; r < 8 && !pending_.empty() && ok(); ++r) RunPending();
    if (ok()) RunWatchers(HandleType::kCheck, Phase::kCheck);
    if (ok()) RunClosing();
    if (ok()) {
      UpdateTime();
      RunTimersPhase();
    }
    alive = AliveNow();
    if (mode != RunMode::kDefault) break;
  }
  if (!error_.ok()) return std::exchange(error_, absl::OkStatus());
  return alive;
}

absl::Status Loop::Stop() {
  absl::Status s = CheckUsable("Stop", /*creates_work=*/false);
  if (!s.ok()) return s;
  stop_ = true;
  return absl::OkStatus();
}

absl::StatusOr<bool> Loop::Alive() const {
  absl::Status s = CheckUsable("Alive", /*creates_work=*/false);
  if (!s.ok()) return s;
  return AliveNow();
}

// --- Metrics -----------------------------------------------------------------

namespace {

LatencySummary Summarize(const LatencyHistogram& h) {
  return {.count = h.count(),
          .p50 = h.Percentile(50),
          .p99 = h.Percentile(99),
          .max = h.max()};
}

}  // namespace

absl::StatusOr<LoopMetrics> Loop::Metrics() {
  absl::Status s = CheckThread("Metrics");
  if (!s.ok()) return s;
  const Counters& c = counters_;
  LoopMetrics m;
  m.iterations = c.iterations;
  m.callbacks = c.callbacks;
  m.next_ticks = c.tasks[static_cast<int>(TaskQueues::Queue::kNextTick)];
  m.microtasks = c.tasks[static_cast<int>(TaskQueues::Queue::kMicrotask)];
  m.idle = c.idle;
  m.elapsed = last_read_ - c.start;
  // Node's eventLoopUtilization: active / (idle + active), 0 until time passed.
  if (m.elapsed > Duration::Zero()) {
    m.utilization = static_cast<double>((m.elapsed - std::min(m.idle, m.elapsed)).nanos()) /
                    static_cast<double>(m.elapsed.nanos());
  }
  m.timer_lag = Summarize(histograms_->timer_lag);
  m.queue_wait = Summarize(histograms_->queue_wait);
  m.pool = platform_->pool_stats();
  return m;
}

// --- Lifecycle ---------------------------------------------------------------

std::string Loop::Busy() const {
  std::vector<std::string> what;
  auto count = [&what](size_t n, const char* one, const char* many) {
    if (n > 0) what.push_back(absl::StrCat(n, " ", n == 1 ? one : many));
  };
  size_t user_handles = 0;  // internal ones close sockets: counted as close callbacks
  for (const auto& [id, h] : handles_) user_handles += h->internal ? 0 : 1;
  count(user_handles, "handle open", "handles open");
  count(requests_.size(), "request pending", "requests pending");
  count(timers_.timer_count(), "timer pending", "timers pending");
  count(static_cast<size_t>(immediates_.count()), "immediate queued", "immediates queued");
  count(tasks_.size(), "nextTick or microtask queued", "nextTicks and microtasks queued");
  count(closing_.size(), "close callback to run", "close callbacks to run");
  count(sockets_.size(), "socket open", "sockets open");
  count(servers_.size(), "server listening", "servers listening");
  return absl::StrJoin(what, ", ");
}

void Loop::CloseNow() {
  state_ = State::kClosed;
  if (tracing()) Trace(platform::TraceEventKind::kLoopClose);
}

absl::Status Loop::Close() {
  absl::Status s = CheckUsable("Close", /*creates_work=*/false);
  if (!s.ok()) return s;
  if (running_) {
    return absl::FailedPreconditionError("Loop::Close called while the loop is running");
  }
  const std::string busy = Busy();
  if (!busy.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Loop::Close: the loop is busy (", busy, "); close those first, or call Shutdown"));
  }
  CloseNow();
  return absl::OkStatus();
}

absl::Status Loop::Shutdown() {
  absl::Status s = CheckThread("Shutdown");
  if (!s.ok()) return s;
  if (state_ == State::kClosed) return absl::OkStatus();
  if (running_) {
    return absl::FailedPreconditionError("Loop::Shutdown called while the loop is running");
  }
  running_ = true;
  state_ = State::kShuttingDown;
  phase_ = Phase::kShutdown;
  if (tracing()) Trace(platform::TraceEventKind::kLoopShutdown, "", -1, Busy());
  absl::Status first_error;
  auto keep_first = [&] {
    if (!error_.ok() && first_error.ok()) first_error = error_;
    error_ = absl::OkStatus();
    stop_ = false;
  };
  timers_.ClearAll();
  timer_handle_.active = false;
  immediates_.ClearAll();
  if (immediates_.ref_count() == 0) ToggleImmediateRef(false);
  CloseAllHandles();
  CloseAllSockets();
  // Callbacks may queue ticks (they still run) but no new work.
  const absl::Status requests = CancelAllRequests();
  if (first_error.ok()) first_error = requests;
  FinishAllSockets();
  keep_first();
  while (!closing_.empty()) {
    RunClosing();
    keep_first();
  }
  tasks_.Clear();
  running_ = false;
  CloseNow();
  return first_error;
}

}  // namespace runtime
