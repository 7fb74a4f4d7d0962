#include "fakeclock/virtual_clock.h"

#include "absl/strings/str_cat.h"

namespace fakeclock {

absl::Status TimeLimitError(absl::string_view what) {
  return absl::OutOfRangeError(
      absl::StrCat(what, " would pass the virtual time limit of 10^18 ns (about 31.7 years)"));
}

absl::StatusOr<Nanos> AddToTime(Nanos t, Nanos d, absl::string_view what) {
  if (t < 0 || d < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": negative time or duration (", t, " ns + ", d, " ns)"));
  }
  // t <= kMaxVirtualTime < INT64_MAX / 2, so the comparison cannot overflow.
  if (t > kMaxVirtualTime || d > kMaxVirtualTime - t) return TimeLimitError(what);
  return t + d;
}

absl::Status VirtualClock::AdvanceTo(Nanos t) {
  if (t < now_) {
    return absl::InvalidArgumentError(
        absl::StrCat("virtual time cannot move backwards: now is ", now_,
                     " ns, asked for ", t, " ns"));
  }
  if (t > kMaxVirtualTime) return TimeLimitError(absl::StrCat("moving the clock to ", t, " ns"));
  now_ = t;
  return absl::OkStatus();
}

absl::Status VirtualClock::AdvanceBy(Nanos d) {
  if (d < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "virtual time cannot move backwards: asked to advance by ", d, " ns"));
  }
  absl::StatusOr<Nanos> t = AddToTime(now_, d, absl::StrCat("advancing the clock by ", d, " ns"));
  if (!t.ok()) return t.status();
  now_ = *t;
  return absl::OkStatus();
}

}  // namespace fakeclock
