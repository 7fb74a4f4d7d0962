// VirtualClock: the simulated platform's notion of "now".
//
// Time is a count of nanoseconds since the start of the simulation (virtual
// epoch 0), held in an int64_t. We chose an integer count over absl::Time
// because the simulator does arithmetic on it (processor sharing, latencies)
// and integer nanoseconds are exact, totally ordered and identical on every
// machine; absl::Time/Duration conversions are offered at the edges.
// ~292 years of virtual time fit before overflow.
//
// Threading: not thread-safe. A clock belongs to one simulation, driven by one
// thread. There is no process-wide state: clocks are independent.
#ifndef TWINLOOP_FAKECLOCK_VIRTUAL_CLOCK_H_
#define TWINLOOP_FAKECLOCK_VIRTUAL_CLOCK_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace fakeclock {

// Nanoseconds of virtual time.
using Nanos = int64_t;

inline constexpr Nanos kNanosPerMilli = 1'000'000;

inline constexpr Nanos Millis(int64_t ms) { return ms * kNanosPerMilli; }

class VirtualClock {
 public:
  VirtualClock() = default;
  VirtualClock(const VirtualClock&) = delete;
  VirtualClock& operator=(const VirtualClock&) = delete;

  Nanos Now() const { return now_; }
  absl::Duration SinceEpoch() const { return absl::Nanoseconds(now_); }

  // Moves time to `t`. Moving backwards is an error and changes nothing.
  absl::Status AdvanceTo(Nanos t);
  // Moves time forward by `d` >= 0.
  absl::Status AdvanceBy(Nanos d);

 private:
  Nanos now_ = 0;
};

}  // namespace fakeclock

#endif  // TWINLOOP_FAKECLOCK_VIRTUAL_CLOCK_H_
