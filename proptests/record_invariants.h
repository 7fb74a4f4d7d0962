// CheckRecordInvariants: what must hold for any bytes given to `twinloop
// replay` as a record, shared by the RapidCheck property that runs in
// `bazel test` (record_input_property_test.cc) and the libFuzzer target
// (record_fuzzer.cc).
//
// - RecordReader::Open refuses the bytes with a one-line message, or reads
//   them;
// - a record it reads hands back exactly size() inputs;
// - replaying it (against the scenario it holds, or a fixed one) ends,
//   within a small budget, without crashing; a divergence has a report.
//
// Threading: the calling thread only.
#ifndef TWINLOOP_PROPTESTS_RECORD_INVARIANTS_H_
#define TWINLOOP_PROPTESTS_RECORD_INVARIANTS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace proptests {

// OK, or INTERNAL naming the broken invariant.
absl::Status CheckRecordInvariants(absl::string_view bytes);

// A valid record of `scenario_json` run on the simulator, for seeds.
std::string RecordOf(const std::string& scenario_json);

}  // namespace proptests

#endif  // TWINLOOP_PROPTESTS_RECORD_INVARIANTS_H_
