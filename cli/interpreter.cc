#include "cli/interpreter.h"

#include <cmath>
#include <exception>
#include <memory>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace scenario {
namespace {

// Unwinds a callback when the run must stop; the reason is in stopped_.
struct RunStopped : std::exception {
  const char* what() const noexcept override { return "the run was stopped"; }
};

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

void Interpreter::Callback(const std::vector<Op>& ops) {
  Enter();
  Exec(ops);
}

void Interpreter::Exec(const std::vector<Op>& ops) {
  for (const Op& op : ops) ExecOne(op);
}

void Interpreter::ExecOne(const Op& op) {
  const Op* o = &op;
  switch (op.kind) {
    case Op::Kind::kLog:
      out_->Write({OrStop(loop_->HrTime()), op.label});
      OrStop(loop_->Log(op.label));
      break;
    case Op::Kind::kTimeout:
      Schedule();
      OrStop(loop_->SetTimeout([this, o] { Callback(o->body); }, op.ms));
      break;
    case Op::Kind::kInterval: {
      // Cleared after its Nth run, once that run's ops are done. The callback
      // holds its timer weakly, so the two do not keep each other alive.
      auto self = std::make_shared<std::weak_ptr<runtime::Timeout>>();
      auto runs = std::make_shared<int64_t>(0);
      Schedule();
      runtime::Timer t = OrStop(loop_->SetInterval(
          [this, o, self, runs] {
            const bool last = ++*runs == o->times;
            Enter(/*runs_again=*/!last);
            Exec(o->body);
            if (last) OrStop(loop_->ClearInterval(self->lock()));
          },
          op.ms));
      *self = t;
      break;
    }
    case Op::Kind::kImmediate:
      Schedule();
      OrStop(loop_->SetImmediate([this, o] { Callback(o->body); }));
      break;
    case Op::Kind::kNextTick:
      Schedule();
      OrStop(loop_->NextTick([this, o] { Callback(o->body); }));
      break;
    case Op::Kind::kMicrotask:
      Schedule();
      OrStop(loop_->QueueMicrotask([this, o] { Callback(o->body); }));
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
      OrStop(loop_->QueueWork(std::move(work), [this, o](absl::Status s) {
        Enter();
        OrStop(s);
        Exec(o->body);
      }));
      break;
    }
    case Op::Kind::kNet:
      Schedule();
      OrStop(loop_->StartNetwork(base::Duration::MillisRounded(op.ms), [this, o](absl::Status s) {
        Enter();
        OrStop(s);
        Exec(o->body);
      }));
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
  absl::Status s = loop_->RunScript([this] { Callback(scenario_->main); });
  if (!stopped_.ok()) return stopped_;
  if (!s.ok()) return s;
  absl::StatusOr<bool> alive = loop_->Run(runtime::RunMode::kDefault);
  if (!stopped_.ok()) return stopped_;
  return alive.status();
}

}  // namespace scenario
