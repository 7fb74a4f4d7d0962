#include "platform/real/cpu_affinity.h"

#include <sched.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace platform_real {

int AvailableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return CPU_COUNT(&set);
}

absl::Status PinToCpus(int cores) {
  cpu_set_t available;
  CPU_ZERO(&available);
  if (sched_getaffinity(0, sizeof available, &available) != 0) {
    return absl::InternalError(absl::StrCat("sched_getaffinity: ", strerror(errno)));
  }
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
