#include "platform/real/posix_io.h"

#include <fcntl.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"

namespace platform_real {
namespace {

using Op = platform::PoolIo::Op;

// libuv's error codes are the negated errno on Unix (uv-errno.h).
absl::Status SysError(int err, const char* op, const std::string& path) {
  return platform::ErrnoError(uv_err_name(-err), uv_strerror(-err), op, path);
}

int OpenFlagsToPosix(const platform::OpenFlags& f) {
  int flags = O_CLOEXEC;
  flags |= f.read && f.write ? O_RDWR : f.write ? O_WRONLY : O_RDONLY;
  if (f.create) flags |= O_CREAT;
  if (f.exclusive) flags |= O_EXCL;
  if (f.truncate) flags |= O_TRUNC;
  if (f.append) flags |= O_APPEND;
  return flags;
}

// Retries EINTR, as libuv's fs calls do.
template <typename F>
auto Retry(F f) {
  decltype(f()) r;
  do {
    r = f();
  } while (r < 0 && errno == EINTR);
  return r;
}

IoOutcome Open(const platform::PoolIo& io) {
  if (!io.flags.read && !io.flags.write) return {SysError(EINVAL, "open", io.path)};
  const int fd = Retry([&] { return ::open(io.path.c_str(), OpenFlagsToPosix(io.flags), 0666); });
  if (fd < 0) return {SysError(errno, "open", io.path)};
  return {.value = fd};
}

IoOutcome Read(const platform::PoolIo& io) {
  if (io.offset < -1 || io.length < 0) return {SysError(EINVAL, "read", "")};
  const int fd = static_cast<int>(io.fd);
  // The size only sizes the first allocation: /proc files say 0 and have
  // bytes, and a file may grow; read until the length or the end.
  struct stat st;
  if (::fstat(fd, &st) != 0) return {SysError(errno, "read", "")};
  const int64_t want = std::min(io.length, platform::kMaxIoBytes);
  int64_t first = std::min<int64_t>(want, 64 * 1024);
  if (S_ISREG(st.st_mode) && io.offset >= 0 && st.st_size > io.offset) {
    first = std::min<int64_t>(want, std::max<int64_t>(first, st.st_size - io.offset));
  }
  IoOutcome out;
  out.data.resize(static_cast<size_t>(first));
  int64_t got = 0;
  while (got < want) {
    if (got == static_cast<int64_t>(out.data.size())) {
      out.data.resize(static_cast<size_t>(std::min<int64_t>(want, got * 2)));
    }
    const size_t room = out.data.size() - static_cast<size_t>(got);
    // Offset -1: the descriptor's own position (Node's position null), as
    // on a pipe or a terminal, which have no offsets.
    const ssize_t n = Retry([&] {
      return io.offset < 0 ? ::read(fd, out.data.data() + got, room)
                           : ::pread(fd, out.data.data() + got, room,
                                     static_cast<off_t>(io.offset + got));
    });
    if (n < 0) return {SysError(errno, "read", "")};
    if (n == 0) break;
    got += n;
    if (io.offset < 0 && !S_ISREG(st.st_mode)) break;  // a pipe: what is there now
  }
  out.data.resize(static_cast<size_t>(got));
  out.value = got;
  return out;
}

IoOutcome WriteAll(int fd, const std::string& data, int64_t offset, const char* op,
                   const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = Retry([&] {
      return offset < 0 ? ::write(fd, data.data() + done, data.size() - done)
                        : ::pwrite(fd, data.data() + done, data.size() - done,
                                   static_cast<off_t>(offset + static_cast<int64_t>(done)));
    });
    if (n < 0) return {SysError(errno, op, path)};
    done += static_cast<size_t>(n);
  }
  return {.value = static_cast<int64_t>(done)};
}

IoOutcome Write(const platform::PoolIo& io) {
  if (io.offset < -1) return {SysError(EINVAL, "write", "")};
  const int fd = static_cast<int>(io.fd);
  // At the end of a file; a pipe or a terminal (ESPIPE) has no end to
  // seek to, and takes the bytes where they are.
  if (io.offset == -1 && ::lseek(fd, 0, SEEK_END) < 0 && errno != ESPIPE) {
    return {SysError(errno, "write", "")};
  }
  return WriteAll(fd, io.data, io.offset, "write", "");
}

IoOutcome Stat(const platform::PoolIo& io) {
  struct stat st;
  if (::stat(io.path.c_str(), &st) != 0) return {SysError(errno, "stat", io.path)};
  return {.value = static_cast<int64_t>(st.st_size)};
}

IoOutcome Fstat(const platform::PoolIo& io) {
  struct stat st;
  if (::fstat(static_cast<int>(io.fd), &st) != 0) return {SysError(errno, "fstat", "")};
  return {.value = static_cast<int64_t>(st.st_size)};
}

IoOutcome Close(const platform::PoolIo& io) {
  // No retry: after EINTR the descriptor is gone on Linux (libuv's
  // uv__close_nocheckstdio treats EINTR as done).
  if (::close(static_cast<int>(io.fd)) != 0 && errno != EINTR && errno != EINPROGRESS) {
    return {SysError(errno, "close", "")};
  }
  return {};
}

IoOutcome Unlink(const platform::PoolIo& io) {
  if (::unlink(io.path.c_str()) != 0) return {SysError(errno, "unlink", io.path)};
  return {};
}

IoOutcome ReadFile(const platform::PoolIo& io) {
  const int fd = Retry([&] { return ::open(io.path.c_str(), O_RDONLY | O_CLOEXEC); });
  if (fd < 0) return {SysError(errno, "open", io.path)};
  IoOutcome out;
  char buf[64 * 1024];
  for (;;) {
    const ssize_t n = Retry([&] { return ::read(fd, buf, sizeof buf); });
    if (n < 0) {
      out = {SysError(errno, "read", "")};
      break;
    }
    if (n == 0) break;
    if (static_cast<int64_t>(out.data.size()) + n > platform::kMaxIoBytes) {
      out = {absl::OutOfRangeError(absl::StrCat("ERR_FS_FILE_TOO_LARGE: File size is greater than ",
                                                platform::kMaxIoBytes, " bytes"))};
      break;
    }
    out.data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  out.value = static_cast<int64_t>(out.data.size());
  return out;
}

IoOutcome WriteFile(const platform::PoolIo& io) {
  const int fd = Retry(
      [&] { return ::open(io.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666); });
  if (fd < 0) return {SysError(errno, "open", io.path)};
  IoOutcome out = WriteAll(fd, io.data, -1, "write", "");
  if (::close(fd) != 0 && out.status.ok() && errno != EINTR) out = {SysError(errno, "close", "")};
  return out;
}

IoOutcome Lookup(const platform::PoolIo& io) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int r = ::getaddrinfo(io.path.c_str(), nullptr, &hints, &res);
  if (r != 0) {
    // Node names EAI_NONAME and EAI_NODATA ENOTFOUND (lib/internal/errors.js).
    const char* name = r == EAI_NONAME
#ifdef EAI_NODATA
                               || r == EAI_NODATA
#endif
                           ? "ENOTFOUND"
                       : r == EAI_AGAIN ? "EAI_AGAIN"
                                        : "EAI_FAIL";
    return {platform::ErrnoError(name, ::gai_strerror(r), "getaddrinfo", io.path)};
  }
  IoOutcome out;
  char text[INET6_ADDRSTRLEN] = {};
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr, text, sizeof text);
      out.value = 4;
    } else if (a->ai_family == AF_INET6) {
      ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr, text,
                  sizeof text);
      out.value = 6;
    } else {
      continue;
    }
    out.data = text;
    break;
  }
  ::freeaddrinfo(res);
  if (out.value == 0) return {platform::ErrnoError("ENOTFOUND", "getaddrinfo", io.path)};
  return out;
}

}  // namespace

IoOutcome RunPosixIo(const platform::PoolIo& io) {
  switch (io.op) {
    case Op::kOpen: return Open(io);
    case Op::kRead: return Read(io);
    case Op::kWrite: return Write(io);
    case Op::kStat: return Stat(io);
    case Op::kFstat: return Fstat(io);
    case Op::kClose: return Close(io);
    case Op::kUnlink: return Unlink(io);
    case Op::kReadFile: return ReadFile(io);
    case Op::kWriteFile: return WriteFile(io);
    case Op::kLookup: return Lookup(io);
  }
  return {absl::InternalError("unknown pool I/O operation")};
}

}  // namespace platform_real
