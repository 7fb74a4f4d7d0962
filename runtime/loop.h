// Loop: an event loop with Node.js v20's observable scheduling.
//
// The loop runs libuv's phases (src/unix/core.c, uv_run, libuv 1.46): in
// DEFAULT mode a timers pre-pass, then per iteration pending → idle →
// prepare → poll → pending again (up to 8 times) → check → close callbacks →
// update time → timers. On top of that sit Node's layers: per-duration timer
// lists behind one loop timer, setImmediate through a check handle, and the
// nextTick and microtask queues, drained after every macrotask callback. See
// runtime/SEMANTICS.md.
//
// Everything the loop learns from the outside (time, completions, their
// order, their results) comes through platform::Platform, so the same
// program runs on the simulated and the real platform, and a recording of
// those inputs replays it.
//
// Lifecycle, after uv_loop_close and tokio's runtime shutdown: Close()
// closes an idle loop and fails with FAILED_PRECONDITION while anything is
// open or pending (libuv's UV_EBUSY). Shutdown() cancels what can be
// cancelled, runs every outstanding request's callback with CANCELLED, runs
// the close callbacks, then closes. The destructor of a loop that is still
// busy shuts it down and says so in the trace. A closed loop refuses every
// call with FAILED_PRECONDITION. Shutting down runs callbacks: declare a loop
// after the objects its callbacks use, or call Shutdown before those go.
//
// Errors: every method returns absl::Status(Or). A callback that throws stops
// Run, which returns the error (ABORTED, naming the callback); the loop stays
// consistent and Run may be called again. Runaway nextTick/microtask chains,
// and (when LoopOptions asks) immediate chains, stop Run with
// RESOURCE_EXHAUSTED.
//
// Threading: a Loop belongs to the thread that created it and must be
// destroyed there. Every method called from another thread fails with
// FAILED_PRECONDITION and changes nothing, except waker(), whose Waker any
// thread may use.
#ifndef TWINLOOP_RUNTIME_LOOP_H_
#define TWINLOOP_RUNTIME_LOOP_H_

#include <array>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/id_table.h"
#include "base/time_units.h"
#include "platform/platform.h"
#include "runtime/immediate_queue.h"
#include "runtime/latency_histogram.h"
#include "runtime/loop_metrics.h"
#include "runtime/task_queues.h"
#include "runtime/timer_lists.h"

namespace runtime {

using base::Duration;
using base::Instant;

enum class RunMode { kDefault, kOnce, kNoWait };

enum class HandleType { kIdle, kPrepare, kCheck };
using HandleId = uint64_t;
using RequestId = uint64_t;

// fs.stat's answer (the fields both platforms know).
struct FileStat {
  int64_t size = 0;
};

// dns.lookup's answer: the first address, and its family (4 or 6).
struct LookupAddress {
  std::string address;
  int family = 4;
};

using SocketId = uint64_t;
using ServerId = uint64_t;

struct ConnectOptions {
  // Fails the connect with ETIMEDOUT ("connect ETIMEDOUT host:port") if it
  // has not completed by then; zero: the system's own limit.
  Duration timeout;
  // Node's allowHalfOpen: false (the default) ends this side as soon as the
  // peer ends its side.
  bool allow_half_open = false;
};

// What a socket has moved, and to whom (Node's bytesRead, bytesWritten,
// remoteAddress:remotePort).
struct SocketStats {
  int64_t bytes_read = 0;
  int64_t bytes_written = 0;  // acknowledged by the transport
  int64_t bytes_queued = 0;   // Node's writableLength: written, not yet taken
  std::string remote;         // "host:port"; empty until connected
};

// Node's default writableHighWaterMark for sockets.
inline constexpr int64_t kSocketHighWaterMark = 16 * 1024;

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

  // --- Node timers (lib/timers.js). Delays are Node's: milliseconds as a
  // double, and one outside [1, 2^31-1] is 1 ms.
  absl::StatusOr<Timer> SetTimeout(Callback cb, double delay_ms);
  absl::StatusOr<Timer> SetInterval(Callback cb, double delay_ms);
  // A null, fired or already cleared timer is a no-op, as in Node.
  absl::Status ClearTimeout(const Timer& t);
  absl::Status ClearInterval(const Timer& t) { return ClearTimeout(t); }
  absl::Status Ref(const Timer& t);
  absl::Status Unref(const Timer& t);
  absl::Status Refresh(const Timer& t);
  absl::StatusOr<bool> HasRef(const Timer& t) const;
  // Inside a timer's callback, that timer: Node's `this` there. A callback
  // that refreshes or clears itself asks for it rather than capturing its
  // own Timer (which would keep the two alive together, as a fired
  // setTimeout keeps its callback for refresh()). FAILED_PRECONDITION
  // anywhere else, including the ticks that drain after the callback.
  absl::StatusOr<Timer> CurrentTimer() const;

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
  absl::Status CloseHandle(HandleId h, Callback on_close = nullptr);

  // --- Thread pool and I/O. `after`/`done` run on the loop in the poll phase
  // (or the pending phase, when the platform defers the completion).
  absl::StatusOr<RequestId> QueueWork(platform::PoolWork work, Done after);
  // uv_cancel: only work (or a file/dns request) that has not started; its callback then gets
  // CANCELLED. FAILED_PRECONDITION once started, NOT_FOUND if unknown.
  absl::Status CancelWork(RequestId id);
  // A network round trip to a peer whose nominal latency is given; it holds
  // no pool thread.
  absl::StatusOr<RequestId> StartNetwork(Duration nominal_latency, Done done);
  // --- Files and dns.lookup, after Node's fs and dns. Like libuv's uv_fs_*
  // and uv_getaddrinfo they run on the pool (fs as fast I/O, lookups as slow
  // I/O under the (pool_size + 1) / 2 cap) and call back in the poll phase;
  // CancelWork cancels them before they start. What the call gave comes from
  // the platform (platform/pool_io.h): the real file system, or the
  // simulated disk. Errors are named after errno in Node's words ("ENOENT:
  // no such file or directory, open 'a.txt'"; platform::ErrnoName gives
  // "ENOENT"). Arguments Node would refuse before the call (a bad flag
  // string, a negative fd, a path with a NUL byte, a length past
  // platform::kMaxIoBytes) are INVALID_ARGUMENT at once and start nothing.
  using OpenDone = absl::AnyInvocable<void(absl::StatusOr<int64_t> fd)>;
  using BytesDone = absl::AnyInvocable<void(absl::StatusOr<std::string> bytes)>;
  using CountDone = absl::AnyInvocable<void(absl::StatusOr<int64_t> bytes_written)>;
  using StatDone = absl::AnyInvocable<void(absl::StatusOr<FileStat> stat)>;
  using LookupDone = absl::AnyInvocable<void(absl::StatusOr<LookupAddress> address)>;
  // fs.open; `flags` is Node's string ("r", "w", "a+", ...).
  absl::StatusOr<RequestId> Open(std::string path, std::string_view flags, OpenDone done);
  // fs.read of up to `length` bytes at `offset` (>= 0), or at the
  // descriptor's position when `offset` is -1 (Node's position null; pipes
  // and devices have only that); fewer at the end of the file, none past it.
  absl::StatusOr<RequestId> Read(int64_t fd, int64_t length, int64_t offset, BytesDone done);
  // fs.write of all of `bytes` at `offset`, or at the end of the file when
  // `offset` is -1 (and always so on a descriptor opened to append).
  absl::StatusOr<RequestId> Write(int64_t fd, std::string bytes, int64_t offset, CountDone done);
  absl::StatusOr<RequestId> Stat(std::string path, StatDone done);
  // fs.close (named so, as Close closes the loop).
  absl::StatusOr<RequestId> CloseFile(int64_t fd, Done done);
  absl::StatusOr<RequestId> Unlink(std::string path, Done done);
  // fs.readFile: as in Node, a chain of requests (open, fstat, read until
  // done, close), so its callback comes as many iterations later as Node's.
  absl::StatusOr<RequestId> ReadFile(std::string path, BytesDone done);
  // fs.writeFile: open with "w" (create or truncate), write, close.
  absl::StatusOr<RequestId> WriteFile(std::string path, std::string bytes, Done done);
  // dns.lookup: ENOTFOUND ("getaddrinfo ENOTFOUND host") for a name that
  // does not resolve.
  absl::StatusOr<RequestId> Lookup(std::string host, LookupDone done);

  // --- TCP, after Node's net (platform/net_op.h has what each platform
  // does). Callbacks run in the poll phase. Every failure reaches the
  // program as a status named after errno in Node's words ("connect
  // ECONNREFUSED 127.0.0.1:9", "read ECONNRESET"), never as a crash.
  //
  // Differences from Node, each because the loop has no EventEmitter:
  // 'listening' and 'connect' are callbacks given to Listen and Connect;
  // 'error' then 'close' is OnClose with the error; a socket reads only
  // once OnData or OnEnd is set (Node's streams read ahead up to their
  // high-water mark); CloseServer's callback runs when the listener is
  // closed (in a nextTick), not when its last connection ends; 'listening'
  // runs in the poll phase where Node's runs in a nextTick after listen();
  // host names must be numeric or "localhost" (Lookup resolves others).
  // Like Node's, 'close' runs in the close phase (the handle's uv_close
  // callback), and 'end' after the read that saw it.
  using ConnectionCallback = absl::AnyInvocable<void(SocketId)>;
  using DataCallback = absl::AnyInvocable<void(std::string bytes)>;
  // net.createServer + server.listen: port 0 picks a free port (LocalPort
  // says which, from `on_listening` on). A listen error (EADDRINUSE) goes
  // to `on_listening`, and the server is gone.
  absl::StatusOr<ServerId> Listen(std::string host, int port, ConnectionCallback on_connection,
                                  Done on_listening);
  absl::StatusOr<int> LocalPort(ServerId server) const;
  // server.close: stops accepting; `on_close` runs once the listener closed.
  absl::Status CloseServer(ServerId server, Callback on_close = nullptr);
  // net.connect. Writes made before it connects wait for it. A failed
  // connect calls `on_connect` with the error, then OnClose's callback.
  absl::StatusOr<SocketId> Connect(std::string host, int port, Done on_connect,
                                   ConnectOptions options = {});
  // socket.on('data'): starts reading.
  absl::Status OnData(SocketId socket, DataCallback on_data);
  // socket.on('end'): the peer ended its side. Also starts reading.
  absl::Status OnEnd(SocketId socket, Callback on_end);
  // socket.on('drain'): the write queue emptied after a Write returned false.
  absl::Status OnDrain(SocketId socket, Callback on_drain);
  // socket.on('close'): the socket is closed; OK, or the error that closed
  // it (then the socket was destroyed by it). The id is invalid after.
  absl::Status OnClose(SocketId socket, Done on_close);
  // socket.write: queues `bytes`; `done` (optional) runs once the transport
  // took them, or with the error. Returns whether the queue is still below
  // kSocketHighWaterMark: false asks the program to wait for 'drain'.
  // FAILED_PRECONDITION after End or Destroy (Node's write after end).
  absl::StatusOr<bool> Write(SocketId socket, std::string bytes, Done done = nullptr);
  // socket.end: ends this side once the queued writes are sent.
  absl::Status End(SocketId socket);
  // socket.destroy: closes now; queued writes fail with CANCELLED.
  absl::Status Destroy(SocketId socket);
  // socket.pause / socket.resume: stop and restart reading.
  absl::Status Pause(SocketId socket);
  absl::Status Resume(SocketId socket);
  absl::StatusOr<SocketStats> Stats(SocketId socket) const;

  // The current callback computes for `duration`, blocking the loop.
  absl::Status ConsumeCpu(Duration duration);
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
  // Loop time in whole milliseconds (uv_now); updated as libuv does. After
  // a poll that could not wait and found nothing it is the time from before
  // that poll (SEMANTICS.md, rule 6).
  absl::StatusOr<int64_t> NowMs() const;
  // Platform time, read now (like process.hrtime).
  absl::StatusOr<Instant> HrTime();

  // --- Lifecycle.
  // uv_loop_close: closes a loop with nothing open or pending, else
  // FAILED_PRECONDITION naming what is left.
  absl::Status Close();
  // Cancels every timer and immediate, closes every handle, cancels every
  // outstanding request and runs its callback (CANCELLED, or the status of
  // a completion already received), runs close callbacks, then closes.
  // Returns the first error a callback raised meanwhile; the loop is closed
  // either way. A no-op on a closed loop.
  absl::Status Shutdown();
  bool closed() const { return state_ == State::kClosed; }

  // --- Metrics (runtime/loop_metrics.h): what the loop did so far. Reads no
  // clock; also works on a closed loop, so a run's totals can be read after
  // it shut down.
  absl::StatusOr<LoopMetrics> Metrics();

  // --- Any thread: wakes the loop from Poll.
  std::shared_ptr<platform::Waker> waker() const { return waker_; }

 private:
  enum class State { kOpen, kShuttingDown, kClosed };
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
  using IoDone = absl::AnyInvocable<void(absl::Status, platform::Result&)>;
  struct Request {
    // kWrite: a TCP write, finished by FinishWrite from the fields below (a
    // closure per write was a heap allocation on the ping-pong's hot path).
    enum class Kind : uint8_t { kWork, kNetwork, kIo, kNet, kWrite };
    // A stream of completions until a final one: kUntilError for a TCP
    // listen, kUntilEmpty for a read (an empty chunk is the peer's end).
    enum class Persist : uint8_t { kNo, kUntilError, kUntilEmpty };

    Request(Kind k, const char* n, Done d) : kind(k), name(n), cb(std::move(d)) {}
    // A TCP write (kWrite) of `n` bytes to socket `s`.
    Request(SocketId s, int64_t n, Done d)
        : kind(Kind::kWrite), name("tcp"), socket(s), bytes(n), cb(std::move(d)) {}
    Request(Kind k, const char* n, IoDone d, Persist p = Persist::kNo)
        : kind(k), persist(p), name(n), cb(std::move(d)) {}

    Kind kind;
    Persist persist = Persist::kNo;
    const char* name;  // the callback kind in the trace: "work", "net", "fs", "dns"
    SocketId socket = 0;  // kWrite: the socket written to
    int64_t bytes = 0;    // kWrite: how many bytes
    // Done for kWork, kNetwork and kWrite, IoDone for kIo and kNet. One variant:
    // requests move into and out of the table on the hot path, and a pair
    // of fields moved two callables each time.
    std::variant<Done, IoDone> cb;

    IoDone& io_done() { return std::get<IoDone>(cb); }
    // Runs the callback with what the request gave.
    void Finish(absl::Status&& status, platform::Result& result) {
      if (IoDone* io = std::get_if<IoDone>(&cb)) {
        (*io)(std::move(status), result);
      } else {
        std::get<Done>(cb)(std::move(status));
      }
    }
  };
  // Node's single uv_timer_t that drives every JavaScript timer.
  struct TimerHandle {
    bool active = false;
    bool refed = false;
    int64_t due_ms = 0;
  };

  // --- loop.cc: the engine (uv_run and its phases) and the lifecycle.
  absl::Status CheckThread(const char* method) const;
  // CheckThread, and the loop is open (and, if `creates_work`, not shutting
  // down). Inline: every API call starts with it.
  absl::Status CheckUsable(const char* method, bool creates_work = true) const {
    if (ABSL_PREDICT_TRUE(state_ == State::kOpen && std::this_thread::get_id() == owner_)) {
      return absl::OkStatus();
    }
    return NotUsable(method, creates_work);
  }
  absl::Status NotUsable(const char* method, bool creates_work) const;
  bool HasActiveHandles() const;
  bool HasActiveRequests() const { return !requests_.empty(); }
  bool AliveNow() const;
  int64_t BackendTimeoutMs() const;
  // What keeps Close from closing, or empty.
  std::string Busy() const;
  // Inline, with the rare clamp out of line: the loop reads the clock up to
  // five times an iteration, and the clamp's trace made this a heavy call.
  void UpdateTime() {
    Instant now = platform_->Now();
    if (now < last_read_) [[unlikely]] now = ClockWentBackwards(now);
    last_read_ = now;
    callbacks_at_read_ = callbacks_run_;
    now_ms_ = now.millis_floor();
  }
  // `now` is earlier than the last read: says so in the trace and returns
  // the time to use instead.
  Instant ClockWentBackwards(Instant now);
  void RunTimersPhase();
  void RunNodeTimers();  // Node's RunTimers (src/env.cc)
  void CheckImmediates();  // Node's CheckImmediate
  // Runs one macrotask callback, then drains nextTicks and microtasks.
  // Returns false if the loop has failed. Inline: every delivery runs it.
  bool RunMacrotask(Phase phase, const char* kind, int64_t id, absl::FunctionRef<void()> cb) {
    if (!error_.ok()) return false;
    phase_ = phase;
    ++counters_.callbacks[static_cast<int>(phase)];
    // Node: process.nextTick drains before promise microtasks, after every
    // macrotask callback (InternalCallbackScope::Close, runNextTicks).
    if (Invoke(kind, id, cb)) DrainTasks();
    return error_.ok();
  }
  // The same for a callback the loop holds (an AnyInvocable, which is not
  // callable as const, so FunctionRef cannot take it directly).
  bool RunMacrotask(Phase phase, const char* kind, int64_t id, Callback& cb) {
    return RunMacrotask(phase, kind, id, absl::FunctionRef<void()>([&cb] { cb(); }));
  }
  // The test inline: most macrotasks queue no task.
  void DrainTasks() {
    if (!tasks_.empty()) DrainTaskQueues();
  }
  void DrainTaskQueues();
  // A FunctionRef: the closures built for one call (a completion's, a
  // request's) stay on the stack; an AnyInvocable of three pointers was a
  // heap allocation per completion in the simulator's profile.
  bool Invoke(const char* kind, int64_t id, absl::FunctionRef<void()> cb);
  bool Invoke(const char* kind, int64_t id, Callback& cb) {
    return Invoke(kind, id, absl::FunctionRef<void()>([&cb] { cb(); }));
  }
  // Fails the loop with the exception being handled (call from a catch).
  void FailUncaught(const char* kind);
  void Fail(absl::Status status);
  // Records a loop event, stamped with the time the loop last read (a trace
  // never reads the clock). Callers on hot paths test tracing() first so
  // that an untraced loop builds no strings.
  bool tracing() const { return trace_ != nullptr; }
  void Trace(platform::TraceEventKind event, const char* kind = "", int64_t id = -1,
             std::string_view detail = {});
  void ToggleImmediateRef(bool ref);
  void CloseNow();

  // TimerHost.
  int64_t RefreshNow() override;
  void ScheduleTimer(int64_t ms) override;
  void ToggleTimerRef(bool ref) override;
  bool RunTimerCallback(Timeout& timer, Callback& callback) override;
  bool RunNextTicks() override;

  // --- loop_handles.cc: the handle registry (libuv's loop-watcher.c).
  absl::StatusOr<Handle*> FindHandle(HandleId id, const char* method);
  std::list<Handle*>& ListFor(HandleType type) {
    switch (type) {
      case HandleType::kIdle: return idle_;
      case HandleType::kPrepare: return prepare_;
      case HandleType::kCheck: return check_;
    }
    return idle_;
  }
  void StartWatcher(Handle* h);
  void StopWatcher(Handle* h);
  // uv__run_idle/prepare/check. Inline for the common cases: no handle, or
  // Node's own check or idle handle alone (run in place: it is already back
  // in its list, and handles it starts wait a turn).
  void RunWatchers(HandleType type, Phase phase) {
    std::list<Handle*>& list = ListFor(type);
    if (list.empty()) return;
    if (list.size() == 1 && list.front()->internal) {
      list.front()->cb();
      return;
    }
    RunWatcherList(list, type, phase);
  }
  void RunWatcherList(std::list<Handle*>& list, HandleType type, Phase phase);
  // The tests inline: most iterations close nothing and defer nothing.
  void RunClosing() {
    if (!closing_.empty()) RunClosingBatch();
  }
  void RunClosingBatch();
  void CloseAllHandles();

  // --- loop_requests.cc: requests, poll and the pending phase.
  RequestId AddRequest(Request::Kind kind, Done&& done);
  // --- loop_net.cc: TCP.
  struct Socket {
    enum class State { kConnecting, kOpen, kClosing };
    SocketId id = 0;
    State state = State::kConnecting;
    int64_t stream = 0;  // the platform's id, once connected
    bool allow_half_open = false;
    RequestId read_req = 0;
    RequestId connect_req = 0;
    bool want_reading = false;  // OnData or OnEnd set, or End called
    bool paused = false;
    bool peer_ended = false;
    bool end_requested = false;
    bool ended = false;        // our end was submitted
    bool end_done = false;     // and went out
    bool need_drain = false;
    int64_t queued_bytes = 0;
    int64_t bytes_read = 0;
    int64_t bytes_written = 0;
    std::string remote;
    absl::Status error;  // what destroyed it
    // Writes made while connecting.
    std::vector<std::pair<std::string, Done>> early_writes;
    // Writes submitted and not yet completed (request ids).
    std::vector<RequestId> writes;
    // Chunks read while paused, for Resume (Node's readable buffer).
    std::deque<std::string> paused_chunks;
    Done on_connect;
    DataCallback on_data;
    Callback on_end;
    Callback on_drain;
    Done on_close;
  };
  struct Server {
    ServerId id = 0;
    RequestId listen_req = 0;
    int64_t stream = 0;
    int port = -1;  // once listening
    bool closing = false;
    ConnectionCallback on_connection;
    Done on_listening;
    Callback on_close;
  };
  RequestId SubmitNet(platform::NetOp op, IoDone done,
                      Request::Persist persist = Request::Persist::kNo);
  absl::StatusOr<Socket*> FindSocket(SocketId id, const char* method,
                                     bool creates_work = false) const;
  absl::StatusOr<Server*> FindServer(ServerId id, const char* method) const;
  SocketId AddSocket(int64_t stream, std::string remote, bool allow_half_open);
  void StartReading(Socket* s);
  void SubmitWrite(Socket* s, std::string&& bytes, Done&& done);
  // A write's completion: the socket's accounting, the caller's callback,
  // then 'close' on an error or 'drain' once nothing is queued.
  void FinishWrite(SocketId id, int64_t n, RequestId req, absl::Status status, Done& done);
  // Runs a finished request's callback (FinishWrite for a write).
  void FinishRequest(RequestId id, Request& req, absl::Status&& status, platform::Result& result);
  void SubmitEnd(Socket* s);
  void OnConnected(Socket* s);
  // Closes the platform stream (or notes that it failed to open); runs
  // OnClose's callback once closed.
  void CloseSocket(Socket* s, absl::Status why);
  void FinishSocket(SocketId id);
  // Runs `cb` in the close phase, as a uv_close callback (an internal
  // handle, already closing).
  void CloseInCloseQueue(Callback cb);
  void MaybeFinish(Socket* s);
  // Runs one of live socket `s`'s callbacks, which may replace itself or
  // destroy the socket.
  template <typename F, typename... Args>
  void RunSocketCallback(Socket* s, F Socket::*member, Args&&... args);
  // Shutdown's part: closes every socket and server at the platform, and
  // (after the requests are cancelled) runs their close callbacks.
  void CloseAllSockets();
  void FinishAllSockets();
  // --- loop_fs.cc: files and lookups.
  struct ReadFileChain;
  void ReadFileRead(std::shared_ptr<ReadFileChain> chain);
  void ReadFileClose(std::shared_ptr<ReadFileChain> chain);
  RequestId SubmitIo(platform::PoolIo io, IoDone done);
  void PollPhase(int64_t timeout_ms);
  // Runs a completion's callback (or moves it to the pending queue).
  void Deliver(platform::Completion& c, Phase phase);
  void RunPending() {
    if (!pending_.empty()) RunPendingBatch();
  }
  void RunPendingBatch();
  bool HasUndelivered() const { return delivered_ < polled_.size(); }
  // Shutdown's part: runs every outstanding request's callback; returns
  // the first error one raised.
  absl::Status CancelAllRequests();

  platform::Platform* const platform_;
  platform::TraceSink* const trace_;
  const std::shared_ptr<platform::Waker> waker_;
  const LoopOptions options_;
  const std::thread::id owner_;

  State state_ = State::kOpen;
  Instant last_read_;   // the latest time read from the platform
  // Callbacks Invoke has returned from (and Run calls, as the program runs
  // between them), and their number at the last read: while they are equal,
  // no program code ran since last_read_ (PollPhase).
  uint64_t callbacks_run_ = 0;
  uint64_t callbacks_at_read_ = 0;
  int64_t now_ms_ = 0;  // uv_now: last_read_ at the last UpdateTime, in ms
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

  base::IdTable<Request> requests_;  // ids from 1
  SocketId next_socket_id_ = 1;
  absl::flat_hash_map<SocketId, std::unique_ptr<Socket>> sockets_;
  // Counts erasures from sockets_: a Socket* held across a callback is
  // still valid while it is unchanged (the map holds the sockets by pointer).
  uint64_t sockets_erased_ = 0;
  absl::flat_hash_map<ServerId, std::unique_ptr<Server>> servers_;
  // Completions from Poll; [delivered_, size) are still to run. The vector is
  // reused by every poll, and what a failed callback left undelivered runs
  // first at the next poll.
  std::vector<platform::Completion> polled_;
  size_t delivered_ = 0;
  // Deferred completions: libuv's loop->pending_queue.
  std::deque<platform::Completion> pending_;

  // Metrics: counters inline for the hot paths, the histograms (15 KB)
  // behind a pointer to keep the Loop small.
  struct Counters {
    int64_t iterations = 0;
    std::array<int64_t, kPhaseCount> callbacks{};
    std::array<int64_t, 2> tasks{};  // by TaskQueues::Queue
    Duration idle;
    Instant start;
  };
  struct Histograms {
    LatencyHistogram timer_lag;
    LatencyHistogram queue_wait;
  };
  Counters counters_;
  const std::unique_ptr<Histograms> histograms_;
};

}  // namespace runtime

#endif  // TWINLOOP_RUNTIME_LOOP_H_
