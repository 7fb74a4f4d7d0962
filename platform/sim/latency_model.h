// LatencyModel: the latency of a simulated network round trip.
//
// A request's latency is its nominal latency plus a jitter drawn uniformly
// from [0, max_jitter] nanoseconds. Draws come from std::mt19937_64, whose
// output the C++ standard fixes, and are mapped to the range by rejection
// sampling written here, because the standard distributions may differ
// between standard libraries. So one seed gives the same latencies on every
// machine.
//
// Threading: single-threaded.
#ifndef TWINLOOP_PLATFORM_SIM_LATENCY_MODEL_H_
#define TWINLOOP_PLATFORM_SIM_LATENCY_MODEL_H_

#include <cstdint>
#include <random>

#include "base/time_units.h"

namespace platform_sim {

class LatencyModel {
 public:
  LatencyModel(uint64_t seed, base::Duration max_jitter);

  base::Duration Draw(base::Duration nominal);

 private:
  // Uniform in [0, bound], without modulo bias.
  uint64_t UniformUpTo(uint64_t bound);

  std::mt19937_64 rng_;
  base::Duration max_jitter_;
};

}  // namespace platform_sim

#endif  // TWINLOOP_PLATFORM_SIM_LATENCY_MODEL_H_
