// SimHarness: a simulated platform, a loop on it, and a trace, for property
// tests that drive the Loop API directly.
//
// Threading: the test thread only.
#ifndef TWINLOOP_PROPTESTS_SIM_HARNESS_H_
#define TWINLOOP_PROPTESTS_SIM_HARNESS_H_

#include <memory>
#include <string>
#include <vector>

#include "platform/sim/simulated_platform.h"
#include "platform/trace.h"
#include "runtime/loop.h"

namespace proptests {

constexpr base::Duration kMs = base::Duration::Millis(1);

// The instant `ms` milliseconds into the run.
constexpr base::Instant AtMs(int64_t ms) { return base::Instant::Epoch() + kMs * ms; }

struct SimHarness {
  explicit SimHarness(platform_sim::SimConfig config = {}, runtime::LoopOptions options = {},
                      bool traced = true) {
    config.trace = traced ? &trace : nullptr;
    sim = std::move(platform_sim::SimulatedPlatform::Create(config).value());
    loop = std::make_unique<runtime::Loop>(sim.get(), options);
  }
  // Loop iteration of each trace event: the number of polls before it.
  std::vector<int> IterationsOf(const std::string& kind) const {
    std::vector<int> out;
    int iteration = 0;
    for (const platform::TraceEvent& e : trace.events()) {
      if (e.event == platform::TraceEventKind::kPoll) ++iteration;
      if (e.event == platform::TraceEventKind::kCallbackBegin && e.kind == kind) {
        out.push_back(iteration);
      }
    }
    return out;
  }

  platform::MemoryTraceSink trace;
  std::unique_ptr<platform_sim::SimulatedPlatform> sim;
  std::unique_ptr<runtime::Loop> loop;
};

}  // namespace proptests

#endif  // TWINLOOP_PROPTESTS_SIM_HARNESS_H_
