#include "cli/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"

namespace scenario {
namespace {

constexpr size_t kChunk = 64 << 10;

const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

absl::Status Errno(const char* what, int err) {
  return absl::Status(absl::ErrnoToStatusCode(err), absl::StrCat(what, ": ", strerror(err)));
}

absl::Status TooLarge(const InputLimits& limits) {
  return absl::ResourceExhaustedError(absl::StrCat(
      "larger than ", limits.max_bytes, " bytes; raise ", limits.max_bytes_flag, " to read it"));
}

absl::StatusOr<std::string> ReadAll(int fd, const InputLimits& limits) {
  std::string text;
  for (;;) {
    const size_t room = limits.max_bytes + 1 - text.size();  // one more tells "too large"
    const size_t want = room < kChunk ? room : kChunk;
    const size_t old = text.size();
    text.resize(old + want);
    ssize_t n;
    do {
      n = read(fd, text.data() + old, want);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return Errno("cannot read", errno);
    text.resize(old + static_cast<size_t>(n));
    if (n == 0) return text;
    if (text.size() > limits.max_bytes) return TooLarge(limits);
  }
}

}  // namespace

absl::StatusOr<InputFile> ReadInputFile(const std::string& path, const InputLimits& limits) {
  InputFile out;
  struct stat st;
  if (path == "-") {
    if (fstat(STDIN_FILENO, &st) != 0) return Errno("cannot read standard input", errno);
    absl::StatusOr<std::string> text = ReadAll(STDIN_FILENO, limits);
    if (!text.ok()) return text.status();
    out.text = *std::move(text);
    out.device = st.st_dev;
    out.inode = st.st_ino;
    return out;
  }
  if (stat(path.c_str(), &st) != 0) return Errno("cannot read", errno);
  if (S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError("is a directory, not a scenario file");
  }
  const bool regular = S_ISREG(st.st_mode);
  if (!regular && !limits.allow_special_files) {
    return absl::InvalidArgumentError(absl::StrCat(
        "is ", KindOf(st.st_mode),
        ", not a regular file; pass --allow_special_files to read it anyway"));
  }
  if (regular && static_cast<uint64_t>(st.st_size) > limits.max_bytes) return TooLarge(limits);
  // O_NONBLOCK: if the path was swapped for a FIFO since stat, open must not
  // wait for a writer; fstat below then refuses it.
  const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | (regular ? O_NONBLOCK : 0);
  int fd;
  do {
    fd = open(path.c_str(), flags);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return Errno("cannot read", errno);
  absl::Cleanup close_fd = [fd] { close(fd); };
  if (fstat(fd, &st) != 0) return Errno("cannot read", errno);
  if (!S_ISREG(st.st_mode) && !limits.allow_special_files) {
    return absl::InvalidArgumentError(absl::StrCat("is ", KindOf(st.st_mode), ", not a regular file"));
  }
  if (S_ISDIR(st.st_mode)) return absl::InvalidArgumentError("is a directory, not a scenario file");
  if (regular && fcntl(fd, F_SETFL, O_RDONLY) != 0) return Errno("cannot read", errno);
  absl::StatusOr<std::string> text = ReadAll(fd, limits);
  if (!text.ok()) return text.status();
  out.text = *std::move(text);
  out.device = st.st_dev;
  out.inode = st.st_ino;
  return out;
}

}  // namespace scenario
