// loop_bench: twinloop on the simulated platform next to raw libuv doing the
// same work, in one binary so that both sides of a pair share the machine's
// state (frequency, noise, caches). Compare pairs by ratio, not by absolute
// numbers; bench/compare.sh prints the ratios.
//
// Every benchmark does N operations per iteration and reports items/s. Each
// side reuses one loop across iterations (as a program reuses its loop), so
// loop creation is not measured. Wall time (UseRealTime) is reported because
// libuv's pool work runs on other threads, whose CPU time the benchmark
// thread's CPU clock would not see; every benchmark uses it so ratios compare
// like with like.
//
// Each iteration checks that all N callbacks ran, so a broken benchmark
// reports an error instead of a fast time.
#include <uv.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/bench_util.h"
#include "benchmark/benchmark.h"
#include "platform/platform.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

namespace {

constexpr int64_t kN = 10'000;

using bench::CountIs;
using bench::Ok;
using bench::RunToEnd;
using bench::UvLoop;
using bench::UvOk;
using bench::UvRunToEnd;

// A loop on a simulated platform (default SimConfig: 2 cores, pool of 4, no
// trace).
std::optional<bench::LoopOn> NewTwin(benchmark::State& state) {
  return bench::NewLoopOn(state, platform_sim::SimulatedPlatform::Create({}));
}

void Configure(benchmark::internal::Benchmark* b) {
  b->Arg(kN)->UseRealTime()->Unit(benchmark::kMicrosecond);
}

// --- setImmediate -------------------------------------------------------------
//
// Twinloop: N SetImmediate callbacks queued from the main thread, then Run.
// Under the hood (as in Node) one internal check handle runs the whole queue
// in one check phase, and an internal idle handle keeps poll from blocking.
//
// Libuv counterpart, BM_Libuv_CheckHandle: that same design written directly
// against libuv: a uv_check_t (unref'd, always started) drains a deque of N
// std::function callbacks, and a uv_idle_t is started while the deque is
// non-empty. This is the closest equivalent: the libuv work is identical, so
// the ratio is twinloop's own per-immediate cost (Immediate object, ref
// counting, macrotask bookkeeping, nextTick drain after each callback).
//
// BM_Libuv_CheckHandlePerCallback is a second reference point: N separate
// uv_check_t handles that each run once and stop themselves, i.e. libuv's own
// per-handle dispatch cost.

void BM_Twinloop_Immediates(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::optional<bench::LoopOn> twin = NewTwin(state);
  if (!twin) return;
  runtime::Loop& loop = *twin->loop;
  int64_t ran = 0;
  for (auto _ : state) {
    ran = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (!Ok(state, loop.SetImmediate([&ran] { ++ran; }).status())) return;
    }
    if (!RunToEnd(state, loop) || !CountIs(state, ran, n)) return;
  }
  state.SetItemsProcessed(state.iterations() * n);
}

// Node's immediate machinery (src/env.cc) in raw libuv.
struct UvImmediates {
  uv_check_t check;
  uv_idle_t idle;
  std::deque<std::function<void()>> queue;
  std::deque<std::function<void()>> running;

  void Push(std::function<void()> cb) {
    if (queue.empty()) uv_idle_start(&idle, [](uv_idle_t*) {});
    queue.push_back(std::move(cb));
  }
  static void OnCheck(uv_check_t* h) {
    auto* self = static_cast<UvImmediates*>(h->data);
    // A snapshot: callbacks queued from now on wait for the next iteration.
    std::swap(self->running, self->queue);
    while (!self->running.empty()) {
      std::function<void()> cb = std::move(self->running.front());
      self->running.pop_front();
      cb();
    }
    if (self->queue.empty()) uv_idle_stop(&self->idle);
  }
};

void BM_Libuv_CheckHandle(benchmark::State& state) {
  const int64_t n = state.range(0);
  UvImmediates im;
  UvLoop uv;
  if (!UvOk(state, uv.init_status(), "uv_loop_init")) return;
  uv_check_init(uv.get(), &im.check);
  uv_idle_init(uv.get(), &im.idle);
  im.check.data = &im;
  uv_check_start(&im.check, UvImmediates::OnCheck);
  uv_unref(reinterpret_cast<uv_handle_t*>(&im.check));  // as Node: idle keeps it alive
  int64_t ran = 0;
  for (auto _ : state) {
    ran = 0;
    for (int64_t i = 0; i < n; ++i) im.Push([&ran] { ++ran; });
    if (!UvRunToEnd(state, uv.get()) || !CountIs(state, ran, n)) return;
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_Libuv_CheckHandlePerCallback(benchmark::State& state) {
  const int64_t n = state.range(0);
  struct Ctx {
    int64_t ran = 0;
    int64_t n = 0;
    uv_idle_t idle;
  } ctx;
  ctx.n = n;
  std::vector<uv_check_t> checks(n);
  UvLoop uv;
  if (!UvOk(state, uv.init_status(), "uv_loop_init")) return;
  uv_idle_init(uv.get(), &ctx.idle);
  for (uv_check_t& c : checks) {
    uv_check_init(uv.get(), &c);
    c.data = &ctx;
  }
  for (auto _ : state) {
    ctx.ran = 0;
    for (uv_check_t& c : checks) {
      uv_check_start(&c, [](uv_check_t* h) {
        auto* ctx = static_cast<Ctx*>(h->data);
        uv_check_stop(h);
        if (++ctx->ran == ctx->n) uv_idle_stop(&ctx->idle);
      });
    }
    // Without an active idle handle, poll would block: nothing else is due.
    uv_idle_start(&ctx.idle, [](uv_idle_t*) {});
    if (!UvRunToEnd(state, uv.get()) || !CountIs(state, ctx.ran, n)) return;
  }
  state.SetItemsProcessed(state.iterations() * n);
}

// --- Timers -------------------------------------------------------------------
//
// Firing timers takes time to pass. Twinloop runs on virtual time, so it can
// fire timers with delays 1..N ms at no wall-clock cost; libuv runs on the
// real clock, where that would take N ms of sleeping per iteration. So:
//
// BM_Twinloop_Timers: N timers, delays 1..N ms (N distinct Node timer lists),
//   run to completion: N loop iterations, each a sim poll that advances
//   virtual time by 1 ms and fires one timer.
// BM_Twinloop_TimersSameDelay: N timers of 1 ms (one Node list), run to
//   completion: one iteration fires all N.
// BM_Libuv_Timers: N uv_timer_t started with timeout 0, repeat 0, run to
//   completion: one iteration fires all N. Each is its own heap entry.
//   The like-for-like partner is TimersSameDelay (N callbacks from one timers
//   phase). Against BM_Twinloop_Timers the ratio also includes twinloop's N-1
//   extra loop iterations and N list creations; it is reported as an upper
//   bound of what distinct delays cost.
//
// BM_Twinloop_TimerStartStop / BM_Libuv_TimerStartStop: pure bookkeeping,
//   no time passes and no callback runs. SetTimeout with delays 1..N ms then
//   ClearTimeout of all N, in that order, vs uv_timer_start with timeouts
//   1..N ms then uv_timer_stop of all N. Exactly the same work.

void CountTimer(uv_timer_t* h) { ++*static_cast<int64_t*>(h->data); }

bool ScheduleTimers(benchmark::State& state, runtime::Loop& loop, int64_t n,
                    bool distinct, int64_t* ran) {
  for (int64_t i = 0; i < n; ++i) {
    const double ms = distinct ? static_cast<double>(i + 1) : 1.0;
    if (!Ok(state, loop.SetTimeout([ran] { ++*ran; }, ms).status())) return false;
  }
  return true;
}

void TwinloopTimers(benchmark::State& state, bool distinct) {
  const int64_t n = state.range(0);
  std::optional<bench::LoopOn> twin = NewTwin(state);
  if (!twin) return;
  runtime::Loop& loop = *twin->loop;
  int64_t ran = 0;
  for (auto _ : state) {
    ran = 0;
    if (!ScheduleTimers(state, loop, n, distinct, &ran)) return;
    if (!RunToEnd(state, loop) || !CountIs(state, ran, n)) return;
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_Twinloop_Timers(benchmark::State& state) { TwinloopTimers(state, true); }
void BM_Twinloop_TimersSameDelay(benchmark::State& state) { TwinloopTimers(state, false); }

void BM_Libuv_Timers(benchmark::State& state) {
  const int64_t n = state.range(0);
  int64_t ran = 0;
  std::vector<uv_timer_t> timers(n);
  UvLoop uv;
  if (!UvOk(state, uv.init_status(), "uv_loop_init")) return;
  for (uv_timer_t& t : timers) {
    uv_timer_init(uv.get(), &t);
    t.data = &ran;
  }
  for (auto _ : state) {
    ran = 0;
    for (uv_timer_t& t : timers) {
      if (!UvOk(state, uv_timer_start(&t, CountTimer, 0, 0), "uv_timer_start")) return;
    }
    if (!UvRunToEnd(state, uv.get()) || !CountIs(state, ran, n)) return;
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_Twinloop_TimerStartStop(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::optional<bench::LoopOn> twin = NewTwin(state);
  if (!twin) return;
  runtime::Loop& loop = *twin->loop;
  std::vector<runtime::Timer> timers(n);
  for (auto _ : state) {
    for (int64_t i = 0; i < n; ++i) {
      absl::StatusOr<runtime::Timer> t =
          loop.SetTimeout([] {}, static_cast<double>(i + 1));
      if (!Ok(state, t.status())) return;
      timers[i] = *std::move(t);
    }
    for (const runtime::Timer& t : timers) {
      if (!Ok(state, loop.ClearTimeout(t))) return;
    }
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_Libuv_TimerStartStop(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<uv_timer_t> timers(n);
  UvLoop uv;
  if (!UvOk(state, uv.init_status(), "uv_loop_init")) return;
  for (uv_timer_t& t : timers) uv_timer_init(uv.get(), &t);
  for (auto _ : state) {
    for (int64_t i = 0; i < n; ++i) {
      if (!UvOk(state, uv_timer_start(&timers[i], [](uv_timer_t*) {}, i + 1, 0),
                "uv_timer_start")) {
        return;
      }
    }
    for (uv_timer_t& t : timers) uv_timer_stop(&t);
  }
  state.SetItemsProcessed(state.iterations() * n);
}

// --- nextTick -----------------------------------------------------------------
//
// libuv has no nextTick: it is a queue Node drains after each callback. So
// the baseline is the plainest such queue, a std::deque<std::function> filled
// with N callbacks and drained front to back. Twinloop queues N NextTick
// callbacks from the main script (RunScript), which drains them when the
// script returns, as Node does; the ratio includes that one macrotask.

void BM_Twinloop_NextTickDrain(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::optional<bench::LoopOn> twin = NewTwin(state);
  if (!twin) return;
  runtime::Loop& loop = *twin->loop;
  int64_t ran = 0;
  for (auto _ : state) {
    ran = 0;
    absl::Status queued;
    absl::Status s = loop.RunScript([&] {
      for (int64_t i = 0; i < n && queued.ok(); ++i) queued = loop.NextTick([&ran] { ++ran; });
    });
    if (!Ok(state, queued) || !Ok(state, s) || !CountIs(state, ran, n)) return;
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_Baseline_DequeDrain(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::deque<std::function<void()>> queue;
  int64_t ran = 0;
  for (auto _ : state) {
    ran = 0;
    for (int64_t i = 0; i < n; ++i) queue.push_back([&ran] { ++ran; });
    while (!queue.empty()) {
      std::function<void()> cb = std::move(queue.front());
      queue.pop_front();
      cb();
    }
    if (!CountIs(state, ran, n)) return;
  }
  state.SetItemsProcessed(state.iterations() * n);
}

// --- Thread pool --------------------------------------------------------------
//
// Twinloop: N QueueWork calls with an empty PoolWork (no segments, no body:
// zero duration, like a zero-duration segment without the vector) and an
// `after` callback, then Run. The simulated pool (4 threads, as libuv's
// default) finishes such work at the instant it is submitted, so this
// measures twinloop's request bookkeeping plus the simulator's pool and
// completion delivery; no thread is involved.
//
// Libuv: N uv_queue_work with an empty work callback and an after callback,
// then uv_run. This is real cross-thread work: a mutex-protected queue, 4
// pool threads (UV_THREADPOOL_SIZE default) on this 2-core machine, and an
// eventfd wakeup of the loop. A ratio below 1 is expected and says the
// simulator is cheaper than real threads, not that twinloop's core is.

void BM_Twinloop_PoolWork(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::optional<bench::LoopOn> twin = NewTwin(state);
  if (!twin) return;
  runtime::Loop& loop = *twin->loop;
  int64_t ran = 0;
  for (auto _ : state) {
    ran = 0;
    for (int64_t i = 0; i < n; ++i) {
      absl::StatusOr<runtime::RequestId> id = loop.QueueWork(
          platform::PoolWork{}, [&ran](absl::Status s) { ran += s.ok() ? 1 : 0; });
      if (!Ok(state, id.status())) return;
    }
    if (!RunToEnd(state, loop) || !CountIs(state, ran, n)) return;
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void NoWork(uv_work_t*) {}
void CountWork(uv_work_t* req, int status) {
  if (status == 0) ++*static_cast<int64_t*>(req->data);
}

void BM_Libuv_QueueWork(benchmark::State& state) {
  const int64_t n = state.range(0);
  int64_t ran = 0;
  std::vector<uv_work_t> reqs(n);
  for (uv_work_t& r : reqs) r.data = &ran;
  UvLoop uv;
  if (!UvOk(state, uv.init_status(), "uv_loop_init")) return;
  // Warm-up: libuv starts its pool threads on the first uv_queue_work.
  if (!UvOk(state, uv_queue_work(uv.get(), &reqs[0], NoWork, CountWork), "uv_queue_work") ||
      !UvRunToEnd(state, uv.get())) {
    return;
  }
  for (auto _ : state) {
    ran = 0;
    for (uv_work_t& r : reqs) {
      if (!UvOk(state, uv_queue_work(uv.get(), &r, NoWork, CountWork), "uv_queue_work")) return;
    }
    if (!UvRunToEnd(state, uv.get()) || !CountIs(state, ran, n)) return;
  }
  state.SetItemsProcessed(state.iterations() * n);
}

// Registered in pairs: twinloop first, then its reference.
BENCHMARK(BM_Twinloop_Immediates)->Apply(Configure);
BENCHMARK(BM_Libuv_CheckHandle)->Apply(Configure);
BENCHMARK(BM_Libuv_CheckHandlePerCallback)->Apply(Configure);
BENCHMARK(BM_Twinloop_Timers)->Apply(Configure);
BENCHMARK(BM_Twinloop_TimersSameDelay)->Apply(Configure);
BENCHMARK(BM_Libuv_Timers)->Apply(Configure);
BENCHMARK(BM_Twinloop_TimerStartStop)->Apply(Configure);
BENCHMARK(BM_Libuv_TimerStartStop)->Apply(Configure);
BENCHMARK(BM_Twinloop_NextTickDrain)->Apply(Configure);
BENCHMARK(BM_Baseline_DequeDrain)->Apply(Configure);
BENCHMARK(BM_Twinloop_PoolWork)->Apply(Configure);
BENCHMARK(BM_Libuv_QueueWork)->Apply(Configure);

}  // namespace
