// InputFile: reads a whole input file (a scenario, a flagfile) with limits,
// so that no input can exhaust memory or block forever.
//
// - At most `max_bytes` are read, in bounded chunks; a larger input is an
//   error that names the limit, and nothing more is read.
// - Only regular files are read unless `allow_special_files`: /dev/zero, a
//   FIFO whose writer never stops (or never comes) and sockets are refused
//   before anything is read.
// - "-" is standard input, whatever it is, with the same size limit.
//
// Error messages are one line and do not repeat the path (callers prefix
// it). The identity (device, inode) of what was read lets a caller refuse to
// write an output over its own input.
//
// Threading: plain functions; no shared state.
#ifndef TWINLOOP_CLI_INPUT_FILE_H_
#define TWINLOOP_CLI_INPUT_FILE_H_

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace scenario {

struct InputLimits {
  size_t max_bytes = 8 << 20;  // 8 MiB: scenarios are small
  bool allow_special_files = false;
  // The flag that raises max_bytes, named in the error.
  const char* max_bytes_flag = "--max_input_bytes";
};

struct InputFile {
  std::string text;
  dev_t device = 0;
  ino_t inode = 0;
};

// `path` as given ("-" for standard input).
absl::StatusOr<InputFile> ReadInputFile(const std::string& path, const InputLimits& limits);

}  // namespace scenario

#endif  // TWINLOOP_CLI_INPUT_FILE_H_
