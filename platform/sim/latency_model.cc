#include "platform/sim/latency_model.h"

#include <limits>

namespace platform_sim {

LatencyModel::LatencyModel(uint64_t seed, base::Duration max_jitter)
    : rng_(seed), max_jitter_(max_jitter) {}

uint64_t LatencyModel::UniformUpTo(uint64_t bound) {
  if (bound == std::numeric_limits<uint64_t>::max()) return rng_();
  const uint64_t range = bound + 1;
  // Largest multiple of `range` that fits; draws above it are rejected.
  const uint64_t limit = std::numeric_limits<uint64_t>::max() -
                         std::numeric_limits<uint64_t>::max() % range;
  uint64_t x;
  do {
    x = rng_();
  } while (x >= limit);
  return x % range;
}

base::Duration LatencyModel::Draw(base::Duration nominal) {
  if (max_jitter_ <= base::Duration::Zero()) return nominal;
  // Saturating: a latency past the time limit is refused when it is scheduled.
  return nominal +
         base::Duration::Nanos(static_cast<int64_t>(UniformUpTo(static_cast<uint64_t>(max_jitter_.nanos()))));
}

}  // namespace platform_sim
