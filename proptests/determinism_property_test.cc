// Determinism: a generated scenario run twice with one seed gives
// byte-identical traces (and the same log lines); and tracing a run does not
// change what the loop asks the platform: the same clock reads, polls and
// submissions as an untraced run, which is what lets a recording of an
// untraced run replay a traced one.
#include <memory>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cli/interpreter.h"
#include "cli/sim_runner.h"
#include "platform/sim/simulated_platform.h"
#include "platform/trace.h"
#include "proptests/counting_platform.h"
#include "proptests/scenario_gen.h"

namespace proptests {
namespace {

RC_GTEST_PROP(DeterminismProperty, SameSeedSameTrace, ()) {
  const scenario::Scenario s = *GenScenario();
  platform::MemoryTraceSink a, b;
  const auto first = scenario::RunOnSimulator(s, &a);
  const auto second = scenario::RunOnSimulator(s, &b);
  RC_ASSERT(first.ok());
  RC_ASSERT(second.ok());
  RC_ASSERT(*first == *second);
  RC_ASSERT(a.ToJsonLines() == b.ToJsonLines());
  RC_ASSERT(!a.events().empty());
}

struct CountedRun {
  PlatformCalls calls;
  std::vector<scenario::LogLine> lines;
};

CountedRun Run(const scenario::Scenario& s, platform::TraceSink* trace) {
  auto sim = platform_sim::SimulatedPlatform::Create(
                 {.cores = s.config.cores,
                  .pool_size = s.config.pool_size,
                  .seed = s.config.seed,
                  .net_jitter = base::Duration::MillisRounded(s.config.net_jitter_ms),
                  .trace = trace})
                 .value();
  CountingPlatform counting(sim.get());
  scenario::LogLines lines;
  RC_ASSERT(scenario::RunScenario(s, counting, &lines).ok());
  return {counting.calls(), std::move(lines.lines)};
}

RC_GTEST_PROP(DeterminismProperty, TracingAsksThePlatformNothingMore, ()) {
  const scenario::Scenario s = *GenScenario();
  platform::MemoryTraceSink trace;
  const CountedRun traced = Run(s, &trace);
  const CountedRun untraced = Run(s, nullptr);
  RC_ASSERT(!trace.events().empty());
  RC_ASSERT(traced.calls == untraced.calls);
  RC_ASSERT(traced.lines == untraced.lines);
  RC_ASSERT(traced.calls.now > 0);
}

}  // namespace
}  // namespace proptests
