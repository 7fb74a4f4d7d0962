// PinToCpus: keeps the calling thread, and every thread it starts from now
// on, on `cores` CPUs, so that a scenario's `config.cores` means the same on
// the real platform as in simulation (a 1-core scenario really shares one
// core). Linux's sched_setaffinity; threads inherit the mask they are
// started with.
//
// Threading: call it on the loop thread before creating the platform.
#ifndef TWINLOOP_PLATFORM_REAL_CPU_AFFINITY_H_
#define TWINLOOP_PLATFORM_REAL_CPU_AFFINITY_H_

#include "absl/status/status.h"

namespace platform_real {

// The CPUs this process could run on when twinloop first asked (before any
// PinToCpus), so that pinning one run does not shrink the next.
int AvailableCpus();

// INVALID_ARGUMENT if `cores` is more than AvailableCpus(); the first
// `cores` of them otherwise (also when an earlier call pinned fewer).
absl::Status PinToCpus(int cores);

}  // namespace platform_real

#endif  // TWINLOOP_PLATFORM_REAL_CPU_AFFINITY_H_
