#include "cli/interpreter.h"

#include <cmath>
#include <exception>
#include <memory>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "platform/pool_io.h"

namespace scenario {
namespace {

// Unwinds a callback when the run must stop; the reason is in stopped_.
struct RunStopped : std::exception {
  const char* what() const noexcept override { return "the run was stopped"; }
};

// $error: Node's err.code (the errno name), or the status code's name for
// an error that has none.
std::string ErrorName(const absl::Status& s) {
  std::string name = platform::ErrnoName(s);
  return name.empty() ? std::string(absl::StatusCodeToString(s.code())) : name;
}

}  // namespace

std::string FormatLogLine(const LogLine& line) {
  const nlohmann::json t = line.t.millis();
  return absl::StrCat(
      "{\"t\": ", t.dump(), ", \"log\": ",
      nlohmann::json(line.label).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
      "}");
}

Interpreter::Interpreter(const Scenario* scenario, runtime::Loop* loop, LogSink* out,
                         RunOptions options)
    : scenario_(scenario), loop_(loop), out_(out), options_(std::move(options)) {}

void Interpreter::Stop(absl::Status why) {
  if (stopped_.ok()) stopped_ = std::move(why);
  throw RunStopped();
}

double Interpreter::NowMs() {
  const absl::StatusOr<base::Instant> now = loop_->HrTime();
  return now.ok() ? now->millis() : -1.0;
}

void Interpreter::Schedule() {
  if (++pending_ > options_.max_pending && options_.max_pending > 0) {
    Stop(absl::ResourceExhaustedError(absl::StrCat(
        "the run holds more than ", options_.max_pending,
        " pending callbacks (timers, immediates, ticks, microtasks, pool and network requests) "
        "at virtual time ",
        NowMs(), " ms; raise ", options_.max_pending_name, ", or set it to 0 for no limit")));
  }
}

void Interpreter::Enter(bool runs_again) {
  ++callbacks_;
  if (!runs_again) --pending_;
  if (options_.max_callbacks > 0 && callbacks_ > options_.max_callbacks) {
    Stop(absl::ResourceExhaustedError(absl::StrCat(
        "the run reached its budget of ", options_.max_callbacks, " callbacks at virtual time ",
        NowMs(), " ms; raise ", options_.max_callbacks_name, ", or set it to 0 for no limit")));
  }
  if (options_.should_stop) OrStop(options_.should_stop());
}

void Interpreter::Callback(const std::vector<Op>& ops, const Env& env) {
  Enter();
  Exec(ops, env);
}

void Interpreter::Exec(const std::vector<Op>& ops, const Env& env) {
  for (const Op& op : ops) ExecOne(op, env);
}

std::string Interpreter::Substitute(const std::string& text, const Env& env) {
  if (text.find('$') == std::string::npos) return text;
  return absl::StrReplaceAll(text, {{"$data", env.data},
                                    {"$error", env.error},
                                    {"$size", env.size},
                                    {"$port", absl::StrCat(env.port)}});
}

void Interpreter::ExecOne(const Op& op, const Env& env) {
  const Op* o = &op;
  switch (op.kind) {
    case Op::Kind::kLog: {
      const std::string label = Substitute(op.label, env);
      out_->Write({OrStop(loop_->HrTime()), label});
      OrStop(loop_->Log(label));
      break;
    }
    case Op::Kind::kTimeout:
      Schedule();
      OrStop(loop_->SetTimeout([this, o, env] { Callback(o->body, env); }, op.ms));
      break;
    case Op::Kind::kInterval: {
      // Cleared after its Nth run, once that run's ops are done, through
      // Node's `this` (CurrentTimer): the callback does not hold its timer.
      auto runs = std::make_shared<int64_t>(0);
      Schedule();
      OrStop(loop_->SetInterval(
          [this, o, runs, env] {
            const bool last = ++*runs == o->times;
            Enter(/*runs_again=*/!last);
            Exec(o->body, env);
            if (last) OrStop(loop_->ClearInterval(OrStop(loop_->CurrentTimer())));
          },
          op.ms));
      break;
    }
    case Op::Kind::kImmediate:
      Schedule();
      OrStop(loop_->SetImmediate([this, o, env] { Callback(o->body, env); }));
      break;
    case Op::Kind::kNextTick:
      Schedule();
      OrStop(loop_->NextTick([this, o, env] { Callback(o->body, env); }));
      break;
    case Op::Kind::kMicrotask:
      Schedule();
      OrStop(loop_->QueueMicrotask([this, o, env] { Callback(o->body, env); }));
      break;
    case Op::Kind::kCpu:
      OrStop(loop_->ConsumeCpu(base::Duration::MillisRounded(op.ms)));
      break;
    case Op::Kind::kPool: {
      platform::PoolWork work;
      work.segments.push_back({op.pool_io ? platform::Segment::Kind::kWait
                                          : platform::Segment::Kind::kCpu,
                               base::Duration::MillisRounded(op.ms)});
      // fs-like or crypto-like (libuv's UV__WORK_FAST_IO, UV__WORK_CPU).
      work.kind = op.pool_io ? platform::PoolWork::Kind::kFastIo : platform::PoolWork::Kind::kCpu;
      Schedule();
      OrStop(loop_->QueueWork(std::move(work), [this, o, env](absl::Status s) {
        Enter();
        OrStop(s);
        Exec(o->body, env);
      }));
      break;
    }
    case Op::Kind::kNet:
      Schedule();
      OrStop(loop_->StartNetwork(base::Duration::MillisRounded(op.ms), [this, o, env](absl::Status s) {
        Enter();
        OrStop(s);
        Exec(o->body, env);
      }));
      break;
    case Op::Kind::kWriteFile:
    case Op::Kind::kReadFile:
    case Op::Kind::kStat:
    case Op::Kind::kUnlink:
      ExecIo(op, env);
      break;
    case Op::Kind::kListen:
    case Op::Kind::kConnect:
    case Op::Kind::kOnData:
    case Op::Kind::kOnEnd:
    case Op::Kind::kOnClose:
    case Op::Kind::kWrite:
    case Op::Kind::kEnd:
    case Op::Kind::kDestroy:
    case Op::Kind::kCloseServer:
      ExecNet(op, env);
      break;
  }
}

// File ops: "do" on success, "error" (with $error) on failure. A failure is
// the program's to handle, as a Node callback's err is: it never stops the
// run.
void Interpreter::ExecIo(const Op& op, const Env& env) {
  const Op* o = &op;
  Schedule();
  // Runs the op's branch for what the call gave.
  auto finish = [this, o, env](const absl::Status& s, std::string data, std::string size) {
    Enter();
    Env e = env;
    if (!s.ok()) {
      e.error = ErrorName(s);
      Exec(o->on_error, e);
      return;
    }
    if (o->kind == Op::Kind::kReadFile) e.data = std::move(data);
    if (o->kind == Op::Kind::kStat) e.size = std::move(size);
    Exec(o->body, e);
  };
  switch (op.kind) {
    case Op::Kind::kWriteFile:
      OrStop(loop_->WriteFile(op.text, op.data, [finish](absl::Status s) { finish(s, "", ""); }));
      break;
    case Op::Kind::kReadFile:
      OrStop(loop_->ReadFile(op.text, [finish](absl::StatusOr<std::string> r) {
        finish(r.status(), r.ok() ? *std::move(r) : "", "");
      }));
      break;
    case Op::Kind::kStat:
      OrStop(loop_->Stat(op.text, [finish](absl::StatusOr<runtime::FileStat> r) {
        finish(r.status(), "", r.ok() ? absl::StrCat(r->size) : "");
      }));
      break;
    case Op::Kind::kUnlink:
      OrStop(loop_->Unlink(op.text, [finish](absl::Status s) { finish(s, "", ""); }));
      break;
    default:
      break;
  }
}

// TCP ops. Listen and connect work on 127.0.0.1; their failures run
// "error" (with $error) and never stop the run. Socket calls on a socket
// that is gone do nothing, as Node's do with an 'error' listener attached.
void Interpreter::ExecNet(const Op& op, const Env& env) {
  const Op* o = &op;
  switch (op.kind) {
    case Op::Kind::kListen: {
      Schedule();
      auto server = std::make_shared<runtime::ServerId>(0);
      *server = OrStop(loop_->Listen(
          "127.0.0.1", op.port,
          [this, o, env, server](runtime::SocketId s) {
            Enter(/*runs_again=*/true);
            Env e = env;
            e.server = *server;
            e.port = loop_->LocalPort(*server).value_or(0);
            e.socket = s;
            Exec(o->connection, e);
          },
          [this, o, env, server](absl::Status st) {
            Enter();
            Env e = env;
            if (!st.ok()) {
              e.error = ErrorName(st);
              Exec(o->on_error, e);
              return;
            }
            e.server = *server;
            e.port = loop_->LocalPort(*server).value_or(0);
            Exec(o->body, e);
          }));
      break;
    }
    case Op::Kind::kConnect: {
      const int port = op.port == kPortOfServer ? env.port : op.port;
      Schedule();
      auto socket = std::make_shared<runtime::SocketId>(0);
      *socket = OrStop(loop_->Connect("127.0.0.1", port, [this, o, env, socket](absl::Status st) {
        Enter();
        Env e = env;
        if (!st.ok()) {
          e.error = ErrorName(st);
          Exec(o->on_error, e);
          return;
        }
        e.socket = *socket;
        Exec(o->body, e);
      }));
      break;
    }
    case Op::Kind::kOnData:
      loop_->OnData(env.socket, [this, o, env](std::string bytes) {
        Enter(/*runs_again=*/true);
        Env e = env;
        e.data = std::move(bytes);
        Exec(o->body, e);
      }).IgnoreError();
      break;
    case Op::Kind::kOnEnd:
      loop_->OnEnd(env.socket, [this, o, env] {
        Enter(/*runs_again=*/true);
        Exec(o->body, env);
      }).IgnoreError();
      break;
    case Op::Kind::kOnClose:
      loop_->OnClose(env.socket, [this, o, env](absl::Status st) {
        Enter(/*runs_again=*/true);
        Env e = env;
        e.error = st.ok() || absl::IsCancelled(st) ? "" : ErrorName(st);
        Exec(o->body, e);
      }).IgnoreError();
      break;
    case Op::Kind::kWrite:
      loop_->Write(env.socket, Substitute(op.text, env)).IgnoreError();
      break;
    case Op::Kind::kEnd:
      loop_->End(env.socket).IgnoreError();
      break;
    case Op::Kind::kDestroy:
      loop_->Destroy(env.socket).IgnoreError();
      break;
    case Op::Kind::kCloseServer:
      loop_->CloseServer(env.server).IgnoreError();
      break;
    default:
      break;
  }
}

absl::Status RunScenario(const Scenario& scenario, platform::Platform& platform, LogSink* out,
                         RunOptions options) {
  // An endless setImmediate chain never lets virtual time advance; on the
  // real platform it would spin; either way the run stops after 100,000.
  runtime::Loop loop(&platform, {.max_immediate_chain = 100'000});
  runtime::LoopMetrics* const metrics = options.metrics;
  Interpreter interp(&scenario, &loop, out, std::move(options));
  absl::Status s = interp.Run();
  if (metrics != nullptr) *metrics = *loop.Metrics();  // the loop's own thread: cannot fail
  // A run that stopped early leaves work behind. Shut the loop down while
  // the interpreter its callbacks point to is still alive; left to the
  // loop's destructor, they would run after the interpreter is gone.
  const absl::Status shutdown = loop.Shutdown();
  return s.ok() ? shutdown : s;
}

absl::Status Interpreter::Run() {
  Schedule();  // the main script
  absl::Status s = loop_->RunScript([this] { Callback(scenario_->main, Env{}); });
  if (!stopped_.ok()) return stopped_;
  if (!s.ok()) return s;
  absl::StatusOr<bool> alive = loop_->Run(runtime::RunMode::kDefault);
  if (!stopped_.ok()) return stopped_;
  return alive.status();
}

}  // namespace scenario
