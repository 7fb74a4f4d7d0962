// record_bench: what recording costs on the real platform (issue #10's
// targets: under 16 bytes per recorded input on average, under 10% slower).
//
// One workload, a pool-and-timer mix, run on a RealPlatform with and without
// a RecordingPlatform in front of it: 1000 pool tasks with no cost (their
// round trip through the pool threads is the work) and 1000 timers of 0 or
// 1 ms, all started from one script, each callback starting a nextTick. The
// recorded side reports bytes per input and inputs per iteration as
// counters; compare the two sides' times as a ratio (bench/RESULTS.md).
#include <cstdio>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "platform/real/real_platform.h"
#include "platform/replay/record.h"
#include "platform/replay/recording_platform.h"
#include "runtime/loop.h"

namespace {

constexpr int kTasks = 1000;
constexpr int kTimers = 1000;

// Returns the callbacks that ran (2 per task and timer).
int64_t Workload(platform::Platform* p) {
  runtime::Loop loop(p);
  int64_t ran = 0;
  loop.RunScript([&] {
        for (int i = 0; i < kTasks; ++i) {
          loop.QueueWork({.kind = platform::PoolWork::Kind::kFastIo},
                         [&](absl::Status) {
                           ++ran;
                           loop.NextTick([&] { ++ran; }).IgnoreError();
                         })
              .IgnoreError();
        }
        for (int i = 0; i < kTimers; ++i) {
          loop.SetTimeout([&] {
                ++ran;
                loop.NextTick([&] { ++ran; }).IgnoreError();
              }, i % 2).IgnoreError();
        }
      }).IgnoreError();
  if (absl::StatusOr<bool> run = loop.Run(); !run.ok()) {
    std::fprintf(stderr, "record_bench: the loop failed: %s\n", run.status().ToString().c_str());
    return -1;
  }
  return ran;
}

void BM_Real_PoolAndTimers(benchmark::State& state) {
  auto real = platform_real::RealPlatform::Create({.pool_size = 4}).value();
  for (auto _ : state) {
    if (Workload(real.get()) != 2 * (kTasks + kTimers)) state.SkipWithError("callbacks lost");
  }
  state.SetItemsProcessed(state.iterations() * (kTasks + kTimers));
}

// `traced`: the platform traces its own events into the record too (as
// `twinloop run --record --trace` does), so that a replay's trace has them.
void Recorded(benchmark::State& state, bool traced) {
  platform_replay::EventCapture capture(nullptr);
  platform_replay::EventCapture* events = traced ? &capture : nullptr;
  auto real = platform_real::RealPlatform::Create({.pool_size = 4, .trace = events}).value();
  int64_t bytes = 0, inputs = 0;
  for (auto _ : state) {
    std::string record;
    record.reserve(1 << 20);
    platform_replay::RecordWriter writer({.platform = "real", .pool_size = 4},
                                         [&](std::string_view b) { record.append(b); });
    platform_replay::WriterSink sink(&writer);
    platform_replay::RecordingPlatform recording(real.get(), &sink, events, nullptr);
    if (Workload(&recording) != 2 * (kTasks + kTimers)) state.SkipWithError("callbacks lost");
    writer.Finish();
    bytes += writer.bytes();
    inputs += writer.inputs();
  }
  state.SetItemsProcessed(state.iterations() * (kTasks + kTimers));
  state.counters["bytes_per_input"] = static_cast<double>(bytes) / static_cast<double>(inputs);
  state.counters["inputs_per_iteration"] =
      static_cast<double>(inputs) / static_cast<double>(state.iterations());
}

void BM_Real_PoolAndTimers_Recorded(benchmark::State& state) { Recorded(state, false); }
void BM_Real_PoolAndTimers_RecordedWithPlatformEvents(benchmark::State& state) {
  Recorded(state, true);
}

BENCHMARK(BM_Real_PoolAndTimers)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Real_PoolAndTimers_Recorded)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Real_PoolAndTimers_RecordedWithPlatformEvents)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
