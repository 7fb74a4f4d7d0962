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

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/interpreter.h"
#include "cli/scenario.h"
#include "platform/platform.h"
#include "platform/trace.h"

namespace scenario {

// Pins the calling thread (and the threads it starts from now on) to
// `config.cores` CPUs, then creates the platform. INVALID_ARGUMENT when the
// scenario asks for more cores than this machine lets the run use.
absl::StatusOr<std::unique_ptr<platform::Platform>> MakeRealPlatform(const Scenario& s,
                                                                     platform::TraceSink* trace);

// INVALID_ARGUMENT (and nothing runs) when the scenario asks for more cores
// than this machine lets the run use.
absl::Status RunOnRealPlatform(const Scenario& s, LogSink* out, platform::TraceSink* trace,
                               RunOptions options);

}  // namespace scenario

#endif  // TWINLOOP_CLI_REAL_RUNNER_H_
