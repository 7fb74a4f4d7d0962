#include "cli/sim_runner.h"

#include <memory>
#include <utility>

#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

namespace scenario {

absl::Status RunOnSimulator(const Scenario& s, LogSink* out, platform::TraceSink* trace,
                            RunOptions options) {
  absl::StatusOr<std::unique_ptr<platform_sim::SimulatedPlatform>> sim =
      platform_sim::SimulatedPlatform::Create({.cores = s.config.cores,
                                               .pool_size = s.config.pool_size,
                                               .seed = s.config.seed,
                                               .net_jitter = MillisToNanos(s.config.net_jitter_ms),
                                               .trace = trace});
  if (!sim.ok()) return sim.status();
  runtime::Loop loop(sim->get(), {.max_immediate_chain = 100'000});
  Interpreter interp(&s, &loop, out, std::move(options));
  return interp.Run();
}

absl::StatusOr<std::vector<LogLine>> RunOnSimulator(const Scenario& s,
                                                    platform::TraceSink* trace) {
  LogLines lines;
  absl::Status st = RunOnSimulator(s, &lines, trace, {});
  if (!st.ok()) return st;
  return std::move(lines.lines);
}

}  // namespace scenario
