#include "fakeclock/virtual_clock.h"

#include <limits>

#include "absl/strings/str_cat.h"

namespace fakeclock {

absl::Status VirtualClock::AdvanceTo(Nanos t) {
  if (t < now_) {
    return absl::InvalidArgumentError(
        absl::StrCat("virtual time cannot move backwards: now is ", now_,
                     " ns, asked for ", t, " ns"));
  }
  now_ = t;
  return absl::OkStatus();
}

absl::Status VirtualClock::AdvanceBy(Nanos d) {
  if (d < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "virtual time cannot move backwards: asked to advance by ", d, " ns"));
  }
  if (d > std::numeric_limits<Nanos>::max() - now_) {
    return absl::OutOfRangeError(
        absl::StrCat("virtual time overflow: ", now_, " ns + ", d, " ns"));
  }
  now_ += d;
  return absl::OkStatus();
}

}  // namespace fakeclock
