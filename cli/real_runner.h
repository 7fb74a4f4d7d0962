// RunOnRealPlatform: a scenario on the machine: its threads pinned to
// `config.cores` CPUs, a RealPlatform with a pool of `config.pool_size`
// threads, driven by the Interpreter (cli/interpreter.h). `cpu` ops and pool
// `cpu` segments compute in thread CPU time, `io` segments sleep on a pool
// thread, `net` ops wait on a libuv timer; log lines carry wall time since
// the run started.
//
// Threading: pins and runs on the calling thread; pool threads are the
// platform's.
#ifndef TWINLOOP_CLI_REAL_RUNNER_H_
#define TWINLOOP_CLI_REAL_RUNNER_H_

#include "absl/status/status.h"
#include "cli/interpreter.h"
#include "cli/scenario.h"
#include "platform/trace.h"

namespace scenario {

// INVALID_ARGUMENT (and nothing runs) when the scenario asks for more cores
// than this machine lets the run use.
absl::Status RunOnRealPlatform(const Scenario& s, LogSink* out, platform::TraceSink* trace,
                               RunOptions options);

}  // namespace scenario

#endif  // TWINLOOP_CLI_REAL_RUNNER_H_
