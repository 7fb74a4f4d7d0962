// libFuzzer target: any bytes as a record for `twinloop replay`
// (proptests/record_invariants.h). Built with clang under --config=fuzz;
// .ci/run runs it under ASan and UBSan from the seed records in
// proptests/record_corpus/.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "proptests/record_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Status s = proptests::CheckRecordInvariants(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!s.ok()) {
    std::fprintf(stderr, "invariant broken: %s\n", std::string(s.message()).c_str());
    std::abort();
  }
  return 0;
}
