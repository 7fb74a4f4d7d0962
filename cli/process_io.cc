#include "cli/process_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "base/printable.h"

namespace scenario {

using ::base::Printable;
using ::base::kMessageChars;

void Say(const std::string& line) {
  const std::string text = "twinloop: " + line + "\n";
  // Nothing more can be done if stderr is gone; the exit code still tells.
  if (fwrite(text.data(), 1, text.size(), stderr) != text.size()) return;
  fflush(stderr);
}

std::string Shown(const std::string& text) { return Printable(text, kMessageChars); }

bool ReserveStandardDescriptors() {
  bool stdout_closed = false;
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    if (fd == STDOUT_FILENO) stdout_closed = true;
    const int null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (null >= 0 && null != fd) {
      dup2(null, fd);
      close(null);
    }
  }
  return stdout_closed;
}

void StdoutLines::Write(const LogLine& line) {
  LogLine shown = line;
  if (round_to_us_) shown.t = base::Instant::FromNanos((line.t.nanos() + 500) / 1000 * 1000);
  std::string text = FormatLogLine(shown);
  text += '\n';
  out_->Write(text);
}

}  // namespace scenario
