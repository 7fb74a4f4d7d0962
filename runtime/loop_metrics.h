// LoopMetrics: what a loop did, read with Loop::Metrics().
//
// libuv users have asked for these (libuv#1144, libuv#4343); Node offers
// parts of them through perf_hooks (eventLoopUtilization,
// monitorEventLoopDelay). Every time here comes from the platform's clock
// reads the loop makes anyway (no read is added for metrics), so on the
// simulated platform they are exact and reproducible from the seed.
//
// Threading: a plain value, copied out of the loop.
#ifndef TWINLOOP_RUNTIME_LOOP_METRICS_H_
#define TWINLOOP_RUNTIME_LOOP_METRICS_H_

#include <array>
#include <cstdint>

#include "base/time_units.h"
#include "platform/platform.h"

namespace runtime {

enum class Phase {
  kMain, kTimers, kPending, kIdle, kPrepare, kPoll, kCheck, kClose, kShutdown
};
inline constexpr int kPhaseCount = 9;
const char* PhaseName(Phase p);

// A distribution of durations, from a LatencyHistogram: count and max
// exact; p50 and p99 at most 6.25% above the true value.
struct LatencySummary {
  int64_t count = 0;
  base::Duration p50;
  base::Duration p99;
  base::Duration max;
};

struct LoopMetrics {
  // Loop iterations (uv_run's while loop), over every Run call.
  int64_t iterations = 0;
  // Macrotask callbacks run in each phase, indexed by Phase: the main
  // script, timers and intervals, pool and network callbacks, immediates,
  // idle/prepare/check and close callbacks. Node's own machinery (the
  // immediate check handle, the timer handle) is not counted.
  std::array<int64_t, kPhaseCount> callbacks{};
  int64_t next_ticks = 0;  // process.nextTick callbacks run
  int64_t microtasks = 0;  // queueMicrotask callbacks run
  // Time spent waiting in poll (Node's idle time, from uv_metrics_idle_time;
  // as there, a poll that may not wait, with timeout 0, counts none), and
  // time since the loop was created, to the loop's latest clock read.
  base::Duration idle;
  base::Duration elapsed;
  // Node's performance.eventLoopUtilization().utilization:
  // (elapsed - idle) / elapsed; 0 before any time has passed.
  double utilization = 0;
  // Event-loop lag: how late each timer callback ran past its due time
  // (start + delay, in the loop's millisecond time), as
  // monitorEventLoopDelay samples it.
  LatencySummary timer_lag;
  // The pool's queue depth and busy threads, now and at most (the
  // platform's count; see platform::PoolStats).
  platform::PoolStats pool;
  // Per pool task that started: time from QueueWork to a thread taking it.
  LatencySummary queue_wait;
};

}  // namespace runtime

#endif  // TWINLOOP_RUNTIME_LOOP_METRICS_H_
