// VirtualClock: the simulated platform's notion of "now".
//
// Time is a count of nanoseconds since the start of the simulation (virtual
// epoch 0), held in an int64_t. We chose an integer count over absl::Time
// because the simulator does arithmetic on it (processor sharing, latencies)
// and integer nanoseconds are exact, totally ordered and identical on every
// machine; absl::Time/Duration conversions are offered at the edges.
// Times stay within kMaxVirtualTime (below), far from overflow.
//
// Threading: not thread-safe. A clock belongs to one simulation, driven by one
// thread. There is no process-wide state: clocks are independent.
#ifndef TWINLOOP_FAKECLOCK_VIRTUAL_CLOCK_H_
#define TWINLOOP_FAKECLOCK_VIRTUAL_CLOCK_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fakeclock {

// Nanoseconds of virtual time.
using Nanos = int64_t;

inline constexpr Nanos kNanosPerMilli = 1'000'000;

inline constexpr Nanos Millis(int64_t ms) { return ms * kNanosPerMilli; }

// The latest instant a simulation may reach: 10^18 ns, about 31.7 years of
// virtual time. int64 nanoseconds overflow at 2^63 (about 292 years); keeping
// every time at or below this limit leaves room to add any duration the
// scenario format allows (at most 10^15 ns) without overflowing, and every
// sum of a time and a duration goes through AddToTime, which checks it. A
// run that would pass the limit fails with OUT_OF_RANGE instead.
inline constexpr Nanos kMaxVirtualTime = 1'000'000'000'000'000'000;

// `t` + `d` (both >= 0), or OUT_OF_RANGE naming `what` if the sum passes
// kMaxVirtualTime.
absl::StatusOr<Nanos> AddToTime(Nanos t, Nanos d, absl::string_view what);

// The error for `what` ending past the limit: one line that names the limit.
absl::Status TimeLimitError(absl::string_view what);

class VirtualClock {
 public:
  VirtualClock() = default;
  VirtualClock(const VirtualClock&) = delete;
  VirtualClock& operator=(const VirtualClock&) = delete;

  Nanos Now() const { return now_; }
  absl::Duration SinceEpoch() const { return absl::Nanoseconds(now_); }

  // Moves time to `t`. Moving backwards, or past kMaxVirtualTime, is an
  // error and changes nothing.
  absl::Status AdvanceTo(Nanos t);
  // Moves time forward by `d` >= 0, within kMaxVirtualTime.
  absl::Status AdvanceBy(Nanos d);

 private:
  Nanos now_ = 0;
};

}  // namespace fakeclock

#endif  // TWINLOOP_FAKECLOCK_VIRTUAL_CLOCK_H_
