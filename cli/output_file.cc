#include "cli/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/printable.h"

namespace scenario {

using ::base::Printable;
using ::base::kMessageChars;
namespace {

constexpr size_t kBufferBytes = 64 << 10;
constexpr auto kFlushEvery = std::chrono::milliseconds(100);

absl::Status Errno(const std::string& what, int err) {
  return absl::Status(absl::ErrnoToStatusCode(err), absl::StrCat(what, ": ", strerror(err)));
}

std::string Folder(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string Base(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

OutputFile::OutputFile(int fd, bool owned, std::string shown_as, std::string temp_path,
                       std::string final_path, bool line_flush)
    : fd_(fd),
      owned_(owned),
      shown_as_(std::move(shown_as)),
      temp_path_(std::move(temp_path)),
      final_path_(std::move(final_path)),
      line_flush_(line_flush),
      last_flush_(std::chrono::steady_clock::now()) {
  buffer_.reserve(kBufferBytes);
}

OutputFile::~OutputFile() {
  if (!temp_path_.empty()) Abandon();
  if (owned_ && fd_ >= 0) close(fd_);
}

std::unique_ptr<OutputFile> OutputFile::Stdout(bool line_flush) {
  return std::unique_ptr<OutputFile>(
      new OutputFile(STDOUT_FILENO, false, "standard output", "", "", line_flush));
}

absl::StatusOr<std::unique_ptr<OutputFile>> OutputFile::Create(const std::string& path,
                                                               const std::string& shown_as) {
  const std::string name = Printable(shown_as, kMessageChars);
  if (path.empty()) return absl::InvalidArgumentError("an empty file name");
  struct stat st;
  const bool exists = stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(name, " is a directory"));
  }
  if (exists && !S_ISREG(st.st_mode)) {
    // A terminal, pipe or device: written as it is. O_NONBLOCK so a FIFO
    // without a reader fails (ENXIO) instead of waiting.
    int fd;
    do {
      fd = open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return Errno(absl::StrCat("cannot write ", name), errno);
    if (fcntl(fd, F_SETFL, O_WRONLY) != 0) {
      const int err = errno;
      close(fd);
      return Errno(absl::StrCat("cannot write ", name), err);
    }
    return std::unique_ptr<OutputFile>(new OutputFile(fd, true, name, "", path, false));
  }
  std::string temp = absl::StrCat(Folder(path), "/.", Base(path), ".tmp-XXXXXX");
  const int fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    return Errno(absl::StrCat("cannot create a temporary file next to ", name), errno);
  }
  // mkstemp makes it 0600; give it what a new file would get (0666 & ~umask).
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, exists ? (st.st_mode & 07777) : (0666 & ~mask));
  return std::unique_ptr<OutputFile>(new OutputFile(fd, true, name, temp, path, false));
}

void OutputFile::Fail(int err, const char* what) {
  if (status_.ok()) status_ = Errno(absl::StrCat(what, " ", shown_as_), err);
}

void OutputFile::WriteOut(const char* data, size_t size) {
  while (size > 0 && status_.ok()) {
    const ssize_t n = write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      Fail(errno, "cannot write");
      return;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void OutputFile::Write(std::string_view bytes) {
  if (!status_.ok()) return;
  buffer_.append(bytes);
  const bool line_done = !bytes.empty() && bytes.back() == '\n';
  if (buffer_.size() >= kBufferBytes || (line_flush_ && line_done)) {
    Flush().IgnoreError();  // the error sticks in status_
  } else if (line_done && std::chrono::steady_clock::now() - last_flush_ >= kFlushEvery) {
    Flush().IgnoreError();
  }
}

absl::Status OutputFile::Flush() {
  if (status_.ok() && !buffer_.empty()) WriteOut(buffer_.data(), buffer_.size());
  buffer_.clear();
  last_flush_ = std::chrono::steady_clock::now();
  return status_;
}

absl::Status OutputFile::Commit() {
  Flush().IgnoreError();
  if (owned_ && fd_ >= 0) {
    if (close(fd_) != 0) Fail(errno, "cannot write");
    fd_ = -1;
  }
  if (!temp_path_.empty()) {
    if (status_.ok() && rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
      Fail(errno, "cannot rename the temporary file to");
    }
    if (!status_.ok()) Abandon();
    temp_path_.clear();
  }
  return status_;
}

void OutputFile::Abandon() {
  buffer_.clear();
  if (!temp_path_.empty()) {
    unlink(temp_path_.c_str());
    temp_path_.clear();
  }
}

}  // namespace scenario
