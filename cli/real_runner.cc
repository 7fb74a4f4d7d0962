#include "cli/real_runner.h"

#include <memory>
#include <utility>

#include "platform/real/cpu_affinity.h"
#include "platform/real/real_platform.h"

namespace scenario {

absl::StatusOr<std::unique_ptr<platform::Platform>> MakeRealPlatform(const Scenario& s,
                                                                     platform::TraceSink* trace) {
  // Before the platform exists: its pool threads inherit the mask.
  absl::Status pinned = platform_real::PinToCpus(s.config.cores);
  if (!pinned.ok()) return pinned;
  absl::StatusOr<std::unique_ptr<platform_real::RealPlatform>> real =
      platform_real::RealPlatform::Create({.pool_size = s.config.pool_size, .trace = trace});
  if (!real.ok()) return real.status();
  return std::unique_ptr<platform::Platform>(*std::move(real));
}

absl::Status RunOnRealPlatform(const Scenario& s, LogSink* out, platform::TraceSink* trace,
                               RunOptions options) {
  absl::StatusOr<std::unique_ptr<platform::Platform>> real = MakeRealPlatform(s, trace);
  if (!real.ok()) return real.status();
  return RunScenario(s, **real, out, std::move(options));
}

}  // namespace scenario
