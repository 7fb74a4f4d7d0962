#include "timeline/signup_timeline_testutil.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "platform/sim/simulated_platform.h"
#include "runtime/loop.h"

namespace timeline {

Timeline SignupTimeline(int signups, int hash_ms) {
  TimelineBuilder builder;
  auto sim = platform_sim::SimulatedPlatform::Create(
      {.cores = 2, .pool_size = 4, .trace = &builder});
  if (!sim.ok()) {
    std::cerr << sim.status() << "\n";
    std::abort();
  }
  {
    runtime::Loop loop(sim->get());
    absl::Status script = loop.RunScript([&] {
      for (int i = 1; i <= signups; ++i) {
        platform::PoolWork work;
        work.segments.push_back(
            {platform::Segment::Kind::kCpu, base::Duration::Millis(hash_ms)});
        auto id = loop.QueueWork(std::move(work), [&loop, i](absl::Status) {
          loop.Log(absl::StrCat("signup ", i)).IgnoreError();
        });
        if (!id.ok()) std::abort();
      }
    });
    if (!script.ok() || !loop.Run().ok()) std::abort();
  }
  return builder.Finish();
}

}  // namespace timeline
