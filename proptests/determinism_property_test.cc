// Determinism: a generated scenario run twice with one seed gives
// byte-identical traces (and the same log lines).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cli/sim_runner.h"
#include "platform/trace.h"
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

}  // namespace
}  // namespace proptests
