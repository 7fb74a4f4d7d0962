// CheckDeterminism: madsim's determinism check as a library call. A test
// runs its code twice on two fresh, identically configured platforms: the
// first run records every input at the seam, the second compares each of
// its inputs with the first run's and stops at the first difference.
//
//   absl::Status s = platform_replay::CheckDeterminism(
//       [](platform::TraceSink* trace) -> absl::StatusOr<std::unique_ptr<platform::Platform>> {
//         return platform_sim::SimulatedPlatform::Create({.seed = 7, .trace = trace});
//       },
//       [](platform::Platform& p) { runtime::Loop loop(&p); ...; return loop.Run().status(); });
//
// Threading: runs both runs on the calling thread.
#ifndef TWINLOOP_PLATFORM_REPLAY_DETERMINISM_CHECK_H_
#define TWINLOOP_PLATFORM_REPLAY_DETERMINISM_CHECK_H_

#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "platform/platform.h"
#include "platform/replay/record.h"

namespace platform_replay {

// Whether two inputs are the same, answers included.
bool SameInput(const Input& a, const Input& b);

using PlatformFactory =
    absl::FunctionRef<absl::StatusOr<std::unique_ptr<platform::Platform>>(platform::TraceSink*)>;
using Program = absl::FunctionRef<absl::Status(platform::Platform&)>;

// OK when both runs saw the same inputs; FAILED_PRECONDITION with a report
// of the first one that differs (its index, both sides, the inputs before)
// otherwise. An error from `make` is returned as is; the runs' own statuses
// are inputs like any other (both runs must end the same way).
absl::Status CheckDeterminism(PlatformFactory make, Program run);

}  // namespace platform_replay

#endif  // TWINLOOP_PLATFORM_REPLAY_DETERMINISM_CHECK_H_
