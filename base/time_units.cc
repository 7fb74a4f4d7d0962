#include "base/time_units.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace base {

Duration Duration::MillisRounded(double ms) {
  if (std::isnan(ms)) return Zero();
  const double ns = std::round(ms * 1e6);
  // 2^63 is exactly representable; anything at or past it saturates.
  if (ns >= 9223372036854775808.0) return Max();
  if (ns <= -9223372036854775808.0) return Nanos(time_internal::kMin);
  return Nanos(static_cast<int64_t>(ns));
}

std::string ToString(Duration d) {
  if (d.nanos() % 1'000'000 == 0) return absl::StrCat(d.nanos() / 1'000'000, " ms");
  if (d.nanos() < 1'000 && d.nanos() > -1'000) return absl::StrCat(d.nanos(), " ns");
  return absl::StrCat(d.millis(), " ms");
}

std::string ToString(Instant t) { return absl::StrFormat("t=%.3f ms", t.millis()); }

}  // namespace base
