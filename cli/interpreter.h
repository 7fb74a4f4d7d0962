// Interpreter: runs a Scenario's ops on a runtime::Loop.
//
// It knows nothing of the platform: the same interpreter drives the simulated
// platform (RunOnSimulator, used by the CLI and the property tests) and, later,
// the real one. Each `log` op records the platform time and its label.
//
// Threading: the loop's thread only.
#ifndef TWINLOOP_CLI_INTERPRETER_H_
#define TWINLOOP_CLI_INTERPRETER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cli/scenario.h"
#include "platform/platform.h"
#include "runtime/loop.h"

namespace scenario {

struct LogLine {
  platform::Nanos t = 0;  // platform time of the log op
  std::string label;

  bool operator==(const LogLine&) const = default;
};

// `{"t": <ms>, "log": "<label>"}`, the CLI's output format.
std::string FormatLogLine(const LogLine& line);

class Interpreter {
 public:
  // `scenario`, `loop` and `out` must outlive the run.
  Interpreter(const Scenario* scenario, runtime::Loop* loop, std::vector<LogLine>* out);

  // Runs `main` as the main script, then the loop until it is done.
  absl::Status Run();

 private:
  // Runs ops inside a callback; a loop error becomes an exception, which the
  // loop reports as the callback's failure.
  void Exec(const std::vector<Op>& ops);
  void ExecOne(const Op& op);

  const Scenario* scenario_;
  runtime::Loop* loop_;
  std::vector<LogLine>* out_;
};

// Milliseconds (as in a scenario) to nanoseconds, rounded to nearest.
platform::Nanos MillisToNanos(double ms);

// Runs a scenario on a fresh simulated platform configured from its config.
// An endless setImmediate chain stops after 100000 iterations in a row.
absl::StatusOr<std::vector<LogLine>> RunOnSimulator(const Scenario& s,
                                                    platform::TraceSink* trace = nullptr);

}  // namespace scenario

#endif  // TWINLOOP_CLI_INTERPRETER_H_
