// sim_bench: how fast the simulator runs (issue #12). A simulation is only
// useful in CI if thousands of seeds fit in a build: these measure simulated
// callbacks per second of wall time, a virtual hour of a busy service, the
// million-timer scenario in virtual time, and memory per pending timer.
// bench/compare.sh holds each against its target.
//
// - SimTimers / SimImmediates / SimPoolTasks: N callbacks of one kind.
// - SimVirtualHour: one virtual hour of a service taking 1000 requests/s,
//   each a 1 ms hash on the pool and then a 20 ms network call: 3.6 M
//   requests, on 2 simulated cores and a pool of 4. Reports wall seconds per
//   virtual hour (target < 1 s) and the speed-up over real time.
// - SimMillionTimers: 1,000,000 timers whose timeouts step every 1000, in
//   virtual time (target < 0.5 s), with heap bytes per pending timer.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "bench/bench_util.h"
#include "benchmark/benchmark.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

namespace {

using bench::CountIs;
using bench::Ok;
using bench::RunToEnd;

std::optional<bench::LoopOn> NewSimTwin(benchmark::State& state) {
  return bench::NewLoopOn(state,
                          platform_sim::SimulatedPlatform::Create({.cores = 2, .pool_size = 4}));
}

constexpr int64_t kN = 100'000;

// N callbacks of one kind on a fresh simulated loop per iteration: `queue`
// queues the i-th from the main script; its callback counts into `ran`.
// From the second iteration on, the loop's chunks come from this thread's
// chunk cache (base/chunk_cache.h), as a seed sweep's later runs do.
// bench/RESULTS.md gives the cold numbers as well.
template <typename Queue>
void RunCallbacks(benchmark::State& state, Queue queue) {
  for (auto _ : state) {
    std::optional<bench::LoopOn> twin = NewSimTwin(state);
    if (!twin) return;
    runtime::Loop& loop = *twin->loop;
    int64_t ran = 0;
    absl::Status script = loop.RunScript([&] {
      for (int64_t i = 0; i < kN; ++i) queue(loop, i, ran);
    });
    if (!Ok(state, script) || !RunToEnd(state, loop) || !CountIs(state, ran, kN)) return;
  }
  state.SetItemsProcessed(state.iterations() * kN);
}

void BM_SimTimers(benchmark::State& state) {
  RunCallbacks(state, [](runtime::Loop& loop, int64_t i, int64_t& ran) {
    loop.SetTimeout([&ran] { ++ran; }, static_cast<double>(1 + i % 1000)).IgnoreError();
  });
}

void BM_SimImmediates(benchmark::State& state) {
  RunCallbacks(state, [](runtime::Loop& loop, int64_t, int64_t& ran) {
    loop.SetImmediate([&ran] { ++ran; }).IgnoreError();
  });
}

void BM_SimPoolTasks(benchmark::State& state) {
  RunCallbacks(state, [](runtime::Loop& loop, int64_t, int64_t& ran) {
    platform::PoolWork w;
    w.segments.push_back({platform::Segment::Kind::kCpu, base::Duration::Millis(1)});
    loop.QueueWork(std::move(w), [&ran](absl::Status s) { ran += s.ok(); }).IgnoreError();
  });
}

constexpr int64_t kHourRequests = 3'600'000;  // 1000/s for 3600 s

void BM_SimVirtualHour(benchmark::State& state) {
  for (auto _ : state) {
    std::optional<bench::LoopOn> twin = NewSimTwin(state);
    if (!twin) return;
    runtime::Loop& loop = *twin->loop;
    int64_t started = 0, done = 0;
    runtime::Timer arrivals;
    absl::Status script = loop.RunScript([&] {
      // A request arrives every millisecond.
      absl::StatusOr<runtime::Timer> t = loop.SetInterval(
          [&] {
            if (++started == kHourRequests) loop.ClearInterval(arrivals).IgnoreError();
            platform::PoolWork hash;
            hash.segments.push_back({platform::Segment::Kind::kCpu, base::Duration::Millis(1)});
            loop.QueueWork(std::move(hash), [&](absl::Status s) {
                  if (!s.ok()) return;
                  loop.StartNetwork(base::Duration::Millis(20), [&done](absl::Status s) {
                        done += s.ok();
                      }).IgnoreError();
                }).IgnoreError();
          },
          1);
      if (t.ok()) arrivals = *t;
    });
    if (!Ok(state, script) || !RunToEnd(state, loop) || !CountIs(state, done, kHourRequests)) {
      return;
    }
    state.counters["virtual_s"] = loop.HrTime()->millis() / 1000;
  }
  state.SetItemsProcessed(state.iterations() * kHourRequests);
}

constexpr int64_t kMillion = 1'000'000;

void BM_SimMillionTimers(benchmark::State& state) {
  for (auto _ : state) {
    const int64_t heap0 = bench::HeapBytes();
    std::optional<bench::LoopOn> twin = NewSimTwin(state);
    if (!twin) return;
    runtime::Loop& loop = *twin->loop;
    int64_t fired = 0;
    absl::Status script = loop.RunScript([&] {
      for (int64_t i = 0; i < kMillion; ++i) {
        loop.SetTimeout([&fired] { ++fired; }, static_cast<double>(1 + i / 1000)).IgnoreError();
      }
    });
    if (!Ok(state, script)) return;
    state.counters["heap_bytes_per_timer"] =
        static_cast<double>(bench::HeapBytes() - heap0) / kMillion;
    if (!RunToEnd(state, loop) || !CountIs(state, fired, kMillion)) return;
  }
  state.SetItemsProcessed(state.iterations() * kMillion);
}

BENCHMARK(BM_SimTimers)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimImmediates)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimPoolTasks)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimVirtualHour)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_SimMillionTimers)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
