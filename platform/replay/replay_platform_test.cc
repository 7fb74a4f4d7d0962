// Record a run on the simulated platform, replay it, and compare; replay
// against a changed program and find the first divergence.
#include "platform/replay/replay_platform.h"

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "platform/replay/determinism_check.h"
#include "platform/replay/recording_platform.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

namespace platform_replay {
namespace {

using base::Duration;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr Duration kMs = Duration::Millis(1);

// A program with pool work, a timer, a network round trip, loop CPU and a
// cancellation; `variant` changes its third pool submission.
absl::Status Program(platform::Platform& p, std::vector<std::string>* log, int variant = 0) {
  runtime::Loop loop(&p);
  auto note = [&](std::string what) {
    log->push_back(absl::StrCat(loop.HrTime()->millis(), " ", what));
  };
  absl::Status s = loop.RunScript([&] {
    for (int i = 0; i < 3; ++i) {
      const int ms = (i == 2 && variant == 1) ? 31 : 30;
      auto id =
          loop.QueueWork({.segments = {{platform::Segment::Kind::kCpu, ms * kMs}}},
                         [&, i](absl::Status st) { note(absl::StrCat("work ", i, " ", st.ok())); });
      if (!id.ok()) throw std::runtime_error("queue");
    }
    auto last = loop.QueueWork(
        {.segments = {{platform::Segment::Kind::kWait, 5 * kMs}}},
        [&](absl::Status st) { note(absl::StrCat("cancelled ", absl::IsCancelled(st))); });
    if (!loop.CancelWork(*last).ok()) throw std::runtime_error("cancel");
    if (!loop.SetTimeout([&] {
          note("timeout");
          if (!loop.ConsumeCpu(7 * kMs).ok()) throw std::runtime_error("cpu");
        }, 20).ok()) {
      throw std::runtime_error("timeout");
    }
    if (!loop.StartNetwork(45 * kMs, [&](absl::Status) { note("net"); }).ok()) {
      throw std::runtime_error("net");
    }
  });
  if (!s.ok()) return s;
  absl::StatusOr<bool> run = loop.Run();
  if (!run.ok()) return run.status();
  note(absl::StrCat("pool max busy ", loop.Metrics()->pool.max_busy));
  return absl::OkStatus();
}

struct Recorded {
  std::string bytes;
  std::vector<std::string> log;
  std::string trace;
};

Recorded Record() {
  Recorded r;
  platform::MemoryTraceSink trace;
  RecordWriter writer({.platform = "sim", .cores = 2, .pool_size = 2},
                      [&](std::string_view b) { r.bytes.append(b); });
  WriterSink sink(&writer);
  EventCapture capture(&trace);
  auto sim = platform_sim::SimulatedPlatform::Create(
                 {.cores = 2, .pool_size = 2, .seed = 11, .net_jitter = 3 * kMs, .trace = &capture})
                 .value();
  RecordingPlatform recording(sim.get(), &sink, &capture, &trace);
  EXPECT_TRUE(Program(recording, &r.log).ok());
  writer.Finish();
  r.trace = trace.ToJsonLines();
  return r;
}

TEST(ReplayPlatformTest, ReplaysTheRecordedRunExactly) {
  const Recorded rec = Record();
  ASSERT_EQ(rec.log.size(), 7u);
  platform::MemoryTraceSink trace;
  ReplayPlatform replay(RecordReader::Open(rec.bytes).value(), &trace);
  std::vector<std::string> log;
  ASSERT_TRUE(Program(replay, &log).ok());
  replay.Finish();
  EXPECT_FALSE(replay.divergence().has_value()) << replay.divergence()->Report();
  EXPECT_EQ(log, rec.log);
  EXPECT_EQ(trace.ToJsonLines(), rec.trace);
  EXPECT_EQ(replay.inputs_used(), RecordReader::Open(rec.bytes)->size());
}

TEST(ReplayPlatformTest, AChangedProgramDivergesAtTheFirstDifferentRequest) {
  const Recorded rec = Record();
  ReplayPlatform replay(RecordReader::Open(rec.bytes).value(), nullptr);
  std::vector<std::string> log;
  const absl::Status s = Program(replay, &log, /*variant=*/1);
  ASSERT_TRUE(replay.divergence().has_value());
  const Divergence& d = *replay.divergence();
  EXPECT_EQ(d.recorded, "submit pool work 3 (cpu: cpu 30 ms)");
  EXPECT_EQ(d.program, "submit pool work 3 (cpu: cpu 31 ms)");
  // Before it: the submissions, each after the events the pool traced
  // while taking it (the third's enqueue comes just before its request).
  EXPECT_EQ(d.context.back(), "platform event pool_enqueue on loop id 3 at 0 ms");
  EXPECT_EQ(d.context[d.context.size() - 2], "submit pool work 2 (cpu: cpu 30 ms)");
  EXPECT_THAT(d.Report(), StartsWith(absl::StrCat("replay diverged at input #", d.index,
                                                  "\n  recorded: submit pool work 3")));
  // From then on the platform refuses: here CancelWork fails and the
  // program throws, which stops the run.
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
}

TEST(ReplayPlatformTest, AProgramThatStopsEarlyLeavesInputsAndSaysSo) {
  const Recorded rec = Record();
  ReplayPlatform replay(RecordReader::Open(rec.bytes).value(), nullptr);
  {
    runtime::Loop loop(&replay);  // reads the clock once, then nothing
  }
  replay.Finish();
  ASSERT_TRUE(replay.divergence().has_value());
  EXPECT_EQ(replay.divergence()->program, "nothing more (the program ended)");
}

TEST(ReplayPlatformTest, DeterminismCheckPassesForTheSimulatorAndFindsNondeterminism) {
  auto make = [](platform::TraceSink* trace)
      -> absl::StatusOr<std::unique_ptr<platform::Platform>> {
    auto p = platform_sim::SimulatedPlatform::Create(
        {.cores = 2, .pool_size = 2, .seed = 5, .net_jitter = 3 * kMs, .trace = trace});
    if (!p.ok()) return p.status();
    return std::unique_ptr<platform::Platform>(std::move(*p));
  };
  std::vector<std::string> log;
  EXPECT_TRUE(CheckDeterminism(make, [&](platform::Platform& p) { return Program(p, &log); }).ok());
  // A program that depends on something outside the seam (here: a counter
  // that survives between runs) is caught at its first different request.
  int runs = 0;
  const absl::Status s = CheckDeterminism(make, [&](platform::Platform& p) {
    return Program(p, &log, /*variant=*/runs++);
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("recorded: submit pool work 3 (cpu: cpu 30 ms)"));
  EXPECT_THAT(s.message(), HasSubstr("program:  submit pool work 3 (cpu: cpu 31 ms)"));
}

}  // namespace
}  // namespace platform_replay
