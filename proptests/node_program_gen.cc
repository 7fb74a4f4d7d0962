#include "proptests/node_program_gen.h"

#include <algorithm>
#include <utility>

#include "proptests/scenario_gen.h"

namespace proptests {

using scenario::Op;

namespace {

Op Cpu(double ms) {
  Op op;
  op.kind = Op::Kind::kCpu;
  op.ms = ms;
  return op;
}

}  // namespace

int NodeProgramGenerator::Uniform(int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng_);
}

scenario::Scenario NodeProgramGenerator::Next() {
  ops_left_ = Uniform(8, 32);
  big_cpu_left_ = Chance(45) ? Uniform(1, 2) : 0;
  fs_left_ = Chance(35) ? Uniform(1, 2) : 0;
  timers_left_ = Uniform(2, 9);
  scenario::Scenario s;
  s.main = Ops(0, 0, false);
  NumberLabels(&s.main);
  return s;
}

std::vector<Op> NodeProgramGenerator::Ops(int depth, int interval_ms, bool in_task) {
  std::vector<Op> ops;
  // A tick or microtask that computes, then creates a timer: the timer's
  // start is read after the CPU (getLibuvNow), which can make timers already
  // re-armed by this timers pass due again (libuv 1.46's uv__run_timers).
  if (in_task && timers_left_ > 0 && Chance(30)) {
    ops.push_back(Cpu(Uniform(2, 12)));
    --timers_left_;
    Op timer;
    timer.kind = Op::Kind::kTimeout;
    timer.ms = 5 * Uniform(1, 12);
    timer.body = Ops(depth + 1, 0, false);
    ops.push_back(std::move(timer));
  }
  const int n = depth == 0 ? Uniform(2, 5) : Uniform(depth >= 5 ? 0 : 1, depth >= 4 ? 2 : 3);
  for (int i = 0; i < n && ops_left_ > 0; ++i) ops.push_back(One(depth, interval_ms));
  return ops;
}

Op NodeProgramGenerator::One(int depth, int interval_ms) {
  --ops_left_;
  Op op;
  if (depth >= 7) {
    op.kind = Op::Kind::kLog;
    return op;
  }
  // Inside an interval, CPU that may outlast the period.
  if (interval_ms > 0 && Chance(20)) {
    op.kind = Op::Kind::kCpu;
    op.ms = Uniform(interval_ms / 2, interval_ms * 2);
    return op;
  }
  const int pick = Uniform(0, 99);
  if (pick < 24) {
    op.kind = Op::Kind::kLog;
  } else if (pick < 32) {
    op.kind = Op::Kind::kCpu;
    op.ms = Chance(25) ? 0.5 : Uniform(1, 3);
  } else if (pick < 36 && big_cpu_left_ > 0) {
    // Long enough that timers of several lists come due meanwhile.
    --big_cpu_left_;
    op.kind = Op::Kind::kCpu;
    op.ms = Uniform(15, 50);
  } else if (pick < 54 && timers_left_ > 0) {
    --timers_left_;
    op.kind = Op::Kind::kTimeout;
    const int r = Uniform(0, 99);
    op.ms = r < 10 ? 0 : r < 20 ? Uniform(1, 4) : r < 85 ? 5 * Uniform(1, 12) : Uniform(61, 140);
    op.body = Ops(depth + 1, 0, false);
  } else if (pick < 61 && timers_left_ > 0 && interval_ms == 0) {
    --timers_left_;
    op.kind = Op::Kind::kInterval;
    op.ms = 5 * Uniform(1, 8);
    op.times = Uniform(1, 3);
    op.body = Ops(depth + 1, static_cast<int>(op.ms), false);
  } else if (pick < 72) {
    op.kind = Op::Kind::kImmediate;
    op.body = Ops(depth + 1, 0, false);
  } else if (pick < 83) {
    op.kind = Op::Kind::kNextTick;
    op.body = Ops(depth + 1, 0, true);
  } else if (pick < 94) {
    op.kind = Op::Kind::kMicrotask;
    op.body = Ops(depth + 1, 0, true);
  } else if (fs_left_ > 0) {
    --fs_left_;
    op.kind = Op::Kind::kPool;
    op.pool_io = true;
    op.ms = 0.25;
    op.body = Ops(depth + 1, 0, false);
  } else {
    op.kind = Op::Kind::kLog;
  }
  return op;
}

namespace {

void ScaleOps(std::vector<Op>* ops, double factor) {
  for (Op& op : *ops) {
    op.ms *= factor;
    ScaleOps(&op.body, factor);
  }
}

void OverheadOps(std::vector<Op>* ops, double wake_ms, double callback_ms, double fs_factor) {
  for (Op& op : *ops) {
    if (op.kind == Op::Kind::kLog || op.kind == Op::Kind::kCpu) continue;
    OverheadOps(&op.body, wake_ms, callback_ms, fs_factor);
    const bool wakes = op.kind == Op::Kind::kTimeout || op.kind == Op::Kind::kInterval ||
                       op.kind == Op::Kind::kPool || op.kind == Op::Kind::kNet;
    op.body.insert(op.body.begin(), Cpu(wakes ? wake_ms : callback_ms));
    if (op.kind == Op::Kind::kPool) op.ms *= fs_factor;
  }
}

}  // namespace

scenario::Scenario ScaleDurations(const scenario::Scenario& s, double factor) {
  scenario::Scenario out = s;
  ScaleOps(&out.main, factor);
  return out;
}

scenario::Scenario AddOverhead(const scenario::Scenario& s, double wake_ms, double callback_ms,
                               double fs_factor) {
  scenario::Scenario out = s;
  OverheadOps(&out.main, wake_ms, callback_ms, fs_factor);
  // Node's main script is slow to start (module load) and to end (the rest
  // of bootstrap runs before the loop's first iteration).
  out.main.insert(out.main.begin(), Cpu(wake_ms));
  out.main.push_back(Cpu(wake_ms));
  return out;
}

}  // namespace proptests
