#include "runtime/loop_metrics.h"

namespace runtime {

const char* PhaseName(Phase p) {
  switch (p) {
    case Phase::kMain: return "main";
    case Phase::kTimers: return "timers";
    case Phase::kPending: return "pending";
    case Phase::kIdle: return "idle";
    case Phase::kPrepare: return "prepare";
    case Phase::kPoll: return "poll";
    case Phase::kCheck: return "check";
    case Phase::kClose: return "close";
    case Phase::kShutdown: return "shutdown";
  }
  return "?";
}

}  // namespace runtime
