// Interpreter: runs a Scenario's ops on a runtime::Loop.
//
// It knows nothing of the platform: it drives whatever platform the loop was
// built on (cli/sim_runner.h builds the simulated one). Each `log` op goes to
// a LogSink as it happens, with the platform time, so output streams while
// the run goes on and memory stays flat however long the run.
//
// A run stops with an error, and the loop is left as it is, when:
// - it reaches its budget of callbacks (RunOptions::max_callbacks), which
//   keeps a valid program that asks for endless work (an interval of 0 ms
//   run 10^9 times) from running for hours;
// - more callbacks are pending at once than RunOptions::max_pending, which
//   bounds memory (an immediate that queues two immediates doubles the queue
//   every iteration);
// - RunOptions::should_stop says so (an interrupt, an output that failed);
// - a loop call fails (for example virtual time would pass its limit); the
//   error is returned as the loop gave it, not wrapped.
//
// Threading: the loop's thread only.
#ifndef TWINLOOP_CLI_INTERPRETER_H_
#define TWINLOOP_CLI_INTERPRETER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "cli/scenario.h"
#include "platform/platform.h"
#include "runtime/loop.h"

namespace scenario {

struct LogLine {
  base::Instant t;  // platform time of the log op
  std::string label;

  bool operator==(const LogLine&) const = default;
};

// `{"t": <ms>, "log": "<label>"}`, the CLI's output format.
std::string FormatLogLine(const LogLine& line);

// Where log lines go, as the run makes them.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void Write(const LogLine& line) = 0;
};

// Keeps every line, for tests and small runs.
class LogLines : public LogSink {
 public:
  void Write(const LogLine& line) override { lines.push_back(line); }
  std::vector<LogLine> lines;
};

// Enough for a virtual hour of a busy service (1000 requests/s, each a
// handful of callbacks) with room to spare.
inline constexpr int64_t kDefaultMaxCallbacks = 100'000'000;
// About 300 MB of pending timers, immediates and requests at most.
inline constexpr int64_t kDefaultMaxPending = 1'000'000;

struct RunOptions {
  // Callbacks (the main script, timers, intervals, immediates, ticks,
  // microtasks, pool and network completions) a run may start; the next one
  // stops it with RESOURCE_EXHAUSTED. 0: no limit.
  int64_t max_callbacks = kDefaultMaxCallbacks;
  // How the budget is named in that error (the CLI says --max_callbacks).
  std::string max_callbacks_name = "RunOptions::max_callbacks";
  // Callbacks scheduled and not yet run (timeouts, intervals until their
  // last run, immediates, ticks, microtasks, pool and network requests) the
  // run may hold at once; one more stops it with RESOURCE_EXHAUSTED. 0: no
  // limit.
  int64_t max_pending = kDefaultMaxPending;
  std::string max_pending_name = "RunOptions::max_pending";
  // Asked before every callback; an error stops the run with that error.
  absl::AnyInvocable<absl::Status()> should_stop;
  // If set, RunScenario stores the loop's metrics here when the run ends,
  // whether it succeeded or not (before the loop shuts down).
  runtime::LoopMetrics* metrics = nullptr;
};

class Interpreter;

// Runs `scenario` on a new loop over `platform` (which must be fresh: its
// clock at the start of the run), with `options`.
absl::Status RunScenario(const Scenario& scenario, platform::Platform& platform, LogSink* out,
                         RunOptions options = {});

class Interpreter {
 public:
  // `scenario`, `loop` and `out` must outlive the run.
  Interpreter(const Scenario* scenario, runtime::Loop* loop, LogSink* out,
              RunOptions options = {});

  // Runs `main` as the main script, then the loop until it is done.
  absl::Status Run();
  // Callbacks started so far.
  int64_t callbacks() const { return callbacks_; }

 private:
  // A callback was scheduled: counts it as pending.
  void Schedule();
  // A callback starts: counts it against the budget (and, unless it will run
  // again, no longer as pending) and asks should_stop.
  void Enter(bool runs_again = false);
  // What ops in a callback refer to: the socket and server of the
  // enclosing connect or listen, and the placeholders' values.
  struct Env {
    runtime::SocketId socket = 0;
    runtime::ServerId server = 0;
    std::string data;   // $data
    std::string error;  // $error
    std::string size;   // $size
    int port = 0;       // $port: the enclosing listen's, once listening
  };
  // Runs a callback's ops.
  void Callback(const std::vector<Op>& ops, const Env& env);
  void Exec(const std::vector<Op>& ops, const Env& env);
  void ExecOne(const Op& op, const Env& env);
  void ExecIo(const Op& op, const Env& env);
  void ExecNet(const Op& op, const Env& env);
  // `text` with $data, $error, $size and $port replaced.
  std::string Substitute(const std::string& text, const Env& env);
  // Records why the run stops (the first reason wins) and unwinds the
  // current callback; the loop reports the unwinding as a failed callback,
  // and Run returns the recorded reason instead.
  [[noreturn]] void Stop(absl::Status why);
  // Platform time in ms, for messages.
  double NowMs();
  void OrStop(const absl::Status& s) {
    if (!s.ok()) Stop(s);
  }
  template <typename T>
  T OrStop(absl::StatusOr<T> s) {
    if (!s.ok()) Stop(s.status());
    return *std::move(s);
  }

  const Scenario* scenario_;
  runtime::Loop* loop_;
  LogSink* out_;
  RunOptions options_;
  int64_t callbacks_ = 0;
  int64_t pending_ = 0;
  absl::Status stopped_;
};

}  // namespace scenario

#endif  // TWINLOOP_CLI_INTERPRETER_H_
