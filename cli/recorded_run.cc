#include "cli/recorded_run.h"

#include <utility>

#include "platform/replay/recording_platform.h"

namespace scenario {

absl::Status RunRecorded(const Scenario& s, PlatformMaker make, platform::TraceSink* trace,
                         platform_replay::RecordWriter* writer, LogSink* out, RunOptions options) {
  // A traced run's platform traces through the capture, so its own events
  // are recorded too and a replay writes the same trace; the loop writes to
  // `trace` directly. An untraced run records no platform events: tracing
  // them is most of what recording would cost (bench/RESULTS.md).
  platform_replay::EventCapture capture(trace);
  platform_replay::EventCapture* const events = trace != nullptr ? &capture : nullptr;
  absl::StatusOr<std::unique_ptr<platform::Platform>> inner = make(events);
  if (!inner.ok()) return inner.status();
  platform_replay::WriterSink sink(writer);
  platform_replay::RecordingPlatform recording(inner->get(), &sink, events, trace);
  return RunScenario(s, recording, out, std::move(options));
}

absl::Status RunReplayed(const Scenario& s, platform_replay::RecordReader reader,
                         platform::TraceSink* trace, LogSink* out, RunOptions options,
                         std::optional<platform_replay::Divergence>* divergence) {
  platform_replay::ReplayPlatform replay(std::move(reader), trace);
  absl::Status run = RunScenario(s, replay, out, std::move(options));
  replay.Finish();
  *divergence = replay.divergence();
  return run;
}

}  // namespace scenario
