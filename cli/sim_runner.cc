#include "cli/sim_runner.h"

#include <memory>
#include <utility>

#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

namespace scenario {

absl::StatusOr<std::unique_ptr<platform::Platform>> MakeSimulatedPlatform(
    const Scenario& s, platform::TraceSink* trace) {
  absl::StatusOr<std::unique_ptr<platform_sim::SimulatedPlatform>> sim =
      platform_sim::SimulatedPlatform::Create({.cores = s.config.cores,
                                               .pool_size = s.config.pool_size,
                                               .seed = s.config.seed,
                                               .net_jitter = base::Duration::MillisRounded(s.config.net_jitter_ms),
                                               .trace = trace});
  if (!sim.ok()) return sim.status();
  return std::unique_ptr<platform::Platform>(*std::move(sim));
}

absl::Status RunOnSimulator(const Scenario& s, LogSink* out, platform::TraceSink* trace,
                            RunOptions options) {
  absl::StatusOr<std::unique_ptr<platform::Platform>> sim = MakeSimulatedPlatform(s, trace);
  if (!sim.ok()) return sim.status();
  return RunScenario(s, **sim, out, std::move(options));
}

absl::StatusOr<std::vector<LogLine>> RunOnSimulator(const Scenario& s,
                                                    platform::TraceSink* trace) {
  LogLines lines;
  absl::Status st = RunOnSimulator(s, &lines, trace, {});
  if (!st.ok()) return st;
  return std::move(lines.lines);
}

}  // namespace scenario
