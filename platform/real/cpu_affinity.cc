#include "platform/real/cpu_affinity.h"

#include <sched.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace platform_real {

namespace {

// The CPUs the process could use when first asked, before any pinning: a
// run pinned to one core must not leave the next run in the same process
// (a test, a benchmark) with one core.
const cpu_set_t& OriginalCpus() {
  static const cpu_set_t* const original = [] {
    auto* set = new cpu_set_t;
    CPU_ZERO(set);
    if (sched_getaffinity(0, sizeof *set, set) != 0) CPU_SET(0, set);
    return set;
  }();
  return *original;
}

}  // namespace

int AvailableCpus() { return CPU_COUNT(&OriginalCpus()); }

absl::Status PinToCpus(int cores) {
  const cpu_set_t& available = OriginalCpus();
  const int count = CPU_COUNT(&available);
  if (cores < 1 || cores > count) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the scenario asks for ", cores, " cores, but this machine lets the run use ", count));
  }
  cpu_set_t pinned;
  CPU_ZERO(&pinned);
  int taken = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE && taken < cores; ++cpu) {
    if (CPU_ISSET(cpu, &available)) {
      CPU_SET(cpu, &pinned);
      ++taken;
    }
  }
  if (sched_setaffinity(0, sizeof pinned, &pinned) != 0) {
    return absl::InternalError(absl::StrCat("sched_setaffinity: ", strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace platform_real
