// RunOnSimulator: a scenario on a fresh simulated platform configured from
// its `config` (RunScenario in cli/interpreter.h does the rest).
//
// Threading: the calling thread runs the whole simulation.
#ifndef TWINLOOP_CLI_SIM_RUNNER_H_
#define TWINLOOP_CLI_SIM_RUNNER_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/interpreter.h"
#include "cli/scenario.h"
#include "platform/platform.h"
#include "platform/trace.h"

namespace scenario {

// A simulated platform configured from the scenario's `config`.
absl::StatusOr<std::unique_ptr<platform::Platform>> MakeSimulatedPlatform(
    const Scenario& s, platform::TraceSink* trace);

// Streams log lines to `out` as they happen.
absl::Status RunOnSimulator(const Scenario& s, LogSink* out, platform::TraceSink* trace,
                            RunOptions options);

// Collects the log lines, with the default options.
absl::StatusOr<std::vector<LogLine>> RunOnSimulator(const Scenario& s,
                                                    platform::TraceSink* trace = nullptr);

}  // namespace scenario

#endif  // TWINLOOP_CLI_SIM_RUNNER_H_
