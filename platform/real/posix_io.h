// PosixIo: the real platform's pool I/O (platform/pool_io.h), done with the
// system calls libuv's uv_fs_* and uv_getaddrinfo make (src/unix/fs.c,
// src/unix/getaddrinfo.c): open(2) with O_CLOEXEC, pread(2), pwrite(2),
// fstat/stat(2), close(2), unlink(2), and getaddrinfo(3) with Node's hints
// (AF_UNSPEC, SOCK_STREAM; the first address, in the order the resolver
// gives, as Node 20's default `verbatim` order does).
//
// Errors are platform::ErrnoError with libuv's name and text for the errno
// ("ENOENT: no such file or directory, open '/x'"); getaddrinfo's as Node's
// dns errors ("getaddrinfo ENOTFOUND host").
//
// Threading: RunPosixIo blocks; the real platform calls it on pool threads.
#ifndef TWINLOOP_PLATFORM_REAL_POSIX_IO_H_
#define TWINLOOP_PLATFORM_REAL_POSIX_IO_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "platform/pool_io.h"

namespace platform_real {

struct IoOutcome {
  absl::Status status;
  int64_t value = 0;
  std::string data;
};

IoOutcome RunPosixIo(const platform::PoolIo& io);

}  // namespace platform_real

#endif  // TWINLOOP_PLATFORM_REAL_POSIX_IO_H_
