// RunRecorded and RunReplayed: a scenario run whose inputs are recorded at
// the platform seam, and a run that plays such a record back
// (platform/replay, platform/RECORD.md). `twinloop run --record` and
// `twinloop replay` are built on them.
//
// Threading: the calling thread runs the loop (and, recording on the real
// platform, owns its pool).
#ifndef TWINLOOP_CLI_RECORDED_RUN_H_
#define TWINLOOP_CLI_RECORDED_RUN_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/interpreter.h"
#include "cli/scenario.h"
#include "platform/platform.h"
#include "platform/replay/record.h"
#include "platform/replay/replay_platform.h"
#include "platform/trace.h"

namespace scenario {

// Makes the platform a run uses, given the trace sink it must write to.
using PlatformMaker = absl::FunctionRef<absl::StatusOr<std::unique_ptr<platform::Platform>>(
    platform::TraceSink* trace)>;

// Runs `s` on a platform from `make`, appending every input to `writer` (the
// caller Finishes it). Returns the run's status.
absl::Status RunRecorded(const Scenario& s, PlatformMaker make, platform::TraceSink* trace,
                         platform_replay::RecordWriter* writer, LogSink* out, RunOptions options);

// Runs `s` against `reader`'s inputs. If the program asks for something the
// record does not hold, or stops before its end, `*divergence` says where;
// the run's status is returned either way.
absl::Status RunReplayed(const Scenario& s, platform_replay::RecordReader reader,
                         platform::TraceSink* trace, LogSink* out, RunOptions options,
                         std::optional<platform_replay::Divergence>* divergence);

}  // namespace scenario

#endif  // TWINLOOP_CLI_RECORDED_RUN_H_
