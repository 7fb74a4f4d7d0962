#include "cli/recorded_run.h"

#include <utility>

#include "platform/replay/recording_platform.h"

namespace scenario {

absl::Status RunRecorded(const Scenario& s, PlatformMaker make, platform::TraceSink* trace,
                         platform_replay::RecordWriter* writer, LogSink* out, RunOptions options) {
  // The platform traces through the capture, so its own events are recorded
  // too; the loop writes to `trace` directly.
  platform_replay::EventCapture capture(trace);
  absl::StatusOr<std::unique_ptr<platform::Platform>> inner = make(&capture);
  if (!inner.ok()) return inner.status();
  platform_replay::WriterSink sink(writer);
  platform_replay::RecordingPlatform recording(inner->get(), &sink, &capture, trace);
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
