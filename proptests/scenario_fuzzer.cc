// libFuzzer target: any bytes as a scenario (proptests/input_invariants.h).
// A broken invariant prints what broke and aborts, so libFuzzer keeps the
// input. Built with clang under --config=fuzz (.bazelrc); .ci/run runs it
// for a minute under ASan and UBSan from the seed corpus in
// proptests/fuzz_corpus/ (the scenarios of ../shared/conformance/).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "proptests/input_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Status s =
      proptests::CheckScenarioInvariants(absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!s.ok()) {
    std::fprintf(stderr, "invariant broken: %s\n", std::string(s.message()).c_str());
    std::abort();
  }
  return 0;
}
