#include "cli/interpreter.h"

#include <cmath>
#include <memory>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "platform/sim/simulated_platform.h"

namespace scenario {
namespace {

void OrThrow(const absl::Status& s) {
  if (!s.ok()) throw std::runtime_error(s.ToString());
}

template <typename T>
T OrThrow(absl::StatusOr<T> s) {
  if (!s.ok()) throw std::runtime_error(s.status().ToString());
  return *std::move(s);
}

}  // namespace

platform::Nanos MillisToNanos(double ms) {
  return static_cast<platform::Nanos>(std::llround(ms * 1e6));
}

std::string FormatLogLine(const LogLine& line) {
  const nlohmann::json t = static_cast<double>(line.t) / 1e6;
  return absl::StrCat("{\"t\": ", t.dump(), ", \"log\": ", nlohmann::json(line.label).dump(), "}");
}

Interpreter::Interpreter(const Scenario* scenario, runtime::Loop* loop, std::vector<LogLine>* out)
    : scenario_(scenario), loop_(loop), out_(out) {}

void Interpreter::Exec(const std::vector<Op>& ops) {
  for (const Op& op : ops) ExecOne(op);
}

void Interpreter::ExecOne(const Op& op) {
  const Op* o = &op;
  switch (op.kind) {
    case Op::Kind::kLog:
      out_->push_back({OrThrow(loop_->HrTime()), op.label});
      OrThrow(loop_->Log(op.label));
      break;
    case Op::Kind::kTimeout:
      OrThrow(loop_->SetTimeout([this, o] { Exec(o->body); }, op.ms));
      break;
    case Op::Kind::kInterval: {
      // Cleared after its Nth run, once that run's ops are done. The callback
      // holds its timer weakly, so the two do not keep each other alive.
      auto self = std::make_shared<std::weak_ptr<runtime::Timeout>>();
      auto runs = std::make_shared<int64_t>(0);
      runtime::Timer t = OrThrow(loop_->SetInterval(
          [this, o, self, runs] {
            Exec(o->body);
            if (++*runs == o->times) OrThrow(loop_->ClearInterval(self->lock()));
          },
          op.ms));
      *self = t;
      break;
    }
    case Op::Kind::kImmediate:
      OrThrow(loop_->SetImmediate([this, o] { Exec(o->body); }));
      break;
    case Op::Kind::kNextTick:
      OrThrow(loop_->NextTick([this, o] { Exec(o->body); }));
      break;
    case Op::Kind::kMicrotask:
      OrThrow(loop_->QueueMicrotask([this, o] { Exec(o->body); }));
      break;
    case Op::Kind::kCpu:
      OrThrow(loop_->ConsumeCpu(MillisToNanos(op.ms)));
      break;
    case Op::Kind::kPool: {
      platform::PoolWork work;
      work.segments.push_back({op.pool_io ? platform::Segment::Kind::kWait
                                          : platform::Segment::Kind::kCpu,
                               MillisToNanos(op.ms)});
      OrThrow(loop_->QueueWork(std::move(work), [this, o](absl::Status s) {
        OrThrow(s);
        Exec(o->body);
      }));
      break;
    }
    case Op::Kind::kNet:
      OrThrow(loop_->StartNetwork(MillisToNanos(op.ms), [this, o](absl::Status s) {
        OrThrow(s);
        Exec(o->body);
      }));
      break;
  }
}

absl::Status Interpreter::Run() {
  absl::Status s = loop_->RunScript([this] { Exec(scenario_->main); });
  if (!s.ok()) return s;
  absl::StatusOr<bool> alive = loop_->Run(runtime::RunMode::kDefault);
  return alive.status();
}

absl::StatusOr<std::vector<LogLine>> RunOnSimulator(const Scenario& s,
                                                    platform::TraceSink* trace) {
  absl::StatusOr<std::unique_ptr<platform_sim::SimulatedPlatform>> sim =
      platform_sim::SimulatedPlatform::Create({.cores = s.config.cores,
                                               .pool_size = s.config.pool_size,
                                               .seed = s.config.seed,
                                               .net_jitter = MillisToNanos(s.config.net_jitter_ms),
                                               .trace = trace});
  if (!sim.ok()) return sim.status();
  runtime::Loop loop(sim->get(), {.max_immediate_chain = 100'000});
  std::vector<LogLine> out;
  Interpreter interp(&s, &loop, &out);
  absl::Status st = interp.Run();
  if (!st.ok()) return st;
  return out;
}

}  // namespace scenario
