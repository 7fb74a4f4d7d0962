// The `twinloop` command's flags and usage text (cli/main.cc parses them
// with cli/command_line.h; cli/SCENARIOS.md documents them).
#ifndef TWINLOOP_CLI_CLI_FLAGS_H_
#define TWINLOOP_CLI_CLI_FLAGS_H_

#include <cstdint>
#include <string>

#include "absl/flags/declare.h"

ABSL_DECLARE_FLAG(std::string, platform);
ABSL_DECLARE_FLAG(std::string, trace);
ABSL_DECLARE_FLAG(std::string, trace_chrome);
ABSL_DECLARE_FLAG(std::string, svg);
ABSL_DECLARE_FLAG(int64_t, max_callbacks);
ABSL_DECLARE_FLAG(int64_t, max_pending);
ABSL_DECLARE_FLAG(std::string, record);
ABSL_DECLARE_FLAG(std::string, scenario);
ABSL_DECLARE_FLAG(bool, metrics);
ABSL_DECLARE_FLAG(int64_t, max_input_bytes);
ABSL_DECLARE_FLAG(bool, allow_special_files);

namespace scenario {

// What `twinloop --help` prints.
extern const char kUsageText[];

}  // namespace scenario

#endif  // TWINLOOP_CLI_CLI_FLAGS_H_
