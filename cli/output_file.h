// OutputFile: buffered output that never loses an error.
//
// Every write is checked; the first error sticks and is returned by Flush,
// Commit and status(), so "disk full" or a closed stdout ends a run with a
// message instead of exit 0 and lost output.
//
// A regular file (new or existing) is written under a temporary name in the
// same folder and renamed over the final name by Commit(), so a failed or
// interrupted run never leaves half a file under the final name; without
// Commit (Abandon, or destruction) the temporary file is removed. Other
// targets (a terminal, a pipe, /dev/stdout, a character device) are written
// directly.
//
// Output is flushed when the buffer fills, after each line when `line_flush`
// is set (a terminal), and at least every 100 ms of wall time, so a long run
// shows its progress while memory stays flat.
//
// Threading: not thread-safe; callers that share one serialise.
#ifndef TWINLOOP_CLI_OUTPUT_FILE_H_
#define TWINLOOP_CLI_OUTPUT_FILE_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace scenario {

class OutputFile {
 public:
  // Standard output (fd 1), named "standard output" in errors.
  static std::unique_ptr<OutputFile> Stdout(bool line_flush);
  // Opens `path` for writing as described above. `shown_as` names it in
  // errors (the path as the user typed it).
  static absl::StatusOr<std::unique_ptr<OutputFile>> Create(const std::string& path,
                                                            const std::string& shown_as);

  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void Write(std::string_view bytes);
  // Writes out what is buffered.
  absl::Status Flush();
  // Flushes, closes and (for a temporary file) renames it to its final name.
  absl::Status Commit();
  // Removes the temporary file, if any; the final name is untouched.
  void Abandon();
  // The first error, or OK.
  const absl::Status& status() const { return status_; }

 private:
  OutputFile(int fd, bool owned, std::string shown_as, std::string temp_path,
             std::string final_path, bool line_flush);
  void WriteOut(const char* data, size_t size);
  void Fail(int err, const char* what);

  int fd_;
  bool owned_;
  std::string shown_as_;
  std::string temp_path_;   // empty unless written under a temporary name
  std::string final_path_;
  bool line_flush_;
  std::string buffer_;
  std::chrono::steady_clock::time_point last_flush_;
  absl::Status status_;
};

}  // namespace scenario

#endif  // TWINLOOP_CLI_OUTPUT_FILE_H_
