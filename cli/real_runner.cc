#include "cli/real_runner.h"

#include <memory>
#include <utility>

#include "platform/real/cpu_affinity.h"
#include "platform/real/real_platform.h"

namespace scenario {

absl::Status RunOnRealPlatform(const Scenario& s, LogSink* out, platform::TraceSink* trace,
                               RunOptions options) {
  // Before the platform exists: its pool threads inherit the mask.
  absl::Status pinned = platform_real::PinToCpus(s.config.cores);
  if (!pinned.ok()) return pinned;
  absl::StatusOr<std::unique_ptr<platform_real::RealPlatform>> real =
      platform_real::RealPlatform::Create({.pool_size = s.config.pool_size, .trace = trace});
  if (!real.ok()) return real.status();
  return RunScenario(s, **real, out, std::move(options));
}

}  // namespace scenario
