// VirtualClock: the simulated platform's notion of "now".
//
// Time is a base::Instant: nanoseconds since the start of the simulation
// (virtual epoch 0), exact and identical on every machine. It only moves
// forward, and never past kMaxVirtualTime.
//
// Threading: not thread-safe. A clock belongs to one simulation, driven by one
// thread. There is no process-wide state: clocks are independent.
#ifndef TWINLOOP_FAKECLOCK_VIRTUAL_CLOCK_H_
#define TWINLOOP_FAKECLOCK_VIRTUAL_CLOCK_H_

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/time_units.h"

namespace fakeclock {

using base::Duration;
using base::Instant;

// The latest instant a simulation may reach: 10^18 ns, about 31.7 years of
// virtual time. int64 nanoseconds overflow at 2^63 (about 292 years); keeping
// every time at or below this limit leaves room to add any duration the
// scenario format allows (at most 10^15 ns). Every sum of a time and a
// duration is checked against it (AddToTime, or the same comparison inline
// on hot paths, where the message is built only on failure). A run that
// would pass the limit fails with OUT_OF_RANGE instead.
inline constexpr Instant kMaxVirtualTime = Instant::FromNanos(1'000'000'000'000'000'000);

// `t` + `d` (`d` >= 0), or OUT_OF_RANGE naming `what` if the sum passes
// kMaxVirtualTime.
absl::StatusOr<Instant> AddToTime(Instant t, Duration d, absl::string_view what);

// The error for `what` ending past the limit: one line that names the limit.
absl::Status TimeLimitError(absl::string_view what);

class VirtualClock {
 public:
  VirtualClock() = default;
  VirtualClock(const VirtualClock&) = delete;
  VirtualClock& operator=(const VirtualClock&) = delete;

  Instant Now() const { return now_; }

  // Moves time to `t`. Moving backwards, or past kMaxVirtualTime, is an
  // error and changes nothing. Inline: every simulated event moves it.
  absl::Status AdvanceTo(Instant t) {
    if (ABSL_PREDICT_FALSE(t < now_ || t > kMaxVirtualTime)) return RefuseAdvance(t);
    now_ = t;
    return absl::OkStatus();
  }
  // Moves time forward by `d` >= 0, within kMaxVirtualTime.
  absl::Status AdvanceBy(Duration d);

 private:
  absl::Status RefuseAdvance(Instant t) const;

  Instant now_;
};

}  // namespace fakeclock

#endif  // TWINLOOP_FAKECLOCK_VIRTUAL_CLOCK_H_
