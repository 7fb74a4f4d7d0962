// PoolIo: the I/O libuv runs on its thread pool, as one platform operation.
//
// libuv runs every uv_fs_* call on the pool as UV__WORK_FAST_IO and
// getaddrinfo (dns.lookup) as UV__WORK_SLOW_IO (src/threadpool.c,
// src/unix/fs.c, src/unix/getaddrinfo.c); Node's fs and dns.lookup sit on
// those. The platform does the call (POSIX on the real platform, the
// SimulatedDisk and a host table in simulation) and reports what it gave in
// the completion: the status, and in platform::Result
//   kOpen       value: the descriptor
//   kRead       data: the bytes read; value: their count (0 at the end)
//   kWrite      value: the bytes written
//   kStat       value: the size in bytes (kFstat: of an open descriptor)
//   kClose, kUnlink                    nothing
//   kReadFile   data: the whole file; value: its size
//   kWriteFile  value: the bytes written
//   kLookup     data: the first address (as text); value: 4 or 6
// Errors are named after errno and worded as Node words them
// ("ENOENT: no such file or directory, open 'a.txt'"); see ErrnoError.
//
// Threading: plain values.
#ifndef TWINLOOP_PLATFORM_POOL_IO_H_
#define TWINLOOP_PLATFORM_POOL_IO_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace platform {

// open(2)'s access and creation flags.
struct OpenFlags {
  bool read = true;
  bool write = false;
  bool create = false;
  bool exclusive = false;  // with create: EEXIST if the path exists
  bool truncate = false;
  bool append = false;

  bool operator==(const OpenFlags&) const = default;
};

// Node's flag strings (fs.open's `flags`): "r", "r+", "rs+", "w", "wx",
// "w+", "wx+", "a", "ax", "a+", "ax+" ("xw" and "xa" spellings too).
// INVALID_ARGUMENT for anything else, in Node's words.
absl::StatusOr<OpenFlags> ParseOpenFlags(std::string_view flags);
// The Node flag string for `flags` ("r" when none matches exactly).
std::string OpenFlagsName(const OpenFlags& flags);

// Read and write lengths are capped, as Node caps them at kIoMaxLength
// (2^31 - 1); a gigabyte is more than one request should move.
inline constexpr int64_t kMaxIoBytes = int64_t{1} << 30;

struct PoolIo {
  enum class Op : uint8_t {
    kOpen,
    kRead,
    kWrite,
    kStat,
    kClose,
    kUnlink,
    kReadFile,
    kWriteFile,
    kLookup,
    kFstat,
  };
  static constexpr Op kLastOp = Op::kFstat;

  Op op = Op::kStat;
  std::string path;    // the path; the host name for kLookup
  OpenFlags flags;     // kOpen
  int64_t fd = -1;     // kRead, kWrite, kClose, kFstat
  // kRead: >= 0, or -1: at the descriptor's position, which moves on;
  // kWrite: >= 0, or -1: at the end of the file.
  int64_t offset = 0;
  int64_t length = 0;  // kRead
  std::string data;    // kWrite, kWriteFile

  bool operator==(const PoolIo&) const = default;
};

// "open", "read", ... "lookup".
const char* PoolIoOpName(PoolIo::Op op);
// One line naming the call and its arguments, for records and divergence
// reports: `open 'a.txt' w`, `write fd 3 at -1 (5 bytes, fnv 0x...)`. Two
// calls describe alike exactly when they ask for the same thing.
std::string DescribePoolIo(const PoolIo& io);
// Written bytes as a record keeps them: "(5 bytes, fnv 0123...)", their
// size and FNV-1a 64 hash (megabytes would only repeat what the program
// holds). DescribePoolIo and DescribeNetOp use it.
std::string DescribeBytes(const std::string& bytes);

// Whether `io` is libuv's slow I/O (getaddrinfo) rather than fast (fs).
inline bool IsSlowIo(const PoolIo& io) { return io.op == PoolIo::Op::kLookup; }

// An error named after errno in Node's words: "ENOENT: no such file or
// directory, open 'a.txt'" (the text is libuv's uv_strerror). The code
// follows the name (ENOENT is NOT_FOUND, EEXIST ALREADY_EXISTS, ...; see
// pool_io.cc). `path` may be empty.
absl::Status ErrnoError(std::string_view name, std::string_view op, std::string_view path);
// The same with the text given (the real platform passes uv_strerror's).
absl::Status ErrnoError(std::string_view name, std::string_view text, std::string_view op,
                        std::string_view path);
// The errno name an ErrnoError starts with ("ENOENT"), or "" for another
// status. For programs that branch on the error, as Node's err.code.
std::string ErrnoName(const absl::Status& status);

}  // namespace platform

#endif  // TWINLOOP_PLATFORM_POOL_IO_H_
