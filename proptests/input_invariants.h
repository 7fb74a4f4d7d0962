// What must hold for any bytes given to twinloop as a scenario, valid or not
// (issue #6). Shared by the RapidCheck property that runs in every
// `bazel test` (hostile_input_property_test.cc) and the libFuzzer target
// (scenario_fuzzer.cc).
//
// - An error is one clean line: not empty, at most 4000 bytes, no control
//   characters, valid UTF-8.
// - A scenario that parses prints back (ScenarioToJson) to the same
//   scenario, prints as a Node program or says why it cannot, and runs on
//   the simulator to an end within small budgets (`max_callbacks`,
//   `max_pending`), or stops with a clean error.
//
// Threading: plain functions.
#ifndef TWINLOOP_PROPTESTS_INPUT_INVARIANTS_H_
#define TWINLOOP_PROPTESTS_INPUT_INVARIANTS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace proptests {

// Whether `message` is one clean line; if not, `why` says what is wrong.
bool IsCleanLine(absl::string_view message, std::string* why);

struct InvariantReport {
  bool parsed = false;  // the text was a valid scenario
  bool ran = false;     // ... and its run ended without an error
};

// OK when every invariant holds for `text`; otherwise which one broke.
absl::Status CheckScenarioInvariants(absl::string_view text, InvariantReport* report = nullptr);

}  // namespace proptests

#endif  // TWINLOOP_PROPTESTS_INPUT_INVARIANTS_H_
