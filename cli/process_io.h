// What the `twinloop` command writes outside its results: one-line messages
// on stderr, quoted input made printable, standard descriptors that were
// closed at start, and log lines on stdout.
//
// Threading: the main thread.
#ifndef TWINLOOP_CLI_PROCESS_IO_H_
#define TWINLOOP_CLI_PROCESS_IO_H_

#include <string>

#include "cli/interpreter.h"
#include "cli/output_file.h"

namespace scenario {

// "twinloop: <line>" on stderr, flushed; nothing if stderr is gone.
void Say(const std::string& line);

// `text` made printable and cut to kMessageChars, for messages.
std::string Shown(const std::string& text);

// Standard descriptors that are closed at start are reserved with
// /dev/null, so files opened later cannot take their numbers. Returns whether
// stdout was closed (writing to it is then reported, as if it still were).
bool ReserveStandardDescriptors();

// Log lines as `{"t": <ms>, "log": "<label>"}` on stdout.
class StdoutLines : public LogSink {
 public:
  // Real time is shown to the microsecond: nanoseconds there are noise.
  StdoutLines(OutputFile* out, bool round_to_us) : out_(out), round_to_us_(round_to_us) {}
  void Write(const LogLine& line) override;

 private:
  OutputFile* out_;
  bool round_to_us_;
};

}  // namespace scenario

#endif  // TWINLOOP_CLI_PROCESS_IO_H_
