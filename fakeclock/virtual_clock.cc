#include "fakeclock/virtual_clock.h"

#include "absl/strings/str_cat.h"

namespace fakeclock {

absl::Status TimeLimitError(absl::string_view what) {
  return absl::OutOfRangeError(
      absl::StrCat(what, " would pass the virtual time limit of 10^18 ns (about 31.7 years)"));
}

absl::StatusOr<Instant> AddToTime(Instant t, Duration d, absl::string_view what) {
  if (d < Duration::Zero()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": negative duration ", d.nanos(), " ns"));
  }
  // Saturating: a sum past INT64_MAX is past the limit too.
  const Instant end = t + d;
  if (end > kMaxVirtualTime) return TimeLimitError(what);
  return end;
}

absl::Status VirtualClock::RefuseAdvance(Instant t) const {
  if (t < now_) {
    return absl::InvalidArgumentError(
        absl::StrCat("virtual time cannot move backwards: now is ", now_.nanos(),
                     " ns, asked for ", t.nanos(), " ns"));
  }
  if (t > kMaxVirtualTime) {
    return TimeLimitError(absl::StrCat("moving the clock to ", t.nanos(), " ns"));
  }
  return absl::InternalError("RefuseAdvance called for an allowed move");
}

absl::Status VirtualClock::AdvanceBy(Duration d) {
  if (d < Duration::Zero()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "virtual time cannot move backwards: asked to advance by ", d.nanos(), " ns"));
  }
  absl::StatusOr<Instant> t =
      AddToTime(now_, d, absl::StrCat("advancing the clock by ", d.nanos(), " ns"));
  if (!t.ok()) return t.status();
  now_ = *t;
  return absl::OkStatus();
}

}  // namespace fakeclock
