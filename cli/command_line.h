// CommandLine: argv checked and applied against absl flags, with the usual
// CLI conventions for errors.
//
// Flags are defined with ABSL_FLAG and their values parsed by absl
// (CommandLineFlag::ParseFrom); this file only walks argv. It exists because
// absl::ParseCommandLine exits with status 1 on any error, where bad usage
// must exit 2 (sysexits' convention, which most CLIs follow); accepts every
// flag linked into the binary in every subcommand; and reads --flagfile with
// no size or type check (--flagfile=/dev/zero never returns).
//
// Accepted: `--name=value`, `--name value`, one or two dashes, `--bool`,
// `--nobool`, `--bool=false`, `--` (the rest is positional), `-` (positional:
// standard input), `--help`/`-h`, and `--flagfile=FILE`: a regular file of at
// most 1 MiB holding one flag per line (blank lines and lines starting with
// '#' are skipped), which may name further flagfiles, 8 deep at most.
//
// Threading: ApplyCommandLine sets global flags; call it from main only.
#ifndef TWINLOOP_CLI_COMMAND_LINE_H_
#define TWINLOOP_CLI_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace scenario {

struct CommandLine {
  std::vector<std::string> positional;
  std::vector<std::string> flags;  // names of the flags given, in order
  bool help = false;
};

// Which flags each command takes, by its first positional argument. A
// flag not listed for the command given is a usage error that says so.
using FlagsByCommand = absl::flat_hash_map<std::string, std::vector<std::string>>;

// Parses `args` (argv without the program name) and sets the flags given.
// Errors are INVALID_ARGUMENT with a one-line message, and leave every flag
// at its default (call it once, from main).
absl::StatusOr<CommandLine> ApplyCommandLine(const std::vector<std::string>& args,
                                             const FlagsByCommand& flags_by_command);

}  // namespace scenario

#endif  // TWINLOOP_CLI_COMMAND_LINE_H_
